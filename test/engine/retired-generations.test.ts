/**
 * Leave or forget: the chats a replacement leaves behind (retired generations), the chat being
 * replaced, and the chat of a removed declaration. Every branch of the decision, through the
 * plan a user reads. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan, Step } from "../../src/sync-engine/plan/plan-types.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import type {
  ChatResourceState,
  RetiredChat,
  StateDocument,
} from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

const LEAVE_RULE = "§5.1.6 leave: iMessage groups with ≥4 active participants including you";

function plan(desired: DesiredState, live: LiveSnapshot, state: StateDocument): Plan {
  return buildPlan({ desired, live, state, statePath: "s", liveFingerprint: "fp" });
}
const stepsOf = (p: Plan, address: string): Step[] =>
  p.changes.find((c) => c.address === address)?.steps ?? [];
const retired = (id: string, on_delete: RetiredChat["on_delete"] = "leave"): RetiredChat => ({
  id,
  on_delete,
  retired_at: "2026-01-01T00:00:00.000Z",
});

const g = group("eng", [A, B, C]);
/** State of chat.eng, live as c1 (matching the declaration), with retired generations. */
const withRetired = (old: RetiredChat[], extra: Partial<ChatResourceState> = {}) =>
  stateDoc({ "chat.eng": managedChat("c1", g, { generation: 2, retired: old, ...extra }) });

/** The plan for an unchanged chat.eng whose retired generation `old` has the live chat `oldLive`. */
function retiredPlan(old: RetiredChat, oldLive: LiveSnapshot["chats"][string] | undefined) {
  return plan(
    desiredState({ chats: chats(g) }),
    snapshot({
      chats: { c1: liveChat("c1", [A, B, C]), ...(oldLive ? { c0: oldLive } : {}) },
    }),
    withRetired([old]),
  );
}

