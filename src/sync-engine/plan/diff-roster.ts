/**
 * The roster of a group chat: which handles to add and remove, and whether the API's add/remove
 * rules can get there at all. Pure.
 *
 * Order matters: adds run before removes, so the group is as large as possible while people
 * are removed. The thresholds (≥3 participants to add, ≥3 left after a remove) count your own
 * line (GroupRules, open question 20).
 */
import { GroupRules } from "../../api-wire/message-rules.js";
import type { RosterPolicy } from "../model/desired-state.js";
import type { ChatView } from "./live-chat-view.js";

export interface RosterDiff {
  add: string[];
  remove: string[];
  /** Declared handles that left on their own and are not re-added (people come first). */
  keptOut: string[];
  /** Set when add/remove cannot reach the declared roster; the chat must be replaced. */
  unreachable?: string;
}

export function diffRoster(
  declared: readonly string[],
  live: ChatView,
  policy: RosterPolicy,
  readdLeft: boolean,
): RosterDiff {
  const activeSet = new Set(live.active);
  const declaredSet = new Set(declared);
  const add: string[] = [];
  const keptOut: string[] = [];
  for (const h of declared) {
    if (activeSet.has(h)) continue;
    if (live.left.has(h) && !readdLeft) keptOut.push(h);
    else add.push(h);
  }
  const remove = policy === "authoritative" ? live.active.filter((h) => !declaredSet.has(h)) : [];

  const before = live.activeCount;
  if (add.length > 0 && before < GroupRules.minParticipantsForAdd) {
    return {
      add,
      remove,
      keptOut,
      unreachable: `the group has ${before} active participants including you and the API adds people only to groups of at least ${GroupRules.minParticipantsForAdd} (§5.2.1)`,
    };
  }
  const after = before + add.length - remove.length;
  if (remove.length > 0 && after < GroupRules.minParticipantsAfterRemove) {
    return {
      add,
      remove,
      keptOut,
      unreachable: `removing ${remove.length} would leave ${after} participants including you and the API keeps at least ${GroupRules.minParticipantsAfterRemove} (§5.2.2)`,
    };
  }
  return { add, remove, keptOut };
}
