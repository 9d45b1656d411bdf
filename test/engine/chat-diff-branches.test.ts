/**
 * The difference for one chat address, branch by branch, through `diffChat` itself: the exact
 * steps, reasons, warnings and errors a reviewer reads for a create, a resumed or adopted
 * create, a chat gone from the account, a replacement, an in-place update, the last-applied
 * record, unconfirmed queued changes, drift, and a removed declaration. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import type { Chat } from "../../src/api-wire/types.js";
import {
  diffChat,
  type ChatDiffInput,
  type DiffOutcome,
} from "../../src/sync-engine/plan/diff-chats.js";
import type { Step } from "../../src/sync-engine/plan/plan-types.js";
import type {
  AppliedChat,
  ChatResourceState,
  Intent,
} from "../../src/sync-engine/state/state-types.js";
import { A, B, C, D, E, LINE, direct, group, liveChat, managedChat } from "./fixtures.js";

const ADDRESS = "chat.eng" as const;
const OTHER_LINE = "+12025550199";
const STARTED = "2026-01-01T00:00:00.000Z";

// The rule texts a reviewer reads next to each step.
const RULE_CREATE =
  "§5.1.1 a chat is created together with its first message; no URL in that message";
const RULE_ADD =
  "§5.2.1 add: group only, ≥3 participants before the add (queued, confirmed by reading back)";
const RULE_REMOVE =
  "§5.2.2 remove: group only, ≥3 participants remain (queued, confirmed by reading back)";
const RULE_UPDATE = "§5.1.4 name and icon: groups only (queued, confirmed by reading back)";
const RULE_LEAVE = "§5.1.6 leave: iMessage groups with ≥4 active participants including you";
const RULE_CONVERT =
  "§11 a chat cannot change line, recipient or group/direct type; only a new chat can";

function diff(input: Partial<ChatDiffInput>): DiffOutcome {
  return diffChat({
    address: ADDRESS,
    desired: undefined,
    state: undefined,
    live: undefined,
    liveById: {},
    ...input,
  });
}

const nothing = (): DiffOutcome => ({ drift: [], warnings: [], errors: [] });

const keptOutWarning = (h: string) => ({
  address: ADDRESS,
  message: `${h} left chat.eng on their own and is not re-added (people come first); remove them from the file, or set readd_left: true to re-add them`,
});

/** A copy of `o` without `keys`: a record or an API answer that lacks those fields. */
function omit<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
  return Object.fromEntries(
    Object.entries(o).filter(([k]) => !(keys as PropertyKey[]).includes(k)),
  ) as Omit<T, K>;
}

/** A state whose create was journaled but never confirmed (no live id). */
function pendingCreate(
  request: Intent["request"],
  extra: Partial<ChatResourceState> = {},
): ChatResourceState {
  return {
    kind: "chat",
    generation: 1,
    intents: [
      {
        purpose: "create_chat",
        generation: 2,
        idempotency_key: "k2",
        request,
        started_at: STARTED,
      },
    ],
    markers: {},
    ...extra,
  };
}

/** A live chat whose handles carry no is_me flag: only the line's number says which one is you. */
function unflaggedChat(id: string, others: string[]): Chat {
  const c = liveChat(id, others);
  return { ...c, handles: c.handles.map((h) => ({ ...h, is_me: null })) };
}

