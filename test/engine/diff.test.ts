import { describe, expect, it } from "vitest";
import { buildPlan, type PlanOptions } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan, Step } from "../../src/sync-engine/plan/plan-types.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import type { StateDocument } from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
  D,
  E,
  LINE,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

function plan(
  desired: DesiredState,
  live: LiveSnapshot = snapshot(),
  state: StateDocument = stateDoc(),
  options: PlanOptions = {},
): Plan {
  return buildPlan({
    desired,
    live,
    state,
    statePath: "/tmp/state.json",
    liveFingerprint: "fp",
    options,
    now: new Date("2026-02-01T00:00:00Z"),
  });
}
const ops = (p: Plan, address: string): string[] =>
  (p.changes.find((c) => c.address === address)?.steps ?? []).map((s) => s.op);
const step = <O extends Step["op"]>(p: Plan, address: string, op: O) =>
  p.changes.find((c) => c.address === address)?.steps.find((s) => s.op === op) as
    Extract<Step, { op: O }> | undefined;

describe("diff: chats — create", () => {
  it("creates a declared group with its welcome message, then names it, sets its icon and shares the card once", () => {
    const g = group("eng", [A, B], {
      display_name: "Eng",
      icon: "https://cdn.example.com/i.png",
      share_contact_card: true,
    });
    const p = plan(desiredState({ chats: chats(g) }));
    expect(p.summary).toMatchObject({ create: 1, update: 0, replace: 0, leave: 0 });
    const c = p.changes[0]!;
    expect(c).toMatchObject({ address: "chat.eng", action: "create", before: null });
    expect(c.steps.map((s) => s.op)).toEqual([
      "create_chat",
      "rename_chat",
      "set_chat_icon",
      "share_contact_card",
    ]);
    expect(c.steps[0]).toMatchObject({
      op: "create_chat",
      from: LINE,
      to: [A, B],
      is_group: true,
      welcome_message: "Welcome!",
      generation: 1,
    });
    expect(c.steps[0]!.rule).toMatch(/§5\.1\.1/);
    expect(c.after).toMatchObject({
      kind: "chat",
      type: "group",
      participants: [A, B],
      display_name: "Eng",
    });
  });

  it("creates a direct chat and requests location once", () => {
    const p = plan(desiredState({ chats: chats(direct("alice", A, { location_request: true })) }));
    expect(ops(p, "chat.alice")).toEqual(["create_chat", "request_location"]);
    expect(step(p, "chat.alice", "create_chat")).toMatchObject({ to: [A], is_group: false });
  });

  it("refuses to plan a create without a welcome message", () => {
    const p = plan(
      desiredState({ chats: chats(group("eng", [A, B], { welcome_message: undefined })) }),
    );
    expect(p.errors[0]?.message).toMatch(/chat\.eng needs welcome_message/);
  });

  it("resumes an interrupted create with the journaled generation (same idempotency key)", () => {
    const g = group("eng", [A, B]);
    const st = stateDoc({
      "chat.eng": {
        kind: "chat",
        generation: 2,
        intents: [{ purpose: "create_chat", generation: 3, started_at: "x", idempotency_key: "k" }],
        markers: {},
      },
    });
    const p = plan(desiredState({ chats: chats(g) }), snapshot(), st);
    expect(step(p, "chat.eng", "create_chat")?.generation).toBe(3);
    expect(p.changes[0]!.reason).toMatch(/interrupted/);
  });

  it("a re-declared address continues after the generation it used before it was forgotten", () => {
    const st = { ...stateDoc(), generations: { "chat.eng": 2 } };
    const p = plan(desiredState({ chats: chats(group("eng", [A, B])) }), snapshot(), st);
    expect(step(p, "chat.eng", "create_chat")?.generation).toBe(3);
  });

  it("recreates with the next generation when the recorded chat is gone (404)", () => {
    const g = group("eng", [A, B]);
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: null } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.changes[0]).toMatchObject({ action: "create" });
    expect(step(p, "chat.eng", "create_chat")?.generation).toBe(2);
  });

  it("errors when from is not a line of the account", () => {
    const p = plan(desiredState({ chats: chats(group("eng", [A, B], { from: "+19995550000" })) }));
    expect(p.errors.map((e) => e.message).join()).toMatch(
      /\+19995550000 is not a line of this account/,
    );
  });
});

