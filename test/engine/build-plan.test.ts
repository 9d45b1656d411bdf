/**
 * What buildPlan itself decides around the per-kind diffs: execution order, the scope that
 * --target brings along, account sanity checks, webhook claims across addresses, refresh-only,
 * the plan's header fields, and state entries it does not understand. Pure.
 */
import { describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../src/api-wire/types.js";
import {
  buildPlan,
  compareAddresses,
  planScope,
  type PlanInput,
} from "../../src/sync-engine/plan/build-plan.js";
import type { DesiredWebhook } from "../../src/sync-engine/model/desired-state.js";
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

const OTHER_LINE = "+12025550199";

function build(over: Partial<PlanInput>) {
  return buildPlan({
    desired: desiredState(),
    live: snapshot(),
    state: stateDoc(),
    statePath: "s",
    liveFingerprint: "fp",
    ...over,
  });
}

const hook = (key: string, url: string): DesiredWebhook => ({
  key,
  target_url: url,
  events: ["message.received"],
  phone_numbers: [],
  active: true,
});

const liveHook = (id: string, url: string): WebhookSubscription => ({
  id,
  target_url: url,
  subscribed_events: ["message.received"],
  is_active: true,
  phone_numbers: null,
  created_at: "t",
  updated_at: "t",
});

/** The state of a subscription chatsync created, with its secret written. */
const managedHook = (id: string, url: string, extra: { secret_file?: string } = {}) => ({
  kind: "webhook" as const,
  id,
  secret: "written" as const,
  applied: {
    target_url: url,
    events: ["message.received"],
    phone_numbers: [],
    active: true,
    ...extra,
  },
});

describe("execution order", () => {
  it("puts contact cards first (shares need them), then webhooks, then chats, by name within a kind", () => {
    const sorted = [
      "chat.b",
      "webhook.z",
      "chat.a",
      "contact_card.+1",
      "webhook.a",
      "contact_card.+0",
    ].sort(compareAddresses);
    expect(sorted).toEqual([
      "contact_card.+0",
      "contact_card.+1",
      "webhook.a",
      "webhook.z",
      "chat.a",
      "chat.b",
    ]);
  });

  it("compares equal addresses as equal and orders unknown kinds with chats", () => {
    expect(compareAddresses("chat.a", "chat.a")).toBe(0);
    expect(compareAddresses("chat.b", "chat.a")).toBe(1);
    expect(compareAddresses("chat.a", "chat.b")).toBe(-1);
    expect(compareAddresses("other.a", "webhook.a")).toBeGreaterThan(0);
    expect(compareAddresses("other.a", "chat.b")).toBe(1);
  });

  it("orders the plan's changes that way", () => {
    const p = build({
      desired: desiredState({
        chats: chats(group("a", [A, B])),
        webhooks: { w: hook("w", "https://h.example/w") },
        contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
      }),
    });
    expect(p.changes.map((c) => c.address)).toEqual([
      `contact_card.${LINE}`,
      "webhook.w",
      "chat.a",
    ]);
    expect(p.scope).toEqual(p.changes.map((c) => c.address));
  });
});

describe("scope", () => {
  const desired = desiredState({
    chats: chats(
      group("shares", [A, B], { share_contact_card: true }),
      group("quiet", [A, C]),
      direct("dm", A, { from: OTHER_LINE, share_contact_card: true }),
    ),
    contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
  });
  const state = stateDoc({ "chat.old": managedChat("o1", group("old", [A, B])) });

  it("is every declared and every remembered address without targets", () => {
    expect(planScope(desired, state)).toEqual([
      `contact_card.${LINE}`,
      "chat.dm",
      "chat.old",
      "chat.quiet",
      "chat.shares",
    ]);
  });

  it("brings the line's declared card along with a targeted chat that shares it", () => {
    expect(planScope(desired, state, ["chat.shares"])).toEqual([
      `contact_card.${LINE}`,
      "chat.shares",
    ]);
  });

  it("brings nothing along for a chat that does not share, or whose line has no declared card", () => {
    expect(planScope(desired, state, ["chat.quiet"])).toEqual(["chat.quiet"]);
    expect(planScope(desired, state, ["chat.dm"])).toEqual(["chat.dm"]);
  });

  it("brings nothing along for a destroy: the card serves other chats", () => {
    expect(planScope(desired, state, ["chat.shares"], true)).toEqual(["chat.shares"]);
  });

  it("keeps a targeted address only the state remembers", () => {
    expect(planScope(desired, state, ["chat.old"])).toEqual(["chat.old"]);
  });
});

describe("--target", () => {
  it("is an error naming the address, suggesting a near one, when it matches nothing", () => {
    const p = build({
      desired: desiredState({ chats: chats(group("team", [A, B])) }),
      options: { targets: ["chat.tema"] },
    });
    expect(p.errors).toEqual([
      {
        message:
          '--target chat.tema matches nothing declared or managed (did you mean "chat.team"?) (addresses look like chat.<key>, webhook.<key>, contact_card.<phone>)',
      },
    ]);
    expect(p.options.targets).toEqual(["chat.tema"]);
  });

  it("accepts an address the state alone remembers", () => {
    const p = build({
      state: stateDoc({ "chat.old": managedChat("o1", group("old", [A, B, C])) }),
      live: snapshot({ chats: { o1: liveChat("o1", [A, B, C]) } }),
      options: { targets: ["chat.old"] },
    });
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([["chat.old", "leave"]]);
  });
});

describe("the account's lines", () => {
  const desired = desiredState({
    chats: chats(group("far", [A, B], { from: OTHER_LINE }), group("near", [A, B])),
    contact_cards: { [OTHER_LINE]: { phone_number: OTHER_LINE, first_name: "X" } },
  });

  // Chats are checked first, then cards, each in declaration order.
  it("refuses a chat or a card on a number that is not one of the account's lines, listing them", () => {
    const p = build({ desired, live: snapshot({ lines: [LINE, "+12025550101"] }) });
    expect(p.errors).toEqual([
      {
        address: "chat.far",
        message: `chat.far: from ${OTHER_LINE} is not a line of this account (lines: +12025550100, +12025550101)`,
      },
      {
        address: `contact_card.${OTHER_LINE}`,
        message: `contact_card.${OTHER_LINE}: ${OTHER_LINE} is not a line of this account (lines: +12025550100, +12025550101)`,
      },
    ]);
  });

  it("checks only addresses in scope, not during a destroy, and not when the lines are unknown", () => {
    expect(build({ desired, options: { targets: ["chat.near"] } }).errors).toEqual([]);
    expect(build({ desired, options: { destroy: true } }).errors).toEqual([]);
    expect(build({ desired, live: snapshot({ lines: [] }) }).errors).toEqual([]);
  });
});

describe("webhooks across addresses", () => {
  it("lets only the first of two declarations with one URL adopt the live subscription", () => {
    const url = "https://h.example/shared";
    const p = build({
      desired: desiredState({ webhooks: { a: hook("a", url), b: hook("b", url) } }),
      live: snapshot({ webhooks: [liveHook("w1", url)] }),
    });
    const byAddress = Object.fromEntries(p.changes.map((c) => [c.address, c]));
    expect(byAddress["webhook.a"]?.steps.map((s) => s.op)).toEqual(["adopt_webhook"]);
    expect(byAddress["webhook.b"]?.action).toBe("create");
  });

  it("never adopts a subscription another address's state holds", () => {
    const url = "https://h.example/taken";
    const state: StateDocument = stateDoc({
      "webhook.owner": managedHook("w1", url),
    });
    const p = build({
      desired: desiredState({ webhooks: { owner: hook("owner", url), copy: hook("copy", url) } }),
      live: snapshot({ webhooks: [liveHook("w1", url)] }),
      state,
    });
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([["webhook.copy", "create"]]);
  });

  it("replaces the subscriptions --replace names, and only those", () => {
    const url = "https://h.example/r";
    const state = stateDoc({
      "webhook.r": managedHook("w1", url),
    });
    const live = snapshot({ webhooks: [liveHook("w1", url)] });
    const desired = desiredState({ webhooks: { r: hook("r", url) } });
    expect(build({ desired, live, state }).changes).toEqual([]);
    const p = build({ desired, live, state, options: { replace: ["webhook.r"] } });
    expect(p.changes.map((c) => c.action)).toEqual(["replace"]);
    expect(p.options.replace).toEqual(["webhook.r"]);
  });

  it("tells the diff whether each declared secret_file exists", () => {
    const url = "https://h.example/s";
    const state = stateDoc({
      "webhook.s": managedHook("w1", url, { secret_file: "/k/s.whsec" }),
    });
    const desired = desiredState({
      webhooks: { s: { ...hook("s", url), secret_file: "/k/s.whsec" } },
    });
    const live = (present?: boolean) =>
      snapshot({
        webhooks: [liveHook("w1", url)],
        secret_files_present: present === undefined ? {} : { "/k/s.whsec": present },
      });
    expect(build({ desired, state, live: live(true) }).warnings).toEqual([]);
    expect(build({ desired, state, live: live(false) }).warnings[0]?.message).toMatch(
      /secret_file \/k\/s\.whsec does not exist/,
    );
    // Not looked at is not there.
    expect(build({ desired, state, live: live() }).warnings).toHaveLength(1);
  });

  it("records secret_file relative to an absolute state path's folder", () => {
    const url = "https://h.example/rel";
    const desired = desiredState({
      webhooks: { s: { ...hook("s", url), secret_file: "/proj/.chatsync/s.whsec" } },
    });
    const abs = build({ desired, statePath: "/proj/.chatsync/state.json" });
    expect(abs.changes[0]?.after).toMatchObject({ secret_file: "s.whsec" });
    const rel = build({ desired, statePath: "state.json" });
    expect(rel.changes[0]?.after).toMatchObject({ secret_file: "/proj/.chatsync/s.whsec" });
  });
});

describe("the plan document", () => {
  it("carries the header fields it was made with", () => {
    const p = build({
      state: stateDoc({}, 42),
      statePath: "/x/state.json",
      liveFingerprint: "abc",
      now: new Date("2026-03-04T05:06:07Z"),
    });
    expect(p).toMatchObject({
      kind: "chatsync-plan",
      format_version: "2",
      created_at: "2026-03-04T05:06:07.000Z",
      options: { refresh_only: false, destroy: false, targets: [], replace: [] },
      state: { location: "/x/state.json", lineage: "lineage-1", serial: 42 },
      live_fingerprint: "abc",
      changes: [],
      records: [],
      drift: [],
      warnings: [],
      errors: [],
    });
  });

  it("with --refresh-only reports drift and proposes no change and no record", () => {
    const applied = group("eng", [A, B], { display_name: "Eng" });
    const desired = desiredState({
      chats: chats(
        group("eng", [A, B], { display_name: "Eng", prevent_destroy: true }),
        group("new", [A, C]),
      ),
    });
    const input = {
      desired,
      live: snapshot({ chats: { c1: liveChat("c1", [A, B], { name: "Hijacked" }) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", applied) }),
    };
    const normal = build(input);
    expect(normal.changes.length).toBeGreaterThan(0);
    const p = build({ ...input, options: { refreshOnly: true } });
    expect(p.changes).toEqual([]);
    expect(p.records).toEqual([]);
    expect(p.options.refresh_only).toBe(true);
    expect(p.summary).toEqual({
      create: 0,
      update: 0,
      replace: 0,
      leave: 0,
      forget: 0,
      delete: 0,
      import: 0,
      move: 0,
    });
    expect(p.drift).toEqual(normal.drift);
    expect(p.drift.map((d) => d.field)).toEqual(["display_name"]);
  });

  it("warns about, and leaves alone, a state entry of a kind it does not know", () => {
    const state = stateDoc({
      "mystery.x": { kind: "chat", id: "m1" } as unknown as StateDocument["resources"][string],
    });
    const p = build({ state });
    expect(p.warnings).toEqual([
      { message: "state holds an unknown address mystery.x; it is left untouched" },
    ]);
    expect(p.changes).toEqual([]);
  });

  it("warns at plan time about what apply's removal guard would refuse, with the flag that lifts it", () => {
    const big = group("big", [A, B, C, D, E]);
    const p = build({
      desired: desiredState({ chats: chats(group("big", [A, B])) }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C, D, E]) } }),
      state: stateDoc({ "chat.big": managedChat("c1", big) }),
    });
    const guard = p.warnings.filter((w) => w.code === "REMOVAL_GUARD");
    expect(guard).toHaveLength(1);
    expect(guard[0]).toMatchObject({
      address: "chat.big",
      lifted_by: expect.stringMatching(/^--/),
    });
    // The same removals within the limits are no warning.
    const allowed = build({
      desired: desiredState({ chats: chats(group("big", [A, B])) }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C, D, E]) } }),
      state: stateDoc({ "chat.big": managedChat("c1", big) }),
      options: { removalGuard: { allowRemovals: true } },
    });
    expect(allowed.warnings.filter((w) => w.code === "REMOVAL_GUARD")).toEqual([]);
  });
});