describe("a chat not created yet", () => {
  it("a group is created with its welcome message, then named and given its icon, each with its reason", () => {
    const d = group("eng", [A, B], { display_name: "Eng", icon: "https://x/i.png" });
    expect(diff({ desired: d })).toStrictEqual({
      change: {
        address: ADDRESS,
        kind: "chat",
        action: "create",
        reason: "declared and not created yet",
        before: null,
        after: {
          kind: "chat",
          type: "group",
          from: LINE,
          participants: [A, B],
          roster: "authoritative",
          on_delete: "leave",
          prevent_destroy: false,
          display_name: "Eng",
          icon: "https://x/i.png",
        },
        steps: [
          {
            op: "create_chat",
            from: LINE,
            to: [A, B],
            is_group: true,
            welcome_message: "Welcome!",
            generation: 1,
            reason: "declared and not created yet",
            rule: RULE_CREATE,
          },
          {
            op: "rename_chat",
            display_name: "Eng",
            reason: "declared display_name",
            rule: RULE_UPDATE,
          },
          {
            op: "set_chat_icon",
            icon: "https://x/i.png",
            reason: "declared icon",
            rule: RULE_UPDATE,
          },
        ],
      },
      drift: [],
      warnings: [],
      errors: [],
    });
  });

  it("a group without a name or icon gets only the create, and records no name or icon", () => {
    const out = diff({ desired: group("eng", [A, B]) });
    expect(out.change?.steps.map((s) => s.op)).toEqual(["create_chat"]);
    // Strict: an unmanaged name or icon must not even appear as an empty key.
    expect(out.change?.after).toStrictEqual({
      kind: "chat",
      type: "group",
      from: LINE,
      participants: [A, B],
      roster: "authoritative",
      on_delete: "leave",
      prevent_destroy: false,
    });
  });

  it("a direct chat is created as a direct chat to its one recipient, with nothing else", () => {
    const out = diff({ desired: direct("dm", A) });
    expect(out.change?.steps).toStrictEqual([
      {
        op: "create_chat",
        from: LINE,
        to: [A],
        is_group: false,
        welcome_message: "Hi!",
        generation: 1,
        reason: "declared and not created yet",
        rule: RULE_CREATE,
      },
    ]);
    expect(out.change?.after).toStrictEqual({
      kind: "chat",
      type: "direct",
      from: LINE,
      to: A,
      on_delete: "leave",
      prevent_destroy: false,
    });
  });

  it("without a welcome message the create carries an empty text and the plan is refused", () => {
    const out = diff({ desired: group("eng", [A, B], { welcome_message: undefined }) });
    expect(out.change?.steps[0]).toMatchObject({ op: "create_chat", welcome_message: "" });
    expect(out.errors).toEqual([
      {
        address: ADDRESS,
        message:
          "chat.eng needs welcome_message to be created: the API creates a chat only together with its first message (§5.1.1)",
      },
    ]);
  });

  it("a journal holding only a one-shot send is not an interrupted create: a fresh create, next generation", () => {
    const st: ChatResourceState = {
      kind: "chat",
      generation: 2,
      intents: [{ purpose: "share_contact_card", generation: 2, started_at: STARTED }],
      markers: {},
    };
    const out = diff({ desired: group("eng", [A, B]), state: st });
    expect(out.change?.reason).toBe("declared and not created yet");
    expect(out.change?.steps[0]).toMatchObject({ op: "create_chat", generation: 3 });
  });

  it("an interrupted create with no search made replays exactly the journaled request, trusting the key", () => {
    // The declaration changed since: the API answers a repeated key only for the same request.
    const request = { from: LINE, to: [A, B], welcome_message: "Hello" };
    const out = diff({
      desired: group("eng", [A, B, C]),
      state: pendingCreate(request),
    });
    const reason =
      "an earlier create was interrupted; it is sent again with the same idempotency key, so the API returns the chat it may already have made";
    expect(out.change?.reason).toBe(reason);
    expect(out.change?.steps).toStrictEqual([
      {
        op: "create_chat",
        from: LINE,
        to: [A, B],
        is_group: true,
        welcome_message: "Hello",
        generation: 2,
        reason,
        rule: RULE_CREATE,
      },
    ]);
  });

  it("an adopted chat needs no welcome message, keeps its name and icon, and still settles replaced generations", () => {
    const request = { from: LINE, to: [A, B], welcome_message: "Welcome!" };
    const d = group("eng", [A, B], {
      display_name: "Eng",
      icon: "https://x/i.png",
      welcome_message: undefined,
    });
    const out = diff({
      desired: d,
      state: pendingCreate(request, {
        retired: [
          { id: "old-leave", on_delete: "leave", retired_at: STARTED },
          { id: "old-forget", on_delete: "forget", retired_at: STARTED },
        ],
      }),
      liveById: {
        "old-leave": liveChat("old-leave", [A, B, C]),
        "old-forget": liveChat("old-forget", [A, B, C]),
      },
      interrupted: { chat: liveChat("made", [A, B]), others: [] },
    });
    expect(out.errors).toEqual([]);
    expect(out.change?.steps.map((s) => [s.op, "chat_id" in s ? s.chat_id : undefined])).toEqual([
      ["adopt_chat", "made"],
      ["rename_chat", undefined],
      ["set_chat_icon", undefined],
      ["leave_chat", "old-leave"],
      ["forget_chat", "old-forget"],
    ]);
  });
});