describe("diff: chats — in place", () => {
  it("proposes nothing when the live chat matches", () => {
    const g = group("eng", [A, B, C], { display_name: "Eng" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C], { name: "Eng" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.changes).toEqual([]);
    expect(p.drift).toEqual([]);
  });

  it("adds declared people and removes undeclared ones under an authoritative roster (adds first)", () => {
    const g = group("eng", [A, B, D]);
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, B, C])) }),
    );
    expect(p.changes[0]).toMatchObject({ action: "update" });
    expect(p.changes[0]!.steps.map((s) => [s.op, "handle" in s ? s.handle : ""])).toEqual([
      ["add_participant", D],
      ["remove_participant", C],
    ]);
    expect(step(p, "chat.eng", "remove_participant")?.rule).toMatch(/≥3 participants remain/);
  });

  it("never removes under an additive roster", () => {
    const g = group("eng", [A, B], { roster: "additive" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.changes).toEqual([]);
  });

  it("renames and sets the icon when they differ", () => {
    const g = group("eng", [A, B], { display_name: "New", icon: "https://cdn.example.com/n.png" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B], { name: "Old" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(ops(p, "chat.eng")).toEqual(["rename_chat", "set_chat_icon"]);
  });

  it("records changed settings without an API call", () => {
    const g = group("eng", [A, B], { prevent_destroy: true });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, B])) }),
    );
    // Not a change (plan --detailed-exitcode stays 0); recorded in state by the next apply.
    expect(p.changes).toEqual([]);
    expect(p.records).toEqual([
      {
        address: "chat.eng",
        after: expect.objectContaining({ kind: "chat", prevent_destroy: true }),
      },
    ]);
  });

  it("reports drift as live vs last-applied vs declared", () => {
    const g = group("eng", [A, B], { display_name: "Eng" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C], { name: "Renamed on a phone" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(p.drift).toEqual(
      expect.arrayContaining([
        {
          address: "chat.eng",
          field: "display_name",
          live: "Renamed on a phone",
          last_applied: "Eng",
          declared: "Eng",
        },
        {
          address: "chat.eng",
          field: "participants",
          live: [A, B, C],
          last_applied: [A, B],
          declared: [A, B],
        },
      ]),
    );
    expect(ops(p, "chat.eng")).toEqual(["remove_participant", "rename_chat"]);
  });

  it("--refresh-only reports drift and proposes nothing", () => {
    const g = group("eng", [A, B], { display_name: "Eng" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B], { name: "X" }) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
      { refreshOnly: true },
    );
    expect(p.changes).toEqual([]);
    expect(p.drift).toHaveLength(1);
    expect(p.options.refresh_only).toBe(true);
  });
});