describe("moved addresses", () => {
  const eng = group("eng", [A, B, C]);

  it("is a state-only move of its own when nothing else differs, keeping the live id and what was applied", () => {
    const p = build({
      desired: desiredState({
        chats: chats(group("engineering", [A, B, C])),
        moved: [{ from: "chat.eng", to: "chat.engineering" }],
      }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", eng) }),
    });
    expect(p.errors).toEqual([]);
    expect(p.changes).toEqual([
      {
        address: "chat.engineering",
        kind: "chat",
        action: "move",
        reason: "renamed in moved: chat.eng → chat.engineering",
        live_id: "c1",
        before: null,
        after: { kind: "chat", ...managedChat("c1", eng).applied },
        steps: [
          {
            op: "move_address",
            from: "chat.eng",
            to: "chat.engineering",
            reason: "renamed in moved: chat.eng → chat.engineering",
          },
        ],
      },
    ]);
    expect(p.summary.move).toBe(1);
  });

  it("moves first, then does what the new declaration asks, saying both", () => {
    const p = build({
      desired: desiredState({
        chats: chats(group("engineering", [A, B, C, D])),
        moved: [{ from: "chat.eng", to: "chat.engineering" }],
      }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", eng) }),
    });
    const change = p.changes[0]!;
    expect(change.action).toBe("update");
    expect(change.steps.map((s) => s.op)).toEqual(["move_address", "add_participant"]);
    expect(change.reason).toMatch(/^renamed in moved: chat\.eng → chat\.engineering; then: /);
  });

  it("moves a webhook's state the same way, with its subscription id", () => {
    const url = "https://h.example/m";
    const p = build({
      desired: desiredState({
        webhooks: { new: hook("new", url) },
        moved: [{ from: "webhook.old", to: "webhook.new" }],
      }),
      live: snapshot({ webhooks: [liveHook("w1", url)] }),
      state: stateDoc({
        "webhook.old": managedHook("w1", url),
      }),
    });
    expect(p.changes).toMatchObject([
      { address: "webhook.new", kind: "webhook", action: "move", live_id: "w1" },
    ]);
    // The moved subscription is not free for another address to adopt.
    expect(p.warnings).toEqual([]);
  });
});

describe("contact cards no longer declared", () => {
  const card = { phone_number: LINE, first_name: "Acme", is_active: true };

  it("forgets the card, showing the live card of the line it was applied to", () => {
    const p = build({
      live: snapshot({ contact_cards: [card] }),
      state: stateDoc({
        [`contact_card.${LINE}`]: {
          kind: "contact_card",
          applied: { phone_number: LINE, first_name: "Acme" },
        },
      }),
    });
    expect(p.changes).toMatchObject([
      { address: `contact_card.${LINE}`, action: "forget", before: card },
    ]);
  });

  it("finds the line from the address when the state never recorded an apply", () => {
    const p = build({
      live: snapshot({ contact_cards: [{ ...card, phone_number: "+12025550111" }, card] }),
      state: stateDoc({ [`contact_card.${LINE}`]: { kind: "contact_card" } }),
    });
    expect(p.changes).toMatchObject([{ action: "forget", before: card }]);
  });
});

describe("imports through buildPlan", () => {
  const url = "https://h.example/i";
  it("refuses a chat another address manages, even as a chat it replaced earlier", () => {
    const eng = group("eng", [A, B, C]);
    const state = stateDoc({
      "chat.eng": managedChat("c2", eng, {
        retired: [{ id: "c1", on_delete: "forget", retired_at: "2026-01-01T00:00:00Z" }],
      }),
    });
    const live = snapshot({
      chats: { c1: liveChat("c1", [A, B, C]), c2: liveChat("c2", [A, B, C]) },
    });
    for (const id of ["c1", "c2"]) {
      const p = build({
        desired: desiredState({
          chats: chats(eng, group("copy", [A, B, C])),
          imports: [{ to: "chat.copy", id }],
        }),
        live,
        state,
      });
      expect(p.errors.map((e) => e.message)).toEqual([
        `imports: chat.copy ← ${id}: chat ${id} is already managed as chat.eng; one live chat belongs to one address (use moved: to rename chat.eng). Nothing was written.`,
      ]);
      expect(p.changes.map((c) => c.address)).not.toContain("chat.copy");
    }
  });

  it("refuses a subscription another address manages, and plans nothing for it", () => {
    const p = build({
      desired: desiredState({
        webhooks: { owner: hook("owner", url), copy: hook("copy", `${url}/2`) },
        imports: [{ to: "webhook.copy", id: "w1" }],
      }),
      live: snapshot({ webhooks: [liveHook("w1", url)] }),
      state: stateDoc({ "webhook.owner": managedHook("w1", url) }),
    });
    expect(p.errors).toEqual([
      {
        address: "webhook.copy",
        message:
          "imports: webhook.copy ← w1: subscription w1 is already managed as webhook.owner. Nothing was written.",
      },
    ]);
    expect(p.changes).toEqual([]);
  });

  it("imports a subscription or a card with nothing else to do as a change of their own kind", () => {
    const card = { phone_number: LINE, first_name: "Acme", is_active: true };
    const p = build({
      desired: desiredState({
        webhooks: { w: hook("w", url) },
        contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
        imports: [
          { to: `contact_card.${LINE}`, id: LINE },
          { to: "webhook.w", id: "w1" },
        ],
      }),
      live: snapshot({ webhooks: [liveHook("w1", url)], contact_cards: [card] }),
    });
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => [c.address, c.kind, c.action, c.steps.map((s) => s.op)])).toEqual([
      [`contact_card.${LINE}`, "contact_card", "import", ["import_contact_card"]],
      ["webhook.w", "webhook", "import", ["import_webhook"]],
    ]);
    expect(p.summary.import).toBe(2);
  });

  it("refuses to import a card the line does not have", () => {
    const p = build({
      desired: desiredState({
        contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
        imports: [{ to: `contact_card.${LINE}`, id: LINE }],
      }),
    });
    expect(p.errors.map((e) => e.message)).toEqual([
      `imports: contact_card.${LINE} ← ${LINE}: line ${LINE} has no contact card to import; drop the imports entry and chatsync creates it. Nothing was written.`,
    ]);
    expect(p.changes).toEqual([]);
  });

  it("imports a chat with nothing else to do as a chat import", () => {
    const p = build({
      desired: desiredState({
        chats: chats(group("eng", [A, B, C])),
        imports: [{ to: "chat.eng", id: "c1" }],
      }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
    });
    expect(p.changes).toMatchObject([
      { address: "chat.eng", kind: "chat", action: "import", live_id: "c1" },
    ]);
  });

  it("ignores imports and moved entries during a destroy", () => {
    const eng = group("eng", [A, B, C]);
    const p = build({
      desired: desiredState({
        chats: chats(group("engineering", [A, B, C])),
        imports: [{ to: "chat.engineering", id: "c9" }],
        moved: [{ from: "chat.eng", to: "chat.engineering" }],
      }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", eng) }),
      options: { destroy: true },
    });
    expect(p.errors).toEqual([]);
    expect(p.options.destroy).toBe(true);
    expect(p.changes.map((c) => [c.address, c.action])).toEqual([["chat.eng", "leave"]]);
  });
});

describe("details of the plan's own checks", () => {
  it("lists the account's lines sorted in a line error, whatever order the API gave", () => {
    const p = build({
      desired: desiredState({
        chats: chats(group("far", [A, B], { from: "+12025550199" })),
        contact_cards: { "+12025550199": { phone_number: "+12025550199", first_name: "X" } },
      }),
      live: snapshot({ lines: ["+12025550101", LINE] }),
    });
    for (const e of p.errors) expect(e.message).toContain("(lines: +12025550100, +12025550101)");
    expect(p.errors).toHaveLength(2);
  });

  it("suggests the nearest address whatever order the addresses were declared in", () => {
    const p = build({
      desired: desiredState({ chats: chats(group("zeta", [A, B]), group("team", [A, B])) }),
      options: { targets: ["chat.tea"] },
    });
    expect(p.errors[0]?.message).toContain('(did you mean "chat.team"?)');
  });

  it("gives a found chat to one interrupted create only; the other creates anew", () => {
    const made = liveChat("made", [A, B]);
    const match = { chat: made, others: [] };
    const pending = (): StateDocument["resources"][string] => ({
      kind: "chat",
      from: LINE,
      generation: 0,
      intents: [
        {
          purpose: "create_chat",
          generation: 1,
          started_at: "2026-03-01T12:00:00.000Z",
          request: { from: LINE, to: [A, B], welcome_message: "Welcome!" },
        },
      ],
      markers: {},
    });
    const p = build({
      desired: desiredState({ chats: chats(group("a", [A, B]), group("b", [A, B])) }),
      live: snapshot({ interrupted_creates: { "chat.a": match, "chat.b": match } }),
      state: stateDoc({ "chat.a": pending(), "chat.b": pending() }),
    });
    expect(p.changes.map((c) => [c.address, c.steps[0]?.op])).toEqual([
      ["chat.a", "adopt_chat"],
      ["chat.b", "create_chat"],
    ]);
  });

  it("orders an unknown kind after webhooks on either side of the comparison", () => {
    expect(compareAddresses("webhook.a", "other.a")).toBeLessThan(0);
    expect(compareAddresses("contact_card.+1", "other.a")).toBeLessThan(0);
  });

  it("compares a declared card with the line's live card even before the state knows it", () => {
    const p = build({
      desired: desiredState({
        contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
      }),
      live: snapshot({
        contact_cards: [
          { phone_number: "+12025550111", first_name: "Other", is_active: true },
          { phone_number: LINE, first_name: "Acme", is_active: true },
        ],
      }),
    });
    expect(p.changes.flatMap((c) => c.steps.map((s) => s.op))).not.toContain("create_contact_card");
  });
});