describe("a chat recorded in state but not on the account", () => {
  const d = group("eng", [A, B]);
  // null: the API answered 404; undefined: the live read returned nothing for it.
  for (const live of [null, undefined]) {
    it(`is created again in the next generation (live ${String(live)})`, () => {
      const reason = "the chat recorded in state (c1) no longer exists on the account";
      expect(diff({ desired: d, state: managedChat("c1", d), live })).toStrictEqual({
        change: {
          address: ADDRESS,
          kind: "chat",
          action: "create",
          reason,
          live_id: "c1",
          before: null,
          after: {
            kind: "chat",
            type: "group",
            from: LINE,
            participants: [A, B],
            roster: "authoritative",
            on_delete: "leave",
            prevent_destroy: false,
          },
          steps: [
            {
              op: "create_chat",
              from: LINE,
              to: [A, B],
              is_group: true,
              welcome_message: "Welcome!",
              generation: 2,
              reason,
              rule: RULE_CREATE,
            },
          ],
        },
        drift: [],
        warnings: [],
        errors: [],
      });
    });
  }
});

describe("why a chat must be replaced", () => {
  it("a chat declared direct whose live chat is a group", () => {
    const d = direct("eng", A);
    const out = diff({ desired: d, state: managedChat("c1", d), live: liveChat("c1", [A, B]) });
    expect(out.change?.action).toBe("replace");
    expect(out.change?.reason).toBe("declared as a direct chat but the live chat is a group");
  });

  it("a chat declared as a group whose live chat is direct", () => {
    const d = group("eng", [A, B]);
    const out = diff({ desired: d, state: managedChat("c1", d), live: liveChat("c1", [A]) });
    expect(out.change?.reason).toBe("declared as a group chat but the live chat is direct");
  });

  it("the last-applied line counts when the state names no line of its own", () => {
    const d = group("eng", [A, B, C]);
    const noLine = omit(managedChat("c1", d), "from");
    const st = { ...noLine, applied: { ...noLine.applied!, from: OTHER_LINE } };
    const out = diff({ desired: d, state: st, live: liveChat("c1", [A, B, C]) });
    expect(out.change?.reason).toBe(`the line changed from ${OTHER_LINE} to ${LINE}`);
  });

  it("the state's own line wins over the last-applied one: no replacement when it matches", () => {
    const d = group("eng", [A, B, C]);
    const base = managedChat("c1", d);
    const st = { ...base, applied: { ...base.applied!, from: OTHER_LINE } };
    const out = diff({ desired: d, state: st, live: liveChat("c1", [A, B, C]) });
    expect(out.change).toBeUndefined();
  });

  it("a state that names no line anywhere is no line change", () => {
    const d = group("eng", [A, B, C]);
    const bare = omit(managedChat("c1", d), "from", "applied");
    const out = diff({ desired: d, state: bare, live: liveChat("c1", [A, B, C]) });
    expect(out.change).toBeUndefined();
    // Nothing was ever confirmed, so the declaration is recorded as applied.
    expect(out.record?.after).toMatchObject({ kind: "chat", type: "group", from: LINE });
  });

  it("a direct chat whose recipient left is replaced when the declaration names someone else", () => {
    const out = diff({
      desired: direct("eng", B),
      state: managedChat("c1", direct("eng", A)),
      live: liveChat("c1", [[A, "left"]], { group: false }),
    });
    expect(out.change?.reason).toBe(`the recipient changed from ${A} to ${B}`);
  });

  it("a direct chat that matches its declaration needs nothing: no step, no record, no warning", () => {
    const d = direct("eng", A);
    expect(diff({ desired: d, state: managedChat("c1", d), live: liveChat("c1", [A]) })).toEqual(
      nothing(),
    );
  });

  it("a group that matches its declaration, name and icon included, needs nothing", () => {
    const d = group("eng", [A, B, C], { display_name: "Eng", icon: "https://x/i.png" });
    const live = liveChat("c1", [A, B, C], { name: "Eng", icon: "https://x/i.png" });
    expect(diff({ desired: d, state: managedChat("c1", d), live })).toEqual(nothing());
  });
});