describe("diff: people come first", () => {
  it("does not re-add someone who left on their own, and warns with a suggestion", () => {
    const g = group("eng", [A, B, C]);
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, [C, "left"]]) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(ops(p, "chat.eng")).not.toContain("add_participant");
    expect(p.warnings.map((w) => w.message).join()).toMatch(
      new RegExp(`\\${C} left chat\\.eng on their own.*remove them from the file.*readd_left`),
    );
  });

  it("re-adds them with readd_left: true", () => {
    const g = group("eng", [A, B, C], { readd_left: true });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B, [C, "left"]]) } }),
      stateDoc({ "chat.eng": managedChat("c1", g) }),
    );
    expect(step(p, "chat.eng", "add_participant")?.handle).toBe(C);
  });

  it("sends nothing to an OPTED_OUT chat: no contact card, no location request", () => {
    const g = group("eng", [A, B], { share_contact_card: true });
    const dm = direct("alice", C, { location_request: true, share_contact_card: true });
    const p = plan(
      desiredState({ chats: chats(g, dm) }),
      snapshot({
        chats: {
          c1: liveChat("c1", [A, B], { health: "OPTED_OUT" }),
          c2: liveChat("c2", [C], { health: "OPTED_OUT" }),
        },
      }),
      stateDoc({ "chat.eng": managedChat("c1", g), "chat.alice": managedChat("c2", dm) }),
    );
    expect(p.changes).toEqual([]);
    expect(p.warnings.filter((w) => /OPTED_OUT/.test(w.message))).toHaveLength(3);
  });

  it("does not replace an OPTED_OUT chat (no welcome message to people who opted out)", () => {
    const dm = direct("alice", B);
    const p = plan(
      desiredState({ chats: chats(dm) }),
      snapshot({ chats: { c2: liveChat("c2", [A], { health: "OPTED_OUT" }) } }),
      stateDoc({ "chat.alice": managedChat("c2", direct("alice", A)) }),
    );
    expect(p.changes).toEqual([]);
    expect(p.warnings[0]?.message).toMatch(/OPTED_OUT/);
  });

  it("settles an interrupted one-shot send without resending it", () => {
    const g = group("eng", [A, B], { share_contact_card: true });
    const st = managedChat("c1", g, {
      intents: [{ purpose: "share_contact_card", generation: 1, started_at: "x" }],
    });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": st }),
    );
    expect(ops(p, "chat.eng")).toEqual(["settle_interrupted_send"]);
    expect(p.warnings[0]?.message).toMatch(/without resending/);
  });

  it("shares the card only once (marker recorded)", () => {
    const g = group("eng", [A, B], { share_contact_card: true });
    const st = managedChat("c1", g, { markers: { contact_card_shared: "2026-01-01T00:00:00Z" } });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": st }),
    );
    expect(p.changes).toEqual([]);
  });
});

describe("diff: replacements the API forces", () => {
  it("replaces a direct chat whose recipient changed: new chat (next generation), then leave or forget the old", () => {
    const p = plan(
      desiredState({ chats: chats(direct("alice", B)) }),
      snapshot({ chats: { c2: liveChat("c2", [A]) } }),
      stateDoc({ "chat.alice": managedChat("c2", direct("alice", A)) }),
    );
    expect(p.changes[0]).toMatchObject({ action: "replace" });
    expect(p.changes[0]!.reason).toMatch(/recipient changed/);
    expect(ops(p, "chat.alice")).toEqual(["create_chat", "forget_chat"]);
    expect(step(p, "chat.alice", "create_chat")).toMatchObject({ to: [B], generation: 2 });
    expect(p.summary.replace).toBe(1);
  });

  it("replaces when the line changed", () => {
    const g = group("eng", [A, B], { from: "+12025550199" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ lines: [LINE, "+12025550199"], chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, B])) }),
    );
    expect(p.changes[0]?.reason).toMatch(/line changed/);
  });

  it("replaces a group declared as direct", () => {
    const p = plan(
      desiredState({ chats: chats(direct("eng", A)) }),
      snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, B])) }),
    );
    expect(p.changes[0]).toMatchObject({ action: "replace" });
    expect(p.changes[0]!.reason).toMatch(/declared as a direct chat/);
  });

  it("replaces when add/remove cannot reach the roster (a group of 2 cannot grow) and forgets the old chat when leave is not allowed", () => {
    const g = group("eng", [A, B]);
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ chats: { c1: liveChat("c1", [A, [C, "left"]], { group: true }) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, C])) }),
    );
    expect(p.changes[0]).toMatchObject({ action: "replace" });
    expect(p.changes[0]!.reason).toMatch(/cannot be reached.*at least 3/);
    // 2 active incl. you: leave is not allowed (needs 4), so the old chat is forgotten with a warning.
    expect(ops(p, "chat.eng")).toEqual(["create_chat", "forget_chat"]);
    expect(p.warnings.map((w) => w.message).join()).toMatch(/forgotten, not left/);
    // The forget is forced by the API's leave rule, and the step says which rule.
    expect(step(p, "chat.eng", "forget_chat")?.rule).toMatch(/^§5\.1\.6 leave/);
  });

  it("leaves the replaced chat when the API allows it (iMessage group of ≥4)", () => {
    const g = group("eng", [C, D, E], { from: "+12025550199" });
    const p = plan(
      desiredState({ chats: chats(g) }),
      snapshot({ lines: [LINE, "+12025550199"], chats: { c1: liveChat("c1", [C, D, E]) } }),
      stateDoc({ "chat.eng": managedChat("c1", group("eng", [C, D, E])) }),
    );
    expect(ops(p, "chat.eng")).toEqual(["create_chat", "leave_chat"]);
    expect(step(p, "chat.eng", "leave_chat")?.chat_id).toBe("c1");
  });

  it("prevent_destroy turns a replacement into an error", () => {
    const p = plan(
      desiredState({ chats: chats(direct("alice", B, { prevent_destroy: true })) }),
      snapshot({ chats: { c2: liveChat("c2", [A]) } }),
      stateDoc({ "chat.alice": managedChat("c2", direct("alice", A)) }),
    );
    expect(p.changes).toEqual([]);
    expect(p.errors[0]?.message).toMatch(/prevent_destroy/);
  });
});

