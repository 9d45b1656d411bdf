/**
 * The difference for one chat address: desired (the declaration, or nothing) → current (state
 * + live chat) → difference (create / update / replace / leave / forget) → sanity checks
 * (prevent_destroy, people come first, what the API allows). Pure: no I/O, no clock.
 *
 * Decisions on UNSETTLED points:
 * - §12.10 (clearing a name or icon): chatsync never clears them. Leaving `display_name` or
 *   `icon` out of a declaration means "not managed", so removing the field stops managing it.
 * - §12.11 (do people who left stay in `handles`?): both answers work. Only an explicit
 *   `status: "left"` keeps a declared person out (people come first); a declared handle that is
 *   simply absent is added back, since absence cannot tell "left" from "removed".
 * - A direct chat, a line change or a group↔direct change can only be reached by a new chat
 *   (§11); so can a roster that add/remove cannot reach (§5.2 thresholds, open question 20).
 */
import type { Chat } from "../../api-wire/types.js";
import type { Address, DesiredChat } from "../model/desired-state.js";
import { isQueuedChange, type AppliedChat, type ChatResourceState } from "../state/state-types.js";
import type { CreatedChatMatch } from "../refresh/find-created-chat.js";
import { diffRoster } from "./diff-roster.js";
import { leaveAllowed, viewChat, type ChatView } from "./live-chat-view.js";
import type { AppliedSpec, Drift, PlanMessage, ResourceChange, Step } from "./plan-types.js";

export interface DiffOutcome {
  change?: ResourceChange;
  /** A last-applied update that needs no API call (settings such as prevent_destroy); not a change. */
  record?: { address: Address; after: AppliedSpec };
  drift: Drift[];
  warnings: PlanMessage[];
  errors: PlanMessage[];
}

export interface ChatDiffInput {
  address: Address;
  /** The declaration; undefined when it was removed (or `--destroy` targets it). */
  desired: DesiredChat | undefined;
  state: ChatResourceState | undefined;
  /** The live chat for `state.id`: undefined when there is no id, null when the API answered 404. */
  live: Chat | null | undefined;
  /** Live chats of retired (replaced) generations, by id. */
  liveById: Record<string, Chat | null>;
  /** Set when the declaration is removed only because of `--destroy`. */
  destroying?: boolean;
  /** Highest generation this address used before it was last forgotten (StateDocument.generations). */
  usedGeneration?: number;
  /**
   * For an interrupted create (journaled, no live id): the chat it made, found on the line
   * (LiveSnapshot.interrupted_creates); null when the search found none; undefined when no
   * search was made.
   */
  interrupted?: CreatedChatMatch | null;
}

const RULE_CREATE =
  "§5.1.1 a chat is created together with its first message; no URL in that message";
const RULE_ADD =
  "§5.2.1 add: group only, ≥3 participants before the add (queued, confirmed by reading back)";
const RULE_REMOVE =
  "§5.2.2 remove: group only, ≥3 participants remain (queued, confirmed by reading back)";
const RULE_UPDATE = "§5.1.4 name and icon: groups only (queued, confirmed by reading back)";
const RULE_LEAVE = "§5.1.6 leave: iMessage groups with ≥4 active participants including you";
const RULE_SHARE = "§5.1.7 share contact card: once per chat (at-most-once, journaled)";
const RULE_LOCATION = "§5.6.1 location request: 1:1 iMessage chats only (at-most-once, journaled)";
const RULE_RECOVER =
  "§12.1 (open) whether the idempotency key deduplicates chat creation; chatsync looks for the chat before creating again";
const RULE_CONVERT =
  "§11 a chat cannot change line, recipient or group/direct type; only a new chat can";

function appliedFrom(d: DesiredChat, keptOut: readonly string[] = []): AppliedChat {
  const common = { from: d.from, on_delete: d.on_delete, prevent_destroy: d.prevent_destroy };
  if (d.type === "direct") return { type: "direct", to: d.to, ...common };
  return {
    type: "group",
    participants: d.participants.filter((h) => !keptOut.includes(h)),
    roster: d.roster,
    ...common,
    ...(d.display_name !== undefined ? { display_name: d.display_name } : {}),
    ...(d.icon !== undefined ? { icon: d.icon } : {}),
  };
}