describe("replacing a group", () => {
  // B left on their own; the live group (you + A) is too small to add C, so only a new chat
  // reaches the declared roster.
  const applied = group("eng", [A, B, C], { display_name: "Eng", icon: "https://x/i.png" });
  const live = liveChat("c1", [A, [B, "left"]], { name: "Eng", icon: "https://x/i.png" });
  const unreachable =
    "the declared roster cannot be reached: the group has 2 active participants including you and the API adds people only to groups of at least 3 (§5.2.1)";

  it("the new chat leaves out whoever left, and the old one is forgotten with the leave rule", () => {
    const out = diff({ desired: applied, state: managedChat("c1", applied), live });
    expect(out.change).toStrictEqual({
      address: ADDRESS,
      kind: "chat",
      action: "replace",
      reason: unreachable,
      live_id: "c1",
      before: {
        id: "c1",
        is_group: true,
        service: "iMessage",
        display_name: "Eng",
        icon: "https://x/i.png",
        participants: [A],
        health: "HEALTHY",
      },
      after: {
        kind: "chat",
        type: "group",
        from: LINE,
        participants: [A, C],
        roster: "authoritative",
        on_delete: "leave",
        prevent_destroy: false,
        display_name: "Eng",
        icon: "https://x/i.png",
      },
      steps: [
        {
          op: "create_chat",
          from: LINE,
          to: [A, C],
          is_group: true,
          welcome_message: "Welcome!",
          generation: 2,
          reason: unreachable,
          rule: RULE_CONVERT,
        },
        // Only the create is the conversion; the name and icon keep their own rule.
        {
          op: "rename_chat",
          display_name: "Eng",
          reason: "declared display_name",
          rule: RULE_UPDATE,
        },
        {
          op: "set_chat_icon",
          icon: "https://x/i.png",
          reason: "declared icon",
          rule: RULE_UPDATE,
        },
        {
          op: "forget_chat",
          chat_id: "c1",
          reason: "stop tracking the chat being replaced",
          rule: RULE_LEAVE,
        },
      ],
    });
    expect(out.warnings).toEqual([
      keptOutWarning(B),
      {
        address: ADDRESS,
        message:
          "the replaced chat is forgotten, not left: the API can leave only groups with at least 4 active participants including you (this one has 2)",
      },
    ]);
    expect(out.errors).toEqual([]);
  });

  it("with readd_left: true the new chat brings back whoever left", () => {
    const d = { ...applied, readd_left: true };
    const out = diff({ desired: d, state: managedChat("c1", d), live });
    expect(out.change?.steps[0]).toMatchObject({ op: "create_chat", to: [A, B, C] });
    expect(out.change?.after).toMatchObject({ participants: [A, B, C] });
    expect(out.warnings.map((w) => w.message)).not.toContain(keptOutWarning(B).message);
  });

  it("with on_delete: forget the old chat is forgotten quietly, with no leave rule", () => {
    const d = { ...applied, on_delete: "forget" as const };
    const out = diff({ desired: d, state: managedChat("c1", d), live });
    expect(out.change?.steps.at(-1)).toStrictEqual({
      op: "forget_chat",
      chat_id: "c1",
      reason: "stop tracking the chat being replaced",
    });
    expect(out.warnings).toEqual([keptOutWarning(B)]);
  });

  it("a group left with fewer than two people once those who left are kept out cannot be replaced", () => {
    const d = group("eng", [A, B, C]);
    const out = diff({
      desired: d,
      state: managedChat("c1", d),
      live: liveChat("c1", [
        [A, "left"],
        [B, "left"],
      ]),
    });
    expect(out.change).toBeUndefined();
    expect(out.errors).toEqual([
      {
        address: ADDRESS,
        message:
          "chat.eng cannot be replaced: only 1 declared participant(s) remain once people who left are kept out, and a group needs 2",
      },
    ]);
    expect(out.warnings).toEqual([keptOutWarning(A), keptOutWarning(B)]);
    expect(out.drift.map((x) => x.field)).toEqual(["participants"]);
  });

  it("a live chat the API reports without a health status shows health null", () => {
    const rest = omit(live, "health_status");
    const out = diff({
      desired: applied,
      state: managedChat("c1", applied),
      live: rest as Chat,
    });
    expect(out.change?.before).toMatchObject({ health: null });
  });
});