describe("diff: chats removed from the configuration", () => {
  const g = group("eng", [A, B, C]);
  const st = () => stateDoc({ "chat.eng": managedChat("c1", g) });

  it("leaves an iMessage group with ≥4 active participants", () => {
    const p = plan(desiredState(), snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }), st());
    expect(p.changes[0]).toMatchObject({ action: "leave", after: null });
    expect(ops(p, "chat.eng")).toEqual(["leave_chat"]);
    expect(p.summary.leave).toBe(1);
  });

  it("forgets with a warning when the API does not allow leaving (SMS group)", () => {
    const p = plan(
      desiredState(),
      snapshot({ chats: { c1: liveChat("c1", [A, B, C], { service: "SMS" }) } }),
      st(),
    );
    expect(p.changes[0]).toMatchObject({ action: "forget" });
    expect(p.warnings[0]?.message).toMatch(/forgotten, not left.*iMessage/);
    expect(step(p, "chat.eng", "forget_chat")?.rule).toMatch(/^§5\.1\.6 leave/);
  });

  it("forgets when on_delete: forget", () => {
    const s = stateDoc({
      "chat.eng": managedChat("c1", group("eng", [A, B, C], { on_delete: "forget" })),
    });
    const p = plan(desiredState(), snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }), s);
    expect(p.changes[0]).toMatchObject({ action: "forget" });
    // A chosen forget makes no API call, so no API rule shapes it.
    expect(step(p, "chat.eng", "forget_chat")?.rule).toBeUndefined();
  });

  it("prevent_destroy recorded in state blocks the leave", () => {
    const s = stateDoc({
      "chat.eng": managedChat("c1", group("eng", [A, B, C], { prevent_destroy: true })),
    });
    const p = plan(desiredState(), snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }), s);
    expect(p.changes).toEqual([]);
    expect(p.errors[0]?.message).toMatch(/chat\.eng has prevent_destroy/);
  });

  it("--destroy plans the removal of declared chats, limited by --target", () => {
    const other = group("ops", [A, B, C]);
    const s = stateDoc({ "chat.eng": managedChat("c1", g), "chat.ops": managedChat("c3", other) });
    const live = snapshot({
      chats: { c1: liveChat("c1", [A, B, C]), c3: liveChat("c3", [A, B, C]) },
    });
    const all = plan(desiredState({ chats: chats(g, other) }), live, s, { destroy: true });
    expect(all.changes.map((c) => [c.address, c.action])).toEqual([
      ["chat.eng", "leave"],
      ["chat.ops", "leave"],
    ]);
    const one = plan(desiredState({ chats: chats(g, other) }), live, s, {
      destroy: true,
      targets: ["chat.ops"],
    });
    expect(one.changes.map((c) => c.address)).toEqual(["chat.ops"]);
  });

  it("--target of a chat that shares the line's card brings the declared card along, unless destroying", () => {
    const sharing = group("eng", [A, B], { share_contact_card: true });
    const plain = group("ops", [A, C]);
    const desired = desiredState({
      chats: chats(sharing, plain),
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
    });
    const targeted = plan(desired, snapshot(), stateDoc(), { targets: ["chat.eng"] });
    expect(targeted.errors).toEqual([]);
    // The card is created first: the API refuses to share a card that does not exist yet.
    expect(targeted.changes.map((c) => c.address)).toEqual([`contact_card.${LINE}`, "chat.eng"]);
    expect(targeted.scope).toEqual([`contact_card.${LINE}`, "chat.eng"]);
    expect(targeted.options.targets).toEqual(["chat.eng"]);

    const notSharing = plan(desired, snapshot(), stateDoc(), { targets: ["chat.ops"] });
    expect(notSharing.changes.map((c) => c.address)).toEqual(["chat.ops"]);

    const s = stateDoc({ "chat.eng": managedChat("c1", sharing) });
    const destroyed = plan(desired, snapshot({ chats: { c1: liveChat("c1", [A, B]) } }), s, {
      destroy: true,
      targets: ["chat.eng"],
    });
    expect(destroyed.scope).toEqual(["chat.eng"]);
  });

  it("an unknown --target is an error", () => {
    const p = plan(desiredState(), snapshot(), stateDoc(), { targets: ["chat.nope"] });
    expect(p.errors[0]?.message).toMatch(/--target chat\.nope matches nothing/);
  });
});