function recipientsOf(d: DesiredChat, exclude: ReadonlySet<string> = new Set()): string[] {
  return d.type === "direct" ? [d.to] : d.participants.filter((h) => !exclude.has(h));
}

/** The steps that make a new chat for `d`: create with the welcome message, then name, icon, one-shot sends. */
function newChatSteps(d: DesiredChat, generation: number, to: string[], reason: string): Step[] {
  const steps: Step[] = [
    {
      op: "create_chat",
      from: d.from,
      to,
      is_group: d.type === "group",
      welcome_message: d.welcome_message ?? "",
      generation,
      reason,
      rule: RULE_CREATE,
    },
  ];
  if (d.type === "group" && d.display_name !== undefined) {
    steps.push({
      op: "rename_chat",
      display_name: d.display_name,
      reason: "declared display_name",
      rule: RULE_UPDATE,
    });
  }
  if (d.type === "group" && d.icon !== undefined) {
    steps.push({ op: "set_chat_icon", icon: d.icon, reason: "declared icon", rule: RULE_UPDATE });
  }
  if (d.share_contact_card) {
    steps.push({
      op: "share_contact_card",
      reason: "share_contact_card: true (once per chat)",
      rule: RULE_SHARE,
    });
  }
  if (d.type === "direct" && d.location_request) {
    steps.push({
      op: "request_location",
      reason: "location_request: true (once per chat)",
      rule: RULE_LOCATION,
    });
  }
  return steps;
}