describe("updating a group in place", () => {
  it("adds and removes carry the reason a reviewer reads: re-added, missing, undeclared", () => {
    const d = group("eng", [A, B, C, D], { readd_left: true });
    const out = diff({
      desired: d,
      state: managedChat("c1", d),
      live: liveChat("c1", [A, C, E, [B, "left"]]),
    });
    expect(out.change?.reason).toBe("the live chat differs from the declaration");
    expect(out.change?.steps).toStrictEqual([
      {
        op: "add_participant",
        handle: B,
        reason: "declared; left earlier and readd_left: true",
        rule: RULE_ADD,
      },
      {
        op: "add_participant",
        handle: D,
        reason: "declared, not in the live chat",
        rule: RULE_ADD,
      },
      {
        op: "remove_participant",
        handle: E,
        reason: "in the live chat, not declared (roster: authoritative)",
        rule: RULE_REMOVE,
      },
    ]);
  });

  it("a declared rename the live chat has not taken is a change naming the live name, not drift", () => {
    const applied = group("eng", [A, B, C], { display_name: "Eng" });
    const d = { ...applied, display_name: "Engineering" };
    const out = diff({
      desired: d,
      state: managedChat("c1", applied),
      live: liveChat("c1", [A, B, C], { name: "Eng" }),
    });
    expect(out.drift).toEqual([]);
    expect(out.change?.steps).toStrictEqual([
      {
        op: "rename_chat",
        display_name: "Engineering",
        reason: 'live name is "Eng"',
        rule: RULE_UPDATE,
      },
    ]);
  });

  it("a declared icon change is a step naming the live icon", () => {
    const applied = group("eng", [A, B, C], { icon: "https://x/old.png" });
    const d = { ...applied, icon: "https://x/new.png" };
    const out = diff({
      desired: d,
      state: managedChat("c1", applied),
      live: liveChat("c1", [A, B, C], { icon: "https://x/old.png" }),
    });
    expect(out.change?.steps).toStrictEqual([
      {
        op: "set_chat_icon",
        icon: "https://x/new.png",
        reason: 'live icon is "https://x/old.png"',
        rule: RULE_UPDATE,
      },
    ]);
  });

  it("someone who left and is kept out is not recorded as applied", () => {
    const d = group("eng", [A, B, C, E], { display_name: "Eng" });
    const out = diff({
      desired: d,
      state: managedChat("c1", d),
      live: liveChat("c1", [A, C, E, [B, "left"]], { name: "Old" }),
    });
    expect(out.change?.steps.map((s) => s.op)).toEqual(["rename_chat"]);
    expect(out.change?.after).toMatchObject({ participants: [A, C, E] });
    expect(out.warnings).toEqual([keptOutWarning(B)]);
  });
});

