/**
 * Adoption branches of the pure plan: the "looks like a rename" warning (live chat or, when it is
 * gone, its last-applied spec), exactly what `imports:` records or refuses for chats, webhooks and
 * contact cards, the exact steps, reasons and errors of `moved:`, and how the summary and
 * hasChanges count imports and moves. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import type { ContactCard, WebhookSubscription } from "../../src/api-wire/types.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import { looksLike, warnLikelyRenames } from "../../src/sync-engine/plan/find-lookalike-chats.js";
import {
  planChatImport,
  planContactCardImport,
  planWebhookImport,
} from "../../src/sync-engine/plan/plan-imports.js";
import { hasChanges } from "../../src/sync-engine/plan/plan-types.js";
import type {
  DesiredChat,
  DesiredState,
  DesiredWebhook,
} from "../../src/sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import type {
  AppliedChat,
  ChatResourceState,
  StateDocument,
} from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
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
const CREATED = "2026-01-01T00:00:00.000Z";

function plan(desired: DesiredState, live: LiveSnapshot, state: StateDocument = stateDoc()) {
  return buildPlan({
    desired,
    live,
    state,
    statePath: "/tmp/state.json",
    liveFingerprint: "fp",
    now: new Date(CREATED),
  });
}

const NO_CHANGES = {
  create: 0,
  update: 0,
  replace: 0,
  leave: 0,
  forget: 0,
  delete: 0,
  import: 0,
  move: 0,
};

function renameWarning(oldAddress: string, action: string, id: string, newAddress: string) {
  return `this looks like a rename of ${oldAddress} (same line and people): the plan would ${action} ${oldAddress} (chat ${id}) and create a second chat with a new welcome message. If you renamed the key, add to the configuration: moved: [{ from: ${oldAddress}, to: ${newAddress} }]`;
}

function renameWarnings(p: ReturnType<typeof plan>): string[] {
  return p.warnings.map((w) => w.message).filter((m) => m.includes("looks like a rename"));
}

/** A removed chat whose live chat is gone (404): only its last-applied spec is left to compare. */
function goneChat(applied: AppliedChat): ChatResourceState {
  return {
    kind: "chat",
    id: "c-old",
    from: applied.from,
    generation: 1,
    applied,
    intents: [],
    markers: {},
  };
}

/** Plan for declaring `d` anew while the state still holds `old` at chat.old. */
function planAgainstGone(d: DesiredChat, old: ChatResourceState) {
  return plan(
    desiredState({ chats: chats(d) }),
    snapshot({ chats: { "c-old": null } }),
    stateDoc({ "chat.old": old }),
  );
}

describe("looksLike: a chat the API does not flag as a group", () => {
  it("is not the direct chat with its first person when it lists two other people", () => {
    expect(looksLike(liveChat("c1", [A, B], { group: false }), direct("alice", A))).toBe(false);
  });
});

describe("rename warning: the removed chat is still live", () => {
  it("a removed chat that will be left, with the same people as a new one, is named as a likely rename", () => {
    const old = group("old", [A, B, C]);
    const p = plan(
      desiredState({ chats: chats(group("new", [A, B, C])) }),
      snapshot({ chats: { "c-old": liveChat("c-old", [A, B, C]) } }),
      stateDoc({ "chat.old": managedChat("c-old", old) }),
    );
    expect(p.changes.map((c) => `${c.address} ${c.action}`)).toEqual([
      "chat.new create",
      "chat.old leave",
    ]);
    expect(p.warnings).toContainEqual({
      address: "chat.new",
      message: renameWarning("chat.old", "leave", "c-old", "chat.new"),
    });
  });

  it("a removed chat that is forgotten is named the same way", () => {
    const old = group("old", [A, B], { on_delete: "forget" });
    const p = plan(
      desiredState({ chats: chats(group("new", [A, B])) }),
      snapshot({ chats: { "c-old": liveChat("c-old", [A, B]) } }),
      stateDoc({ "chat.old": managedChat("c-old", old) }),
    );
    expect(renameWarnings(p)).toEqual([renameWarning("chat.old", "forget", "c-old", "chat.new")]);
  });

  it("no warning when the removed chat has other people", () => {
    const old = group("old", [A, C], { on_delete: "forget" });
    const p = plan(
      desiredState({ chats: chats(group("new", [A, B])) }),
      snapshot({ chats: { "c-old": liveChat("c-old", [A, C]) } }),
      stateDoc({ "chat.old": managedChat("c-old", old) }),
    );
    expect(p.changes.map((c) => c.action)).toEqual(["create", "forget"]);
    expect(renameWarnings(p)).toEqual([]);
  });

  it("a chat that is updated, not created, is never called a rename of a removed lookalike", () => {
    const eng = group("eng", [A, B], { display_name: "Eng" });
    const old = group("old", [A, B], { display_name: "Eng", on_delete: "forget" });
    const p = plan(
      desiredState({ chats: chats(eng) }),
      snapshot({
        chats: {
          "c-eng": liveChat("c-eng", [A, B], { name: "Before" }),
          "c-old": liveChat("c-old", [A, B], { name: "Eng" }),
        },
      }),
      stateDoc({
        "chat.eng": managedChat("c-eng", group("eng", [A, B])),
        "chat.old": managedChat("c-old", old),
      }),
    );
    expect(p.changes.map((c) => `${c.address} ${c.action}`)).toEqual([
      "chat.eng update",
      "chat.old forget",
    ]);
    expect(renameWarnings(p)).toEqual([]);
  });
});