describe("diff: webhooks", () => {
  const wh = {
    key: "loc",
    target_url: "https://hooks.example.com/a",
    events: ["location.sharing.started"],
    phone_numbers: [LINE],
    active: true,
    secret_file: "/s/loc.whsec",
  };
  const liveSub = (over: Record<string, unknown> = {}) => ({
    id: "w1",
    target_url: wh.target_url,
    subscribed_events: ["location.sharing.started" as const],
    is_active: true,
    phone_numbers: [LINE],
    created_at: "x",
    updated_at: "x",
    ...over,
  });
  const applied = {
    target_url: wh.target_url,
    events: wh.events,
    phone_numbers: [LINE],
    active: true,
    secret_file: wh.secret_file,
  };

  it("creates with the secret going to secret_file", () => {
    const p = plan(desiredState({ webhooks: { loc: wh } }));
    expect(p.changes[0]).toMatchObject({ address: "webhook.loc", action: "create" });
    expect(step(p, "webhook.loc", "create_webhook")).toMatchObject({
      secret_file: "/s/loc.whsec",
      events: wh.events,
    });
  });

  it("updates only the fields that differ; phone filter removal is null", () => {
    const p = plan(
      desiredState({ webhooks: { loc: { ...wh, phone_numbers: [], active: false } } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": true } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
    );
    expect(step(p, "webhook.loc", "update_webhook")?.changes).toEqual({
      is_active: false,
      phone_numbers: null,
    });
  });

  it("does nothing when it matches", () => {
    const p = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": true } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
    );
    expect(p.changes).toEqual([]);
  });

  it("only warns when the secret file is missing (a CI runner's file is gone; receivers still use the secret)", () => {
    const p = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": false } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied, secret: "written" } }),
    );
    expect(p.changes).toEqual([]);
    expect(p.warnings).toEqual([
      expect.objectContaining({
        address: "webhook.loc",
        message: expect.stringContaining("chatsync apply --replace webhook.loc"),
      }),
    ]);
  });

  it("does not rotate an adopted subscription's secret when the file is missing", () => {
    const p = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": false } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied, secret: "adopted" } }),
    );
    expect(p.changes).toEqual([]);
    expect(p.warnings.map((w) => w.address)).toEqual(["webhook.loc"]);
  });

  it("replaces when a run died between the create and writing the secret (id, no secret recorded)", () => {
    const p = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": false } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
    );
    expect(p.changes[0]).toMatchObject({ action: "replace" });
    expect(ops(p, "webhook.loc")).toEqual(["delete_webhook", "create_webhook"]);
  });

  // With a file present it holds an older subscription's secret: stale, so still replaced.
  it.each([false, true])(
    "replaces the subscription a create with a lost response made (pending_create, found by URL; secret file present: %s)",
    (present) => {
      const p = plan(
        desiredState({ webhooks: { loc: wh } }),
        snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": present } }),
        stateDoc({
          "webhook.loc": {
            kind: "webhook",
            pending_create: {
              target_url: liveSub().target_url,
              started_at: "2026-01-01T00:00:00Z",
            },
          },
        }),
      );
      expect(p.changes[0]).toMatchObject({ action: "replace", live_id: "w1" });
      expect(ops(p, "webhook.loc")).toEqual(["delete_webhook", "create_webhook"]);
      expect(p.warnings).toEqual([]);
    },
  );

  it("replaces (delete, then create) on --replace, to rotate the signing secret", () => {
    const p = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({ webhooks: [liveSub()], secret_files_present: { "/s/loc.whsec": true } }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
      { replace: ["webhook.loc"] },
    );
    expect(p.changes[0]).toMatchObject({ action: "replace" });
    expect(p.options.replace).toEqual(["webhook.loc"]);
    expect(ops(p, "webhook.loc")).toEqual(["delete_webhook", "create_webhook"]);
  });

  it("adopts a live subscription with the same URL instead of creating a duplicate", () => {
    const noSecret = { ...wh, secret_file: undefined };
    const p = plan(
      desiredState({ webhooks: { loc: noSecret } }),
      snapshot({ webhooks: [liveSub({ is_active: false })] }),
    );
    expect(ops(p, "webhook.loc")).toEqual(["adopt_webhook", "update_webhook"]);
    expect(p.warnings[0]?.message).toMatch(/adopting/);
  });

  it("deletes a subscription removed from the configuration, and reports drift", () => {
    const p = plan(
      desiredState(),
      snapshot({ webhooks: [liveSub()] }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
    );
    expect(p.changes[0]).toMatchObject({ action: "delete", after: null });
    const d = plan(
      desiredState({ webhooks: { loc: wh } }),
      snapshot({
        webhooks: [liveSub({ is_active: false })],
        secret_files_present: { "/s/loc.whsec": true },
      }),
      stateDoc({ "webhook.loc": { kind: "webhook", id: "w1", applied } }),
    );
    expect(d.drift).toEqual([
      { address: "webhook.loc", field: "active", live: false, last_applied: true, declared: true },
    ]);
  });
});