export function liveSummary(chat: Chat, view: ChatView): Record<string, unknown> {
  return {
    id: chat.id,
    is_group: chat.is_group,
    service: chat.service ?? null,
    display_name: chat.display_name,
    icon: chat.group_chat_icon ?? null,
    participants: view.active,
    health: chat.health_status?.status ?? null,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// --- drift: live vs last-applied ------------------------------------------------------------

function driftOf(
  address: Address,
  applied: AppliedChat | undefined,
  chat: Chat,
  view: ChatView,
  d: DesiredChat | undefined,
): Drift[] {
  if (!applied || applied.type !== "group" || !chat.is_group) return [];
  const out: Drift[] = [];
  const dg = d?.type === "group" ? d : undefined;
  if (
    applied.display_name !== undefined &&
    chat.display_name !== applied.display_name &&
    chat.display_name !== dg?.display_name
  ) {
    out.push({
      address,
      field: "display_name",
      live: chat.display_name,
      last_applied: applied.display_name,
      ...(dg ? { declared: dg.display_name ?? null } : {}),
    });
  }
  const icon = chat.group_chat_icon ?? null;
  if (applied.icon !== undefined && icon !== applied.icon && icon !== (dg?.icon ?? null)) {
    out.push({
      address,
      field: "icon",
      live: icon,
      last_applied: applied.icon,
      ...(dg ? { declared: dg.icon ?? null } : {}),
    });
  }
  const appliedRoster = [...(applied.participants ?? [])].sort();
  // Additive rosters expect extra people; only a declared person going missing is drift there.
  const rosterDrifted =
    applied.roster === "additive"
      ? appliedRoster.some((h) => !view.active.includes(h))
      : !sameList(appliedRoster, view.active);
  const matchesDeclared = dg ? sameList([...dg.participants].sort(), view.active) : false;
  if (rosterDrifted && !matchesDeclared) {
    out.push({
      address,
      field: "participants",
      live: view.active,
      last_applied: appliedRoster,
      ...(dg ? { declared: dg.participants } : {}),
    });
  }
  return out;
}

// --- the chat is declared ----------------------------------------------------------------------

function whyReplace(
  d: DesiredChat,
  st: ChatResourceState,
  chat: Chat,
  view: ChatView,
): string | undefined {
  if ((d.type === "group") !== chat.is_group) {
    return `declared as a ${d.type} chat but the live chat is ${chat.is_group ? "a group" : "direct"}`;
  }
  const line = st.from ?? st.applied?.from;
  if (line !== undefined && line !== d.from) return `the line changed from ${line} to ${d.from}`;
  if (d.type === "direct") {
    const live = view.active[0] ?? [...view.left][0];
    if (live !== undefined && live !== d.to) return `the recipient changed from ${live} to ${d.to}`;
  }
  if (!view.meActive)
    return "your line is no longer a member of the live chat (every interaction would fail with 409/2013)";
  return undefined;
}

function oneShotSteps(
  d: DesiredChat,
  st: ChatResourceState,
  chat: Chat,
  view: ChatView,
  warnings: PlanMessage[],
  address: Address,
): Step[] {
  const steps: Step[] = [];
  const pending = (p: "share_contact_card" | "request_location") =>
    st.intents.some((i) => i.purpose === p && i.generation === st.generation);
  if (d.share_contact_card && !st.markers.contact_card_shared) {
    if (pending("share_contact_card")) {
      steps.push({
        op: "settle_interrupted_send",
        purpose: "share_contact_card",
        reason:
          "an earlier run was interrupted while sharing the contact card; it may have been sent, so it is recorded as done and not sent again",
        rule: RULE_SHARE,
      });
      warnings.push({
        address,
        message:
          "an interrupted contact-card share is recorded as done without resending (at-most-once)",
      });
    } else if (view.optedOut) {
      warnings.push({
        address,
        message: "the chat is OPTED_OUT; chatsync does not share the contact card",
      });
    } else {
      steps.push({
        op: "share_contact_card",
        reason: "share_contact_card: true and not shared yet",
        rule: RULE_SHARE,
      });
    }
  }
  if (d.type === "direct" && d.location_request && !st.markers.location_requested) {
    if (pending("request_location")) {
      steps.push({
        op: "settle_interrupted_send",
        purpose: "request_location",
        reason:
          "an earlier run was interrupted while requesting location; it may have been sent, so it is recorded as done and not sent again",
        rule: RULE_LOCATION,
      });
      warnings.push({
        address,
        message:
          "an interrupted location request is recorded as done without resending (at-most-once)",
      });
    } else if (view.optedOut) {
      warnings.push({
        address,
        message: "the chat is OPTED_OUT; chatsync does not request location",
      });
    } else if (chat.service !== "iMessage") {
      warnings.push({
        address,
        message: `location_request needs an iMessage chat; this one is ${chat.service ?? "of unknown service"}, so no request is sent`,
      });
    } else {
      steps.push({
        op: "request_location",
        reason: "location_request: true and not requested yet",
        rule: RULE_LOCATION,
      });
    }
  }
  return steps;
}

function retiredSteps(
  st: ChatResourceState | undefined,
  liveById: Record<string, Chat | null>,
  warnings: PlanMessage[],
  address: Address,
): Step[] {
  const steps: Step[] = [];
  for (const r of st?.retired ?? []) {
    const chat = liveById[r.id];
    // A forget the API forces (leaving not allowed) carries the rule that forces it.
    let forced = false;
    if (r.on_delete === "leave" && chat) {
      const view = viewChat(chat, st?.from);
      const can = leaveAllowed(chat, view);
      if (view.meActive && can.allowed) {
        steps.push({
          op: "leave_chat",
          chat_id: r.id,
          reason: "finish leaving the chat this address replaced",
          rule: RULE_LEAVE,
        });
        continue;
      }
      if (view.meActive && !can.allowed) {
        forced = true;
        warnings.push({
          address,
          message: `the replaced chat ${r.id} is forgotten, not left: ${can.why}`,
        });
      }
    }
    steps.push({
      op: "forget_chat",
      chat_id: r.id,
      reason: "stop tracking the chat this address replaced",
      ...(forced ? { rule: RULE_LEAVE } : {}),
    });
  }
  return steps;
}

function diffDeclaredChat(input: ChatDiffInput & { desired: DesiredChat }): DiffOutcome {
  const { address, desired: d, state: st, live, liveById } = input;
  const warnings: PlanMessage[] = [];
  const errors: PlanMessage[] = [];
  const needsWelcome = (replacing?: string) => {
    if (d.welcome_message) return;
    errors.push({
      address,
      // An imported chat needed none until now: say why a new chat is due.
      message: replacing
        ? `${address} must be replaced by a new chat (${replacing}), and the declaration has no welcome_message: add one — the API creates a chat only together with its first message (§5.1.1)`
        : `${address} needs welcome_message to be created: the API creates a chat only together with its first message (§5.1.1)`,
    });
  };

  // Not created yet (or an interrupted create to resume).
  if (!st?.id) {
    const pending = st?.intents.find((i) => i.purpose === "create_chat");
    const found = pending?.request ? input.interrupted?.chat : undefined;
    if (!found) needsWelcome();
    const generation = pending
      ? pending.generation
      : Math.max(st?.generation ?? 0, input.usedGeneration ?? 0) + 1;
    const reason = !pending
      ? "declared and not created yet"
      : found
        ? `an earlier create was interrupted after the API made chat ${found.id}; that chat is recorded, not created again`
        : input.interrupted === null
          ? "an earlier create was interrupted and the line shows no chat it made; it is sent again with the same idempotency key"
          : "an earlier create was interrupted; it is sent again with the same idempotency key, so the API returns the chat it may already have made";
    const steps = [
      ...newChatSteps(d, generation, recipientsOf(d), reason),
      ...retiredSteps(st, liveById, warnings, address),
    ];
    // Replay exactly the journaled request: the API answers a repeated key only for the same request.
    if (pending?.request) {
      const first = steps[0];
      if (first?.op === "create_chat") Object.assign(first, pending.request);
    }
    if (found && pending?.request && st) {
      // The chat exists: what it is (service, health) decides the one-shot sends, as for any
      // live chat — not the assumptions made for a chat still to be created.
      const fresh: ChatResourceState = { ...st, generation, intents: [], markers: {} };
      const view = viewChat(found, pending.request.from);
      steps.splice(
        0,
        steps.length,
        {
          op: "adopt_chat",
          chat_id: found.id,
          from: pending.request.from,
          to: pending.request.to,
          generation,
          reason,
          rule: RULE_RECOVER,
        },
        ...steps.filter((s) => s.op === "rename_chat" || s.op === "set_chat_icon"),
        ...oneShotSteps(d, fresh, found, view, warnings, address),
        // The chats of replaced generations, still to be left or forgotten.
        ...steps.filter((s) => s.op === "leave_chat" || s.op === "forget_chat"),
      );
    }
    warnDuplicates(input, warnings);
    return {
      change: {
        address,
        kind: "chat",
        action: "create",
        reason,
        before: null,
        after: { kind: "chat", ...appliedFrom(d) },
        steps,
      },
      drift: [],
      warnings,
      errors,
    };
  }

  // Recorded in state but gone from the account.
  if (live === null || live === undefined) {
    needsWelcome();
    const reason = `the chat recorded in state (${st.id}) no longer exists on the account`;
    const steps = [
      ...newChatSteps(d, st.generation + 1, recipientsOf(d), reason),
      ...retiredSteps(st, liveById, warnings, address),
    ];
    return {
      change: {
        address,
        kind: "chat",
        action: "create",
        reason,
        live_id: st.id,
        before: null,
        after: { kind: "chat", ...appliedFrom(d) },
        steps,
      },
      drift: [],
      warnings,
      errors,
    };
  }

  const view = viewChat(live, st.from);
  const drift = driftOf(address, st.applied, live, view, d);
  const unconfirmed = warnUnconfirmedChanges(st, warnings, address);
  const roster =
    d.type === "group" && live.is_group
      ? diffRoster(d.participants, view, d.roster, d.readd_left)
      : undefined;
  for (const h of roster?.keptOut ?? []) {
    warnings.push({
      address,
      message: `${h} left ${address} on their own and is not re-added (people come first); remove them from the file, or set readd_left: true to re-add them`,
    });
  }
  const replaceWhy =
    whyReplace(d, st, live, view) ??
    (roster?.unreachable
      ? `the declared roster cannot be reached: ${roster.unreachable}`
      : undefined);

  // Replacement: a new chat (next generation), then leave or forget the old one.
  if (replaceWhy) {
    if (d.prevent_destroy) {
      errors.push({
        address,
        message: `${address} has prevent_destroy but the plan must replace it (${replaceWhy}). Change the declaration back, or remove prevent_destroy to allow the replacement.`,
      });
      return { drift, warnings, errors };
    }
    if (view.optedOut) {
      warnings.push({
        address,
        message: `${address} should be replaced (${replaceWhy}) but the chat is OPTED_OUT; chatsync sends no welcome message to people who opted out, so it is left as it is`,
      });
      return { drift, warnings, errors };
    }
    needsWelcome(replaceWhy);
    const exclude = d.type === "group" && !d.readd_left ? view.left : new Set<string>();
    const to = recipientsOf(d, exclude);
    if (d.type === "group" && to.length < 2) {
      errors.push({
        address,
        message: `${address} cannot be replaced: only ${to.length} declared participant(s) remain once people who left are kept out, and a group needs 2`,
      });
      return { drift, warnings, errors };
    }
    const steps: Step[] = newChatSteps(d, st.generation + 1, to, replaceWhy).map((s): Step =>
      s.op === "create_chat" ? { ...s, rule: RULE_CONVERT } : s,
    );
    const can = leaveAllowed(live, view);
    if (d.on_delete === "leave" && view.meActive && can.allowed) {
      steps.push({
        op: "leave_chat",
        chat_id: live.id,
        reason: "leave the chat being replaced",
        rule: RULE_LEAVE,
      });
    } else {
      if (d.on_delete === "leave" && view.meActive && !can.allowed) {
        warnings.push({ address, message: `the replaced chat is forgotten, not left: ${can.why}` });
      }
      steps.push({
        op: "forget_chat",
        chat_id: live.id,
        reason: "stop tracking the chat being replaced",
        ...(d.on_delete === "leave" && view.meActive && !can.allowed ? { rule: RULE_LEAVE } : {}),
      });
    }
    steps.push(...retiredSteps(st, liveById, warnings, address));
    return {
      change: {
        address,
        kind: "chat",
        action: "replace",
        reason: replaceWhy,
        live_id: live.id,
        before: liveSummary(live, view),
        after: { kind: "chat", ...appliedFrom(d, [...exclude]) },
        steps,
      },
      drift,
      warnings,
      errors,
    };
  }

  // In-place update.
  const steps: Step[] = [];
  if (d.type === "group" && roster) {
    for (const h of roster.add) {
      const wasLeft = view.left.has(h);
      steps.push({
        op: "add_participant",
        handle: h,
        reason: wasLeft
          ? "declared; left earlier and readd_left: true"
          : "declared, not in the live chat",
        rule: RULE_ADD,
      });
    }
    for (const h of roster.remove) {
      steps.push({
        op: "remove_participant",
        handle: h,
        reason: "in the live chat, not declared (roster: authoritative)",
        rule: RULE_REMOVE,
      });
    }
    if (d.display_name !== undefined && live.display_name !== d.display_name) {
      steps.push({
        op: "rename_chat",
        display_name: d.display_name,
        reason: `live name is ${JSON.stringify(live.display_name)}`,
        rule: RULE_UPDATE,
      });
    }
    if (d.icon !== undefined && (live.group_chat_icon ?? null) !== d.icon) {
      steps.push({
        op: "set_chat_icon",
        icon: d.icon,
        reason: `live icon is ${JSON.stringify(live.group_chat_icon ?? null)}`,
        rule: RULE_UPDATE,
      });
    }
  }
  steps.push(...oneShotSteps(d, st, live, view, warnings, address));
  steps.push(...retiredSteps(st, liveById, warnings, address));

  const after = appliedFrom(d, roster?.keptOut ?? []);
  const a = st.applied;
  // Settings that need no API call still belong in state: prevent_destroy and on_delete must
  // survive the declaration's removal. A record also settles the journal of an interrupted run.
  const settingsChanged =
    !a ||
    unconfirmed ||
    a.on_delete !== after.on_delete ||
    a.prevent_destroy !== after.prevent_destroy ||
    a.roster !== after.roster;
  if (steps.length === 0) {
    return {
      drift,
      warnings,
      errors,
      ...(settingsChanged ? { record: { address, after: { kind: "chat", ...after } } } : {}),
    };
  }
  return {
    change: {
      address,
      kind: "chat",
      action: "update",
      reason: "the live chat differs from the declaration",
      live_id: live.id,
      before: liveSummary(live, view),
      after: { kind: "chat", ...after },
      steps,
    },
    drift,
    warnings,
    errors,
  };
}

/**
 * Queued changes an interrupted run sent but never confirmed (the journal still holds them).
 * The plan is made from what the live chat shows now, so each is only reported; returns
 * whether there were any.
 */
function warnUnconfirmedChanges(
  st: ChatResourceState,
  warnings: PlanMessage[],
  address: Address,
): boolean {
  const left = st.intents.filter((i) => isQueuedChange(i.purpose));
  for (const i of left) {
    const what = `${i.purpose.replace(/_/g, " ")} ${JSON.stringify(i.detail ?? "")}`;
    const outcome = i.accepted_at ? "the API accepted it" : "its outcome is unknown";
    warnings.push({
      address,
      message: `an earlier run did not finish (interrupted or failed) after sending ${what} (${outcome}) and before confirming it; this plan starts from what the live chat shows now`,
    });
  }
  return left.length > 0;
}

/** Chats that match an interrupted create besides the one adopted are named, never managed. */
function warnDuplicates(input: ChatDiffInput, warnings: PlanMessage[]): void {
  for (const other of input.interrupted?.others ?? []) {
    warnings.push({
      address: input.address,
      message: `chat ${other.id} matches the interrupted create of ${input.address} too (same line, participants and welcome message) — a duplicate an API without chat dedup made; chatsync does not manage it, leave it by hand if nobody uses it`,
    });
  }
}

// --- the chat is no longer declared (or --destroy) ------------------------------------------

function diffUndeclaredChat(input: ChatDiffInput): DiffOutcome {
  const { address, liveById } = input;
  let { state: st, live } = input;
  const warnings: PlanMessage[] = [];
  const errors: PlanMessage[] = [];
  if (!st) return { drift: [], warnings, errors };
  const found = st.id ? undefined : input.interrupted?.chat;
  warnDuplicates(input, warnings);
  if (found) {
    // The interrupted create did make its chat: it goes the way of any chat of a removed address.
    st = { ...st, id: found.id, from: found.handles.find((h) => h.is_me)?.handle ?? st.from };
    live = found;
  }
  const why = input.destroying ? "--destroy" : "removed from the configuration";
  const preventDestroy = input.desired?.prevent_destroy ?? st.applied?.prevent_destroy ?? false;
  const onDelete = input.desired?.on_delete ?? st.applied?.on_delete ?? "leave";
  if (preventDestroy) {
    errors.push({
      address,
      message: `${address} has prevent_destroy but the plan would ${onDelete} it (${why}). Restore the declaration, or set prevent_destroy: false and apply before removing it.`,
    });
    return { drift: [], warnings, errors };
  }
  const retired = retiredSteps(st, liveById, warnings, address);
  const forget = (reason: string, chatId?: string, rule?: string): DiffOutcome => ({
    change: {
      address,
      kind: "chat",
      action: "forget",
      reason,
      ...(chatId ? { live_id: chatId } : {}),
      before: live ? liveSummary(live, viewChat(live, st.from)) : null,
      after: null,
      steps: [
        {
          op: "forget_chat",
          ...(chatId ? { chat_id: chatId } : {}),
          reason,
          ...(rule ? { rule } : {}),
        },
        ...retired,
      ],
    },
    drift: [],
    warnings,
    errors,
  });
  if (!st.id) {
    if (st.intents.some((i) => i.purpose === "create_chat")) {
      warnings.push({
        address,
        message:
          input.interrupted === null
            ? `an interrupted create for ${address} made no chat the line lists now; if one shows up later, chatsync no longer tracks it`
            : `an interrupted create for ${address} may have made a chat that chatsync will no longer track`,
      });
    }
    return forget(`${why}; no live chat was created`);
  }
  if (!live) return forget(`${why}; the live chat no longer exists`, st.id);
  const view = viewChat(live, st.from);
  if (!view.meActive) return forget(`${why}; your line already left the chat`, st.id);
  if (onDelete === "forget")
    return forget(`${why}; on_delete: forget keeps the chat and stops tracking it`, st.id);
  const can = leaveAllowed(live, view);
  if (!can.allowed) {
    warnings.push({
      address,
      message: `${address} is forgotten, not left: ${can.why}. The chat stays on the account; chatsync stops managing it.`,
    });
    return forget(`${why}; leaving is not possible, so it is forgotten`, st.id, RULE_LEAVE);
  }
  return {
    change: {
      address,
      kind: "chat",
      action: "leave",
      reason: `${why}; on_delete: leave`,
      live_id: st.id,
      before: liveSummary(live, view),
      after: null,
      steps: [
        { op: "leave_chat", chat_id: st.id, reason: `${why}; on_delete: leave`, rule: RULE_LEAVE },
        ...retired,
      ],
    },
    drift: [],
    warnings,
    errors,
  };
}

/** Diff of one chat address. */
export function diffChat(input: ChatDiffInput): DiffOutcome {
  if (input.desired && !input.destroying)
    return diffDeclaredChat({ ...input, desired: input.desired });
  return diffUndeclaredChat(input);
}