describe("rename warning: the removed chat is gone, compared by its last-applied spec", () => {
  const applied = managedChat("c-old", group("old", [A, B])).applied!;

  it("the same line and people make a likely rename", () => {
    const p = planAgainstGone(group("new", [A, B]), goneChat(applied));
    expect(p.changes.map((c) => `${c.address} ${c.action}`)).toEqual([
      "chat.new create",
      "chat.old forget",
    ]);
    expect(p.warnings).toContainEqual({
      address: "chat.new",
      message: renameWarning("chat.old", "forget", "c-old", "chat.new"),
    });
  });

  it("people recorded or declared in another order are still the same people", () => {
    const recordedUnsorted = goneChat({ ...applied, participants: [B, A] });
    expect(renameWarnings(planAgainstGone(group("new", [A, B]), recordedUnsorted))).toHaveLength(1);
    // A declaration built in code is not sorted by the loader.
    const declaredUnsorted = { ...group("new", [A, B]), participants: [B, A] };
    expect(renameWarnings(planAgainstGone(declaredUnsorted, goneChat(applied)))).toHaveLength(1);
  });

  it("no warning with one person more, one less, or one different", () => {
    for (const people of [[A, B, C], [A], [A, C]]) {
      const d = { ...group("new", [A, B]), participants: people };
      expect(renameWarnings(planAgainstGone(d, goneChat(applied)))).toEqual([]);
    }
  });

  it("no warning when the removed chat was on another line", () => {
    const onOtherLine = goneChat({ ...applied, from: OTHER_LINE });
    expect(renameWarnings(planAgainstGone(group("new", [A, B]), onOtherLine))).toEqual([]);
  });

  it("a direct chat is a likely rename only with the same recipient", () => {
    const dm = goneChat(managedChat("c-old", direct("old", A)).applied!);
    expect(renameWarnings(planAgainstGone(direct("new", A), dm))).toEqual([
      renameWarning("chat.old", "forget", "c-old", "chat.new"),
    ]);
    expect(renameWarnings(planAgainstGone(direct("new", B), dm))).toEqual([]);
  });

  it("no warning when nothing was recorded as applied to compare with", () => {
    const bare = goneChat(applied);
    delete bare.applied;
    expect(renameWarnings(planAgainstGone(group("new", [A, B]), bare))).toEqual([]);
  });

  it("no warning for a removed address that never had a live chat", () => {
    const neverCreated = goneChat(applied);
    delete neverCreated.id;
    const p = planAgainstGone(group("new", [A, B]), neverCreated);
    expect(p.changes.map((c) => `${c.address} ${c.action}`)).toEqual([
      "chat.new create",
      "chat.old forget",
    ]);
    expect(renameWarnings(p)).toEqual([]);
  });

  it("a removal the state does not hold is not named", () => {
    const d = group("new", [A, B]);
    const warnings = warnLikelyRenames(
      [
        {
          address: "chat.new",
          kind: "chat",
          action: "create",
          reason: "",
          before: null,
          after: null,
          steps: [],
        },
        {
          address: "chat.old",
          kind: "chat",
          action: "forget",
          reason: "",
          before: null,
          after: null,
          steps: [],
        },
      ],
      stateDoc(),
      {},
      new Map([["chat.new", d]]),
    );
    expect(warnings).toEqual([]);
  });
});

