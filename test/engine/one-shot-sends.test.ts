/**
 * One-shot sends (contact card, location request) and the services they need: a location
 * request goes only to 1:1 iMessage chats, each send at most once per chat. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import type { ServiceType } from "../../src/api-wire/types.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan } from "../../src/sync-engine/plan/plan-types.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import type { ChatResourceState } from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

const LOCATION_RULE = "§5.6.1 location request: 1:1 iMessage chats only (at-most-once, journaled)";
const SHARE_RULE = "§5.1.7 share contact card: once per chat (at-most-once, journaled)";

function plan(desired: DesiredState, live = snapshot(), state = stateDoc()): Plan {
  return buildPlan({ desired, live, state, statePath: "s", liveFingerprint: "fp" });
}
const ops = (p: Plan) => p.changes.flatMap((c) => c.steps.map((s) => s.op));

describe("a new chat: one-shot sends follow the create", () => {
  it("a direct chat with location_request gets one request; without it, none", () => {
    const wants = plan(
      desiredState({ chats: chats(direct("alice", A, { location_request: true })) }),
    );
    expect(wants.changes[0]?.steps[1]).toEqual({
      op: "request_location",
      reason: "location_request: true (once per chat)",
      rule: LOCATION_RULE,
    });
    expect(ops(plan(desiredState({ chats: chats(direct("alice", A)) })))).toEqual(["create_chat"]);
  });

  it("share_contact_card adds one share after the create and its name; without it, none", () => {
    const g = group("eng", [A, B], { share_contact_card: true, display_name: "Eng" });
    const p = plan(desiredState({ chats: chats(g) }));
    expect(ops(p)).toEqual(["create_chat", "rename_chat", "share_contact_card"]);
    expect(p.changes[0]?.steps[2]).toEqual({
      op: "share_contact_card",
      reason: "share_contact_card: true (once per chat)",
      rule: SHARE_RULE,
    });
  });

  it("a group is created as a group with everyone declared; a direct chat with its recipient", () => {
    const p = plan(desiredState({ chats: chats(group("eng", [B, A]), direct("alice", A)) }));
    const creates = p.changes.map((c) => c.steps[0]);
    expect(creates).toContainEqual(
      expect.objectContaining({ op: "create_chat", is_group: true, to: [A, B], generation: 1 }),
    );
    expect(creates).toContainEqual(
      expect.objectContaining({
        op: "create_chat",
        is_group: false,
        to: [A],
        welcome_message: "Hi!",
      }),
    );
  });
});

describe("a live direct chat: location_request", () => {
  const dm = direct("alice", A, { location_request: true });
  const livePlan = (service: ServiceType | undefined, st: Partial<ChatResourceState> = {}) => {
    const chat = liveChat("c1", [A], { group: false });
    if (service === undefined) delete (chat as { service?: ServiceType }).service;
    else chat.service = service;
    return plan(
      desiredState({ chats: chats(dm) }),
      snapshot({ chats: { c1: chat } }),
      stateDoc({ "chat.alice": managedChat("c1", dm, st) }),
    );
  };

  it("is requested once on iMessage", () => {
    const p = livePlan("iMessage");
    expect(p.changes[0]?.steps).toEqual([
      {
        op: "request_location",
        reason: "location_request: true and not requested yet",
        rule: LOCATION_RULE,
      },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it("is not requested on SMS or RCS, with a warning naming the service", () => {
    for (const service of ["SMS", "RCS"] as const) {
      const p = livePlan(service);
      expect(p.changes).toEqual([]);
      expect(p.warnings).toEqual([
        {
          address: "chat.alice",
          message: `location_request needs an iMessage chat; this one is ${service}, so no request is sent`,
        },
      ]);
    }
  });

  it("is not requested when the service is unknown", () => {
    const p = livePlan(undefined);
    expect(p.changes).toEqual([]);
    expect(p.warnings[0]?.message).toBe(
      "location_request needs an iMessage chat; this one is of unknown service, so no request is sent",
    );
  });

  it("is not requested again once recorded", () => {
    const p = livePlan("iMessage", { markers: { location_requested: "2026-01-01T00:00:00Z" } });
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([]);
  });

  it("an interrupted request of this generation is settled, not resent; one of an older generation does not count", () => {
    const intent = (generation: number) => ({
      intents: [{ purpose: "request_location" as const, generation, started_at: "x" }],
    });
    const settled = livePlan("iMessage", intent(1));
    expect(settled.changes[0]?.steps).toEqual([
      {
        op: "settle_interrupted_send",
        purpose: "request_location",
        reason:
          "an earlier run was interrupted while requesting location; it may have been sent, so it is recorded as done and not sent again",
        rule: LOCATION_RULE,
      },
    ]);
    expect(settled.warnings.map((w) => w.message)).toEqual([
      "an interrupted location request is recorded as done without resending (at-most-once)",
    ]);
    expect(ops(livePlan("iMessage", intent(0)))).toEqual(["request_location"]);
  });

  it("is not requested when location_request is off", () => {
    const off = direct("alice", A);
    const p = plan(
      desiredState({ chats: chats(off) }),
      snapshot({ chats: { c1: liveChat("c1", [A], { group: false }) } }),
      stateDoc({ "chat.alice": managedChat("c1", off) }),
    );
    expect(p.changes).toEqual([]);
  });
});

describe("a live chat: share_contact_card", () => {
  const g = group("eng", [A, B], { share_contact_card: true });
  const livePlan = (st: Partial<ChatResourceState> = {}) =>
    plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": managedChat("c1", g, st) }),
    );

  it("shares once, whatever the service", () => {
    expect(livePlan().changes[0]?.steps).toEqual([
      {
        op: "share_contact_card",
        reason: "share_contact_card: true and not shared yet",
        rule: SHARE_RULE,
      },
    ]);
  });

  it("an interrupted share of this generation is settled, one of an older generation does not count", () => {
    const intent = (generation: number) => ({
      intents: [{ purpose: "share_contact_card" as const, generation, started_at: "x" }],
    });
    expect(livePlan(intent(1)).changes[0]?.steps).toEqual([
      {
        op: "settle_interrupted_send",
        purpose: "share_contact_card",
        reason:
          "an earlier run was interrupted while sharing the contact card; it may have been sent, so it is recorded as done and not sent again",
        rule: SHARE_RULE,
      },
    ]);
    expect(ops(livePlan(intent(0)))).toEqual(["share_contact_card"]);
    // An interrupted location request is no share.
    expect(
      ops(livePlan({ intents: [{ purpose: "request_location", generation: 1, started_at: "x" }] })),
    ).toEqual(["share_contact_card"]);
  });

  it("the OPTED_OUT warning names what is not sent", () => {
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B], { health: "OPTED_OUT" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.warnings).toEqual([
      {
        address: "chat.eng",
        message: "the chat is OPTED_OUT; chatsync does not share the contact card",
      },
    ]);
  });
});