describe("diff: contact cards", () => {
  const card = {
    phone_number: LINE,
    first_name: "Acme",
    last_name: "Support",
    image_url: "https://cdn.example.com/a.png",
  };
  it("creates a missing card and patches changed fields", () => {
    const p = plan(desiredState({ contact_cards: { [LINE]: card } }));
    expect(p.changes[0]).toMatchObject({ address: `contact_card.${LINE}`, action: "create" });
    const live = {
      phone_number: LINE,
      first_name: "Old",
      last_name: "Support",
      image_url: "https://cdn.linqapp.com/rehosted.png",
      is_active: true,
    };
    const p2 = plan(
      desiredState({ contact_cards: { [LINE]: card } }),
      snapshot({ contact_cards: [live] }),
      stateDoc({ [`contact_card.${LINE}`]: { kind: "contact_card", applied: card } }),
    );
    // image_url is compared with the last-applied value because Linq re-hosts images.
    expect(step(p2, `contact_card.${LINE}`, "update_contact_card")?.changes).toEqual({
      first_name: "Acme",
    });
  });

  it("forgets a card removed from the configuration (no delete endpoint) with a warning", () => {
    const p = plan(
      desiredState(),
      snapshot(),
      stateDoc({ [`contact_card.${LINE}`]: { kind: "contact_card", applied: card } }),
    );
    expect(p.changes[0]).toMatchObject({ action: "forget" });
    expect(p.warnings[0]?.message).toMatch(/cannot delete a contact card/);
  });

  it("orders contact cards before webhooks before chats", () => {
    const p = plan(
      desiredState({
        contact_cards: { [LINE]: card },
        chats: chats(group("a", [A, B])),
        webhooks: {
          w: {
            key: "w",
            target_url: "https://h.example.com",
            events: ["message.sent"],
            phone_numbers: [],
            active: true,
          },
        },
      }),
    );
    expect(p.changes.map((c) => c.kind)).toEqual(["contact_card", "webhook", "chat"]);
  });
});