describe("imports: a chat", () => {
  const book = group("book", [A, B], { display_name: "Books" });

  const importOf = (over: Partial<Parameters<typeof planChatImport>[0]>) =>
    planChatImport({
      address: "chat.book",
      id: "c-1",
      desired: book,
      state: undefined,
      live: liveChat("c-1", [A, B], { name: "Books" }),
      managedBy: undefined,
      usedGeneration: 0,
      ...over,
    });

  it("records the live chat with a fresh state that continues the address's generations", () => {
    const v = importOf({ usedGeneration: 3 });
    expect(v).toMatchObject({ kind: "import", liveId: "c-1" });
    if (v.kind !== "import") return;
    expect(v.state).toEqual({
      kind: "chat",
      id: "c-1",
      from: LINE,
      generation: 3,
      intents: [],
      markers: {},
    });
    expect(v.step).toEqual({
      op: "import_chat",
      chat_id: "c-1",
      from: LINE,
      reason: `imports: an existing chat (created ${CREATED}) is recorded, not created`,
    });
    expect(v.before).toMatchObject({ id: "c-1", participants: [A, B], display_name: "Books" });
  });

  it("keeps a higher generation the address already counted", () => {
    const pending: ChatResourceState = { kind: "chat", generation: 5, intents: [], markers: {} };
    const v = importOf({ state: pending, usedGeneration: 2 });
    expect(v.kind === "import" && v.state.generation).toBe(5);
  });

  it("refuses when the address already manages another chat, saying how to fix it", () => {
    const v = importOf({ state: managedChat("c-0", book) });
    expect(v).toEqual({
      kind: "error",
      error: {
        address: "chat.book",
        message:
          "imports: chat.book ← c-1: chat.book already manages chat c-0; drop the imports entry, or forget that chat first (chatsync state rm chat.book). Nothing was written.",
      },
    });
  });

  it("may import back a chat the same address replaced earlier", () => {
    const replacing: ChatResourceState = {
      kind: "chat",
      generation: 2,
      intents: [],
      markers: {},
      retired: [{ id: "c-1", on_delete: "forget", retired_at: CREATED }],
    };
    const p = plan(
      desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "c-1" }] }),
      snapshot({ chats: { "c-1": liveChat("c-1", [A, B], { name: "Books" }) } }),
      stateDoc({ "chat.book": replacing }),
    );
    expect(p.errors).toEqual([]);
    expect(p.changes[0]?.steps[0]).toMatchObject({ op: "import_chat", chat_id: "c-1" });
  });

  it("finds your line wherever it is listed among the handles", () => {
    const live = liveChat("c-1", [A, B], { name: "Books" });
    live.handles = [live.handles[1]!, live.handles[0]!, live.handles[2]!];
    expect(importOf({ live }).kind).toBe("import");
  });

  it("imports a chat whose handles do not say which one is your line", () => {
    const live = liveChat("c-1", [A, B], { name: "Books" });
    live.handles = live.handles.map((h) =>
      h.handle === LINE ? ({ ...h, is_me: undefined } as unknown as typeof h) : h,
    );
    expect(importOf({ live }).kind).toBe("import");
  });

  it("refuses a direct chat for a group declaration, naming both types", () => {
    const v = importOf({ live: liveChat("c-1", [A]) });
    expect(v.kind === "error" && v.error.message).toBe(
      "imports: chat.book ← c-1: chat c-1 is a direct chat, but chat.book is declared as type: group; a chat cannot change type. Nothing was written.",
    );
  });

  describe("a direct chat", () => {
    const alice = direct("alice", A);
    const importDirect = (live: ReturnType<typeof liveChat>) =>
      importOf({ address: "chat.alice", desired: alice, live });

    it("imports the chat with the declared recipient", () => {
      expect(importDirect(liveChat("c-1", [A])).kind).toBe("import");
    });

    it("imports a chat whose recipient was removed (nobody to compare with)", () => {
      expect(importDirect(liveChat("c-1", [[B, "removed"]], { group: false })).kind).toBe("import");
    });

    it("refuses a chat whose other person left, naming that person", () => {
      const v = importDirect(liveChat("c-1", [[B, "left"]], { group: false }));
      expect(v.kind === "error" && v.error.message).toBe(
        `imports: chat.alice ← c-1: chat c-1 is with ${B}, but chat.alice declares to: ${A}; a direct chat cannot change recipient. Nothing was written.`,
      );
    });
  });
});