describe("retired generations: leave or forget the chat a replacement left behind", () => {
  it("leaves it when on_delete is leave, your line is in it and the API allows leaving", () => {
    const p = retiredPlan(retired("c0"), liveChat("c0", [A, B, C]));
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ address: "chat.eng", action: "update" });
    expect(stepsOf(p, "chat.eng")).toEqual([
      {
        op: "leave_chat",
        chat_id: "c0",
        reason: "finish leaving the chat this address replaced",
        rule: LEAVE_RULE,
      },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it("forgets it with a warning and the leave rule when the API does not allow leaving (3 people)", () => {
    const p = retiredPlan(retired("c0"), liveChat("c0", [A, B]));
    expect(stepsOf(p, "chat.eng")).toEqual([
      {
        op: "forget_chat",
        chat_id: "c0",
        reason: "stop tracking the chat this address replaced",
        rule: LEAVE_RULE,
      },
    ]);
    expect(p.warnings).toEqual([
      {
        address: "chat.eng",
        message:
          "the replaced chat c0 is forgotten, not left: the API can leave only groups with at least 4 active participants including you (this one has 3)",
      },
    ]);
  });

  it("forgets an SMS group with a warning naming the service", () => {
    const p = retiredPlan(retired("c0"), liveChat("c0", [A, B, C], { service: "SMS" }));
    expect(stepsOf(p, "chat.eng")).toMatchObject([{ op: "forget_chat", rule: LEAVE_RULE }]);
    expect(p.warnings[0]?.message).toBe(
      "the replaced chat c0 is forgotten, not left: the API can leave only iMessage groups (this one is SMS)",
    );
  });

  const quietForget = {
    op: "forget_chat",
    chat_id: "c0",
    reason: "stop tracking the chat this address replaced",
  };

  it("forgets it quietly when your line already left it", () => {
    const p = retiredPlan(retired("c0"), liveChat("c0", [A, B, C], { meStatus: "left" }));
    expect(stepsOf(p, "chat.eng")).toEqual([quietForget]);
    expect(p.warnings).toEqual([]);
  });

  it("forgets it quietly when it no longer exists (404)", () => {
    expect(stepsOf(retiredPlan(retired("c0"), null), "chat.eng")).toEqual([quietForget]);
    // Not in the snapshot at all: the same.
    expect(stepsOf(retiredPlan(retired("c0"), undefined), "chat.eng")).toEqual([quietForget]);
  });

  it("forgets it quietly when its on_delete was forget, even where leaving is allowed", () => {
    const p = retiredPlan(retired("c0", "forget"), liveChat("c0", [A, B, C]));
    expect(stepsOf(p, "chat.eng")).toEqual([quietForget]);
    expect(p.warnings).toEqual([]);
  });

  it("handles each retired generation on its own, in the order recorded", () => {
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({
        chats: {
          c1: liveChat("c1", [A, B, C]),
          ca: liveChat("ca", [A, B, C]),
          cb: liveChat("cb", [A, B]),
        },
      }),
      withRetired([retired("ca"), retired("cb"), retired("cc", "forget")]),
    );
    expect(stepsOf(p, "chat.eng").map((s) => [s.op, "chat_id" in s ? s.chat_id : ""])).toEqual([
      ["leave_chat", "ca"],
      ["forget_chat", "cb"],
      ["forget_chat", "cc"],
    ]);
  });

  it("come after the create of a chat not made yet, and after a recreate of a chat gone (404)", () => {
    const fresh = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c0: liveChat("c0", [A, B, C]) } }),
      stateDoc({
        "chat.eng": {
          kind: "chat",
          generation: 2,
          intents: [],
          markers: {},
          retired: [retired("c0")],
        },
      }),
    );
    expect(stepsOf(fresh, "chat.eng").map((s) => s.op)).toEqual(["create_chat", "leave_chat"]);
    expect(stepsOf(fresh, "chat.eng")[0]).toMatchObject({ generation: 3 });

    const gone = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: null, c0: liveChat("c0", [A, B, C]) } }),
      withRetired([retired("c0")]),
    );
    expect(gone.changes[0]).toMatchObject({ action: "create", live_id: "c1" });
    expect(stepsOf(gone, "chat.eng").map((s) => s.op)).toEqual(["create_chat", "leave_chat"]);
    expect(stepsOf(gone, "chat.eng")[0]).toMatchObject({ generation: 3 });
  });

  it("come after the leave or forget of a removed declaration", () => {
    const p = plan(
      desiredState(),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C]), c0: liveChat("c0", [A, B, C]) } }),
      withRetired([retired("c0")]),
    );
    expect(p.changes[0]).toMatchObject({ action: "leave", live_id: "c1" });
    expect(stepsOf(p, "chat.eng").map((s) => [s.op, "chat_id" in s ? s.chat_id : ""])).toEqual([
      ["leave_chat", "c1"],
      ["leave_chat", "c0"],
    ]);
  });
});