describe("settings recorded without an API call", () => {
  const d = group("eng", [A, B, C]);
  const live = liveChat("c1", [A, B, C]);

  it("changing only on_delete is recorded as applied", () => {
    const out = diff({
      desired: { ...d, on_delete: "forget" },
      state: managedChat("c1", d),
      live,
    });
    expect(out.change).toBeUndefined();
    expect(out.record).toEqual({
      address: ADDRESS,
      after: {
        kind: "chat",
        type: "group",
        from: LINE,
        participants: [A, B, C],
        roster: "authoritative",
        on_delete: "forget",
        prevent_destroy: false,
      },
    });
  });

  it("changing only the roster policy is recorded as applied", () => {
    const out = diff({ desired: { ...d, roster: "additive" }, state: managedChat("c1", d), live });
    expect(out.change).toBeUndefined();
    expect(out.record?.after).toMatchObject({ roster: "additive" });
  });
});

describe("queued changes an interrupted run never confirmed", () => {
  it("each is reported with what it changed and whether the API accepted it; the journal is settled by a record", () => {
    const d = group("eng", [A, B, C]);
    const intents: Intent[] = [
      {
        purpose: "rename_chat",
        generation: 1,
        detail: "Eng",
        started_at: STARTED,
        accepted_at: STARTED,
      },
      { purpose: "add_participant", generation: 1, detail: A, started_at: STARTED },
      { purpose: "leave_chat", generation: 1, started_at: STARTED },
      // Not a queued change: a one-shot send is settled elsewhere, never reported here.
      { purpose: "share_contact_card", generation: 1, started_at: STARTED },
    ];
    const out = diff({
      desired: d,
      state: managedChat("c1", d, { intents }),
      live: liveChat("c1", [A, B, C]),
    });
    const msg = (what: string, outcome: string) => ({
      address: ADDRESS,
      message: `an earlier run did not finish (interrupted or failed) after sending ${what} (${outcome}) and before confirming it; this plan starts from what the live chat shows now`,
    });
    expect(out.warnings).toEqual([
      msg('rename chat "Eng"', "the API accepted it"),
      msg(`add participant "${A}"`, "its outcome is unknown"),
      msg('leave chat ""', "its outcome is unknown"),
    ]);
    expect(out.change).toBeUndefined();
    expect(out.record?.address).toBe(ADDRESS);
  });
});

describe("drift compares like with like", () => {
  it("a group now declared direct: hand changes to its icon and roster are drift with no declared value", () => {
    const applied = group("eng", [A, B], { icon: "https://x/i.png" });
    const out = diff({
      desired: direct("eng", A),
      state: managedChat("c1", applied),
      live: liveChat("c1", [A, C], { icon: "https://x/theirs.png" }),
    });
    expect(out.drift).toStrictEqual([
      {
        address: ADDRESS,
        field: "icon",
        live: "https://x/theirs.png",
        last_applied: "https://x/i.png",
      },
      { address: ADDRESS, field: "participants", live: [A, C], last_applied: [A, B] },
    ]);
  });

  it("a chat last applied as direct has no group drift, even when the live chat is a group", () => {
    const out = diff({
      desired: group("eng", [A, B]),
      state: managedChat("c1", direct("eng", A)),
      live: liveChat("c1", [A, C]),
    });
    expect(out.drift).toEqual([]);
  });

  it("a last-applied group with no recorded participants is compared against an empty roster", () => {
    const g = group("eng", [A, C]);
    const base = managedChat("c1", g);
    const noRoster = omit(base.applied!, "participants");
    const out = diff({
      desired: g,
      state: { ...base, applied: noRoster as AppliedChat },
      live: liveChat("c1", [A, B]),
    });
    expect(out.drift).toEqual([
      { address: ADDRESS, field: "participants", live: [A, B], last_applied: [], declared: [A, C] },
    ]);
  });

  it("the order people were recorded in does not matter", () => {
    const d = group("eng", [A, B, C]);
    const base = managedChat("c1", d);
    const out = diff({
      desired: d,
      state: { ...base, applied: { ...base.applied!, participants: [B, A] } },
      live: liveChat("c1", [A, B]),
    });
    expect(out.drift).toEqual([]);
  });

  it("the order people are declared in does not matter", () => {
    const d = { ...group("eng", [A]), participants: [B, A] };
    const out = diff({
      desired: d,
      state: managedChat("c1", group("eng", [A])),
      live: liveChat("c1", [A, B]),
    });
    expect(out.drift).toEqual([]);
  });
});