describe("imports: a webhook subscription", () => {
  const hook: DesiredWebhook = {
    key: "hooks",
    target_url: "https://hooks.example.com/b",
    events: ["message.received"],
    phone_numbers: [],
    active: false,
  };
  const sub = (id: string, url: string, active: boolean): WebhookSubscription => ({
    id,
    target_url: url,
    subscribed_events: ["message.received"],
    phone_numbers: [],
    is_active: active,
    created_at: CREATED,
    updated_at: CREATED,
  });
  const live = [
    sub("w-1", "https://hooks.example.com/a", true),
    sub("w-2", hook.target_url, false),
  ];
  const importOf = (over: Partial<Parameters<typeof planWebhookImport>[0]>) =>
    planWebhookImport({
      address: "webhook.hooks",
      id: "w-2",
      desired: hook,
      state: undefined,
      live,
      managedBy: undefined,
      ...over,
    });
  const refused = (why: string) => ({
    kind: "error",
    error: {
      address: "webhook.hooks",
      message: `imports: webhook.hooks ← w-2: ${why}. Nothing was written.`,
    },
  });

  it("records the named subscription, whose secret its maker holds", () => {
    expect(importOf({})).toEqual({
      kind: "import",
      state: { kind: "webhook", id: "w-2", secret: "adopted" },
      step: {
        op: "import_webhook",
        webhook_id: "w-2",
        reason:
          "imports: existing subscription for https://hooks.example.com/b is recorded, not created",
      },
      before: {
        target_url: "https://hooks.example.com/b",
        events: ["message.received"],
        active: false,
      },
      liveId: "w-2",
    });
  });

  it("an import already recorded is a no-op", () => {
    expect(importOf({ state: { kind: "webhook", id: "w-2", secret: "adopted" } })).toEqual({
      kind: "none",
    });
  });

  it("refuses when the address already manages another subscription", () => {
    expect(importOf({ state: { kind: "webhook", id: "w-1", secret: "written" } })).toEqual(
      refused(
        "webhook.hooks already manages subscription w-1; drop the imports entry, or forget it first (chatsync state rm webhook.hooks)",
      ),
    );
  });

  it("refuses a subscription another address manages", () => {
    expect(importOf({ managedBy: "webhook.other" })).toEqual(
      refused("subscription w-2 is already managed as webhook.other"),
    );
  });

  it("refuses an id the account does not have", () => {
    expect(importOf({ id: "w-9" })).toEqual({
      kind: "error",
      error: {
        address: "webhook.hooks",
        message:
          "imports: webhook.hooks ← w-9: no webhook subscription w-9 exists on this account; check the id with chatsync export. Nothing was written.",
      },
    });
  });
});

describe("imports: a contact card", () => {
  const desired = { phone_number: LINE, first_name: "Acme" };
  const card: ContactCard = {
    phone_number: LINE,
    first_name: "Acme",
    last_name: "Inc",
    is_active: true,
  };
  const address = `contact_card.${LINE}` as const;

  it("records the line's card, showing it as it is", () => {
    expect(planContactCardImport({ address, desired, state: undefined, live: card })).toEqual({
      kind: "import",
      state: { kind: "contact_card" },
      step: {
        op: "import_contact_card",
        phone_number: LINE,
        reason: "imports: the line's existing contact card is recorded, not created",
      },
      before: { phone_number: LINE, first_name: "Acme", last_name: "Inc", is_active: true },
    });
  });

  it("an import already recorded is a no-op", () => {
    const state = { kind: "contact_card" as const, applied: desired };
    expect(planContactCardImport({ address, desired, state, live: card })).toEqual({
      kind: "none",
    });
  });

  it("refuses when the line has no card, saying chatsync would create it", () => {
    expect(planContactCardImport({ address, desired, state: undefined, live: undefined })).toEqual({
      kind: "error",
      error: {
        address,
        message: `imports: ${address} ← ${LINE}: line ${LINE} has no contact card to import; drop the imports entry and chatsync creates it. Nothing was written.`,
      },
    });
  });
});

