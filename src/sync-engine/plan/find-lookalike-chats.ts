/**
 * Live chats that look like a declaration about to be created: on the same line, with the
 * same people (a group's active participants other than your line; a direct chat's
 * recipient), and — for a group that declares one — the same name. Creating such a
 * declaration would give the same people a second chat and a second welcome message, so the
 * plan names the live one instead (a new state refuses, an existing one warns with the
 * imports: entry; see run-plan). A managed chat that looks like a new one is most likely a
 * renamed key (warnLikelyRenames). Pure.
 */
import type { Chat } from "../../api-wire/types.js";
import type { DesiredChat } from "../model/desired-state.js";
import type { AppliedChat, StateDocument } from "../state/state-types.js";
import { viewChat } from "./live-chat-view.js";
import type { PlanMessage, ResourceChange } from "./plan-types.js";

export function looksLike(chat: Chat, desired: DesiredChat): boolean {
  const view = viewChat(chat, desired.from);
  if (desired.type === "direct")
    return !chat.is_group && view.active.length === 1 && view.active[0] === desired.to;
  if (!chat.is_group) return false;
  const people = [...new Set(desired.participants)].sort();
  if (people.length !== view.active.length || people.some((p, i) => p !== view.active[i]))
    return false;
  return (
    desired.display_name === undefined || desired.display_name === (chat.display_name ?? undefined)
  );
}

/**
 * For each address in `creates`, the unmanaged chats on its line that look like it (earliest
 * first). `exclude`: chats already spoken for (an interrupted create's chat).
 */
export function findLookalikeChats(
  creates: ReadonlyArray<{ address: string; desired: DesiredChat }>,
  unmanaged: Readonly<Record<string, readonly Chat[]>>,
  exclude: ReadonlySet<string> = new Set(),
): Map<string, Chat[]> {
  const out = new Map<string, Chat[]>();
  for (const { address, desired } of creates) {
    const found = (unmanaged[desired.from] ?? [])
      .filter((c) => !exclude.has(c.id) && looksLike(c, desired))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
    if (found.length > 0) out.set(address, found);
  }
  return out;
}

/** A chat as its state last applied it, compared like a live one (no live chat to read). */
function appliedLooksLike(applied: AppliedChat, desired: DesiredChat): boolean {
  if (applied.from !== desired.from || applied.type !== desired.type) return false;
  if (desired.type === "direct") return applied.to === desired.to;
  const a = [...new Set(applied.participants ?? [])].sort();
  const b = [...new Set(desired.participants)].sort();
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

/**
 * A plan that stops managing one chat and creates another with the same line and people is
 * most likely a renamed key: say so, with the `moved:` entry that keeps the chat (SPEC §5a).
 */
export function warnLikelyRenames(
  changes: readonly ResourceChange[],
  state: StateDocument,
  liveChats: Readonly<Record<string, Chat | null>>,
  declared: ReadonlyMap<string, DesiredChat>,
): PlanMessage[] {
  const out: PlanMessage[] = [];
  const gone = changes.filter(
    (c) => c.kind === "chat" && (c.action === "forget" || c.action === "leave"),
  );
  for (const created of changes) {
    const d = declared.get(created.address);
    if (created.kind !== "chat" || created.action !== "create" || !d) continue;
    for (const old of gone) {
      const st = state.resources[old.address];
      if (st?.kind !== "chat" || !st.id) continue;
      const chat = liveChats[st.id];
      const same = chat ? looksLike(chat, d) : st.applied ? appliedLooksLike(st.applied, d) : false;
      if (!same) continue;
      out.push({
        address: created.address,
        message: `this looks like a rename of ${old.address} (same line and people): the plan would ${old.action} ${old.address} (chat ${st.id}) and create a second chat with a new welcome message. If you renamed the key, add to the configuration: moved: [{ from: ${old.address}, to: ${created.address} }]`,
      });
    }
  }
  return out;
}