describe("a chat no longer declared", () => {
  it("an address neither declared nor recorded changes nothing", () => {
    expect(diff({})).toStrictEqual(nothing());
  });

  it("a chat never created, with no create in its journal, is forgotten quietly", () => {
    const reason = "removed from the configuration; no live chat was created";
    expect(
      diff({ state: { kind: "chat", generation: 1, intents: [], markers: {} } }),
    ).toStrictEqual({
      change: {
        address: ADDRESS,
        kind: "chat",
        action: "forget",
        reason,
        before: null,
        after: null,
        steps: [{ op: "forget_chat", reason }],
      },
      drift: [],
      warnings: [],
      errors: [],
    });
  });

  const removed = (d: ReturnType<typeof group>, live: Chat) =>
    diff({ state: managedChat("c1", d), live }).change;

  it("on_delete: forget says the chat is kept and no longer tracked", () => {
    const change = removed(
      group("eng", [A, B, C], { on_delete: "forget" }),
      liveChat("c1", [A, B, C]),
    );
    const reason =
      "removed from the configuration; on_delete: forget keeps the chat and stops tracking it";
    expect(change?.reason).toBe(reason);
    expect(change?.steps).toStrictEqual([{ op: "forget_chat", chat_id: "c1", reason }]);
  });

  it("a leave the API refuses becomes a forget that says so, under the leave rule", () => {
    const change = removed(group("eng", [A, B]), liveChat("c1", [A, B]));
    const reason = "removed from the configuration; leaving is not possible, so it is forgotten";
    expect(change?.steps).toStrictEqual([
      { op: "forget_chat", chat_id: "c1", reason, rule: RULE_LEAVE },
    ]);
  });

  it("a leave the API allows is one leave step with the same reason as the change", () => {
    const change = removed(group("eng", [A, B, C]), liveChat("c1", [A, B, C]));
    const reason = "removed from the configuration; on_delete: leave";
    expect(change?.reason).toBe(reason);
    expect(change?.steps).toStrictEqual([
      { op: "leave_chat", chat_id: "c1", reason, rule: RULE_LEAVE },
    ]);
  });

  it("the chat an interrupted create made is judged on the journaled line when the API does not flag you", () => {
    // You + A + B: three active, below the four a leave needs, once your line is recognized.
    const out = diff({
      state: pendingCreate({ from: LINE, to: [A, B], welcome_message: "Welcome!" }, { from: LINE }),
      interrupted: { chat: unflaggedChat("made", [A, B]), others: [] },
    });
    expect(out.change?.action).toBe("forget");
    expect(out.change?.before).toMatchObject({ id: "made", participants: [A, B] });
    expect(out.warnings).toEqual([
      {
        address: ADDRESS,
        message:
          "chat.eng is forgotten, not left: the API can leave only groups with at least 4 active participants including you (this one has 3). The chat stays on the account; chatsync stops managing it.",
      },
    ]);
  });

  it("the line of the chat an interrupted create made also judges the generations it replaced", () => {
    // The retired chat does not flag you either: only the adopted chat's own line tells you
    // apart from the others (you + A + B: too few to leave).
    const out = diff({
      state: pendingCreate(
        { from: LINE, to: [A, B, C], welcome_message: "Welcome!" },
        { retired: [{ id: "old", on_delete: "leave", retired_at: STARTED }] },
      ),
      liveById: { old: unflaggedChat("old", [A, B]) },
      interrupted: { chat: liveChat("made", [A, B, C]), others: [] },
    });
    const steps: Step[] = out.change?.steps ?? [];
    expect(steps.map((s) => s.op)).toEqual(["leave_chat", "forget_chat"]);
    expect(steps[1]).toMatchObject({ chat_id: "old", rule: RULE_LEAVE });
  });
});
