/** Turns stored records into the exact wire shapes of §4 (what GET and list endpoints return). */
import type {
  Chat,
  ChatHandle,
  ChatHealthStatus,
  Message,
  ResponsePart,
  SentMessage,
} from "../api-wire/index.js";
import type { ChatRecord, HandleRecord, MessageRecord } from "./account-store.js";

export const HEALTH_DOC_URL = "https://docs.linqapp.com/guides/chat-health/";

export function toChatHandle(h: HandleRecord): ChatHandle {
  return {
    id: h.id,
    handle: h.handle,
    joined_at: h.joined_at,
    service: h.service,
    is_me: h.is_me,
    left_at: h.left_at,
    status: h.status,
  };
}

export function healthOf(chat: ChatRecord): ChatHealthStatus {
  return {
    status: chat.health.status,
    doc_url: HEALTH_DOC_URL,
    updated_at: chat.health.updated_at,
  };
}

/** §8: an unnamed chat reads as the comma-joined handles of the other active participants. */
export function displayNameOf(chat: ChatRecord): string {
  if (chat.display_name !== null) return chat.display_name;
  return chat.handles
    .filter((h) => !h.is_me && h.status === "active")
    .map((h) => h.handle)
    .join(", ");
}

export function myHandle(chat: ChatRecord): HandleRecord {
  const me = chat.handles.find((h) => h.is_me);
  if (me === undefined) throw new Error(`emulator invariant: chat ${chat.id} has no is_me handle`);
  return me;
}

export function toChat(chat: ChatRecord): Chat {
  return {
    id: chat.id,
    created_at: chat.created_at,
    updated_at: chat.updated_at,
    display_name: displayNameOf(chat),
    handles: chat.handles.map(toChatHandle),
    is_group: chat.is_group,
    is_archived: false,
    health_status: healthOf(chat),
    group_chat_icon: chat.group_chat_icon,
    service: chat.service,
  };
}

export function toSentMessage(m: MessageRecord, chat: ChatRecord): SentMessage {
  return {
    id: m.id,
    created_at: m.created_at,
    delivery_status: "sent",
    is_read: false,
    parts: m.parts,
    sent_at: m.sent_at,
    delivered_at: null,
    effect: m.effect,
    from_handle: toChatHandle(myHandle(chat)),
    preferred_service: m.preferred_service,
    reply_to: m.reply_to,
    service: m.service,
  };
}

export function toMessage(m: MessageRecord, chat: ChatRecord): Message {
  return {
    id: m.id,
    chat_id: m.chat_id,
    created_at: m.created_at,
    // Moves on with an edit (PATCH /v3/messages/{id}).
    updated_at: m.updated_at ?? m.created_at,
    delivery_status: "sent",
    is_from_me: true,
    is_delivered: false,
    is_read: false,
    delivered_at: null,
    read_at: null,
    sent_at: m.sent_at,
    effect: m.effect,
    from: chat.line,
    from_handle: toChatHandle(myHandle(chat)),
    parts: m.parts,
    preferred_service: m.preferred_service,
    reply_to: m.reply_to,
    service: m.service,
  };
}

/** Message webhooks carry parts without `reactions` (§9.7). */
export function partsWithoutReactions(parts: ResponsePart[]): unknown[] {
  return parts.map((p) =>
    Object.fromEntries(Object.entries(p).filter(([key]) => key !== "reactions")),
  );
}