describe("the chat being replaced: leave or forget", () => {
  // A direct chat whose recipient changed must be replaced; a group whose line changed too.
  const moved = (extra: Parameters<typeof group>[2] = {}) =>
    group("eng", [A, B, C], { from: "+12025550199", ...extra });
  const replacePlan = (d: ReturnType<typeof moved>, live: ReturnType<typeof liveChat>) =>
    plan(
      desiredState({ chats: chats(d) }),
      snapshot({ lines: ["+12025550100", "+12025550199"], chats: { c1: live } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );

  it("leaves it when on_delete is leave and the API allows it; no warning", () => {
    const p = replacePlan(moved(), liveChat("c1", [A, B, C]));
    expect(stepsOf(p, "chat.eng").slice(1)).toEqual([
      {
        op: "leave_chat",
        chat_id: "c1",
        reason: "leave the chat being replaced",
        rule: LEAVE_RULE,
      },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it("forgets it quietly when on_delete is forget", () => {
    const p = replacePlan(moved({ on_delete: "forget" }), liveChat("c1", [A, B, C]));
    expect(stepsOf(p, "chat.eng").slice(1)).toEqual([
      { op: "forget_chat", chat_id: "c1", reason: "stop tracking the chat being replaced" },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it("forgets it with the leave rule and a warning when the API does not allow leaving", () => {
    const p = replacePlan(moved(), liveChat("c1", [A, B, C], { service: "SMS" }));
    expect(stepsOf(p, "chat.eng").slice(1)).toEqual([
      {
        op: "forget_chat",
        chat_id: "c1",
        reason: "stop tracking the chat being replaced",
        rule: LEAVE_RULE,
      },
    ]);
    expect(p.warnings).toEqual([
      {
        address: "chat.eng",
        message:
          "the replaced chat is forgotten, not left: the API can leave only iMessage groups (this one is SMS)",
      },
    ]);
  });

  it("forgets it quietly when your line is no longer a member (the reason it is replaced)", () => {
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C], { meStatus: "removed" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.changes[0]).toMatchObject({
      action: "replace",
      reason:
        "your line is no longer a member of the live chat (every interaction would fail with 409/2013)",
    });
    expect(stepsOf(p, "chat.eng").slice(1)).toEqual([
      { op: "forget_chat", chat_id: "c1", reason: "stop tracking the chat being replaced" },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it("a direct chat is never left: forgotten with the leave rule", () => {
    const p = plan(
      desiredState({ chats: chats(direct("alice", B)) }),
      snapshot({ chats: { c2: liveChat("c2", [A]) } }),
      stateDoc({ "chat.alice": managedChat("c2", direct("alice", A)) }),
    );
    expect(p.changes[0]?.reason).toBe(`the recipient changed from ${A} to ${B}`);
    expect(stepsOf(p, "chat.alice")[1]).toMatchObject({ op: "forget_chat", rule: LEAVE_RULE });
    expect(p.warnings[0]?.message).toBe(
      "the replaced chat is forgotten, not left: the API cannot leave a direct chat",
    );
  });
});

describe("a removed declaration: leave or forget", () => {
  const removedPlan = (live: LiveSnapshot["chats"][string], st: ChatResourceState) =>
    plan(
      desiredState(),
      snapshot({ chats: live ? { c1: live } : { c1: null } }),
      stateDoc({ "chat.eng": st }),
    );

  it("forgets quietly when your line already left the chat", () => {
    const p = removedPlan(liveChat("c1", [A, B, C], { meStatus: "left" }), managedChat("c1", g));
    expect(p.changes[0]).toMatchObject({
      action: "forget",
      live_id: "c1",
      reason: "removed from the configuration; your line already left the chat",
    });
    expect(p.warnings).toEqual([]);
  });

  it("forgets quietly when the live chat no longer exists", () => {
    const p = removedPlan(null, managedChat("c1", g));
    expect(p.changes[0]).toMatchObject({
      action: "forget",
      before: null,
      reason: "removed from the configuration; the live chat no longer exists",
    });
    expect(stepsOf(p, "chat.eng")).toEqual([
      {
        op: "forget_chat",
        chat_id: "c1",
        reason: "removed from the configuration; the live chat no longer exists",
      },
    ]);
  });

  it("forgets a chat never created, with no chat id, and warns about an interrupted create", () => {
    const never = removedPlan(null, { kind: "chat", generation: 1, intents: [], markers: {} });
    expect(stepsOf(never, "chat.eng")).toEqual([
      { op: "forget_chat", reason: "removed from the configuration; no live chat was created" },
    ]);
    expect(never.warnings).toEqual([]);

    const interrupted = removedPlan(null, {
      kind: "chat",
      generation: 1,
      intents: [{ purpose: "create_chat", generation: 1, started_at: "2026-01-01T00:00:00.000Z" }],
      markers: {},
    } as ChatResourceState);
    expect(interrupted.warnings.map((w) => w.message)).toEqual([
      "an interrupted create for chat.eng may have made a chat that chatsync will no longer track",
    ]);
  });

  it("states the removal's cause: --destroy, or the file", () => {
    const p = buildPlan({
      desired: desiredState({ chats: chats(g) }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", g) }),
      statePath: "s",
      liveFingerprint: "fp",
      options: { destroy: true },
    });
    expect(p.changes[0]).toMatchObject({ action: "leave", reason: "--destroy; on_delete: leave" });
  });
});
