/**
 * Reading a live Chat the way the diff needs it: who is in it (without your own line), who
 * left, whether your line is still a member, and what the API allows on it.
 */
import type { Chat, ChatHandle } from "../../api-wire/types.js";
import { GroupRules } from "../../api-wire/message-rules.js";

/** A handle counts as present unless the API marks it left or removed (status null/absent = active, §4.3). */
export function isActive(h: ChatHandle): boolean {
  return h.status === undefined || h.status === null || h.status === "active";
}

function isMe(h: ChatHandle, line: string | undefined): boolean {
  return h.is_me === true || (line !== undefined && h.handle === line && h.is_me !== false);
}

export interface ChatView {
  /** Active participants other than your line, sorted. */
  active: string[];
  /** Participants who left on their own (status `left`). */
  left: Set<string>;
  /** Whether your line is still an active member. */
  meActive: boolean;
  /** Active participants including you. */
  activeCount: number;
  optedOut: boolean;
}

export function viewChat(chat: Chat, line: string | undefined): ChatView {
  const active: string[] = [];
  const left = new Set<string>();
  let meActive = false;
  let meSeen = false;
  for (const h of chat.handles) {
    if (isMe(h, line)) {
      meSeen = true;
      if (isActive(h)) meActive = true;
      continue;
    }
    if (isActive(h)) active.push(h.handle);
    else if (h.status === "left") left.add(h.handle);
  }
  // `handles` always includes your line (§4.3); if it is missing we still count ourselves as present.
  if (!meSeen) meActive = true;
  active.sort();
  return {
    active,
    left,
    meActive,
    activeCount: active.length + (meActive ? 1 : 0),
    optedOut: chat.health_status?.status === "OPTED_OUT",
  };
}

/** §5.1.6: leave works only on iMessage groups with ≥4 active participants, yourself included. */
export function leaveAllowed(
  chat: Chat,
  view: ChatView,
): { allowed: true } | { allowed: false; why: string } {
  if (!chat.is_group) return { allowed: false, why: "the API cannot leave a direct chat" };
  if (chat.service !== "iMessage") {
    return {
      allowed: false,
      why: `the API can leave only iMessage groups (this one is ${chat.service ?? "of unknown service"})`,
    };
  }
  if (view.activeCount < GroupRules.minParticipantsForLeave) {
    return {
      allowed: false,
      why: `the API can leave only groups with at least ${GroupRules.minParticipantsForLeave} active participants including you (this one has ${view.activeCount})`,
    };
  }
  return { allowed: true };
}
