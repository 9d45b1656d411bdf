/**
 * Live chats that look like a declaration about to be created: on the same line, with the
 * same people (a group's active participants other than your line; a direct chat's
 * recipient), and — for a group that declares one — the same name. Creating such a
 * declaration would give the same people a second chat and a second welcome message, so the
 * plan names the live one instead (a new state refuses; see run-plan). Pure.
 */
import type { Chat } from "../../api-wire/types.js";
import type { DesiredChat } from "../model/desired-state.js";
import { viewChat } from "./live-chat-view.js";

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