describe("moved: steps, reasons, errors and counts", () => {
  const oldBook = group("book-club", [A, B]);
  const move = [{ from: "chat.book-club", to: "chat.bookclub" }] as const;
  const liveBook = snapshot({ chats: { "c-1": liveChat("c-1", [A, B]) } });

  it("a move alone is one step with its reason, counted once as a move", () => {
    const p = plan(
      desiredState({ chats: chats(group("bookclub", [A, B])), moved: [...move] }),
      liveBook,
      stateDoc({ "chat.book-club": managedChat("c-1", oldBook) }),
    );
    expect(p.changes[0]!.reason).toBe("renamed in moved: chat.book-club → chat.bookclub");
    expect(p.changes[0]!.steps).toEqual([
      {
        op: "move_address",
        from: "chat.book-club",
        to: "chat.bookclub",
        reason: "renamed in moved: chat.book-club → chat.bookclub",
      },
    ]);
    expect(p.summary).toEqual({ ...NO_CHANGES, move: 1 });
    expect(hasChanges(p)).toBe(true);
  });

  it("a move followed by an update says both, and counts both", () => {
    const renamed = group("bookclub", [A, B], { display_name: "Books" });
    const p = plan(
      desiredState({ chats: chats(renamed), moved: [...move] }),
      liveBook,
      stateDoc({ "chat.book-club": managedChat("c-1", oldBook) }),
    );
    // The same update, planned once the rename is recorded, gives the reason that follows the move.
    const after = plan(
      desiredState({ chats: chats(renamed) }),
      liveBook,
      stateDoc({ "chat.bookclub": managedChat("c-1", oldBook) }),
    );
    expect(p.changes[0]!.action).toBe("update");
    expect(p.changes[0]!.steps.map((s) => s.op)).toEqual(["move_address", "rename_chat"]);
    expect(p.changes[0]!.reason).toBe(
      `renamed in moved: chat.book-club → chat.bookclub; then: ${after.changes[0]!.reason}`,
    );
    expect(p.summary).toEqual({ ...NO_CHANGES, update: 1, move: 1 });
  });

  it("an import followed by an update says both", () => {
    const book = group("book", [A, B], { display_name: "Books" });
    const live = snapshot({ chats: { "c-1": liveChat("c-1", [A, B], { name: "Old" }) } });
    const p = plan(
      desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "c-1" }] }),
      live,
    );
    const after = plan(
      desiredState({ chats: chats(book) }),
      live,
      stateDoc({
        "chat.book": {
          kind: "chat",
          id: "c-1",
          from: LINE,
          generation: 0,
          intents: [],
          markers: {},
        },
      }),
    );
    expect(p.changes[0]!.reason).toBe(
      `imports: an existing chat (created ${CREATED}) is recorded, not created; then: ${after.changes[0]!.reason}`,
    );
    expect(p.summary).toEqual({ ...NO_CHANGES, update: 1, import: 1 });
  });

  it("moving onto a managed address names the live ids it knows, and none for a chat never created", () => {
    const neverCreated: ChatResourceState = {
      kind: "chat",
      generation: 1,
      intents: [],
      markers: {},
    };
    const p = plan(
      desiredState({ chats: chats(group("bookclub", [A, B])), moved: [...move] }),
      liveBook,
      stateDoc({
        "chat.book-club": neverCreated,
        "chat.bookclub": managedChat("c-1", group("bookclub", [A, B])),
      }),
    );
    expect(p.errors).toContainEqual({
      address: "chat.bookclub",
      message:
        "moved: chat.book-club → chat.bookclub: chat.bookclub is already managed by the state (live id c-1), and so is chat.book-club; remove one of them from the state (chatsync state rm ADDRESS) or drop the moved entry",
    });
  });

  it("a plan with nothing to do has no changes", () => {
    const p = plan(
      desiredState({ chats: chats(group("bookclub", [A, B])) }),
      liveBook,
      stateDoc({ "chat.bookclub": managedChat("c-1", group("bookclub", [A, B])) }),
    );
    expect(p.summary).toEqual(NO_CHANGES);
    expect(hasChanges(p)).toBe(false);
  });
});
