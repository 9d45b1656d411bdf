/**
 * Message and reaction webhook payloads (§9.7): `message.sent` in both versions,
 * `message.edited` and `reaction.added` / `reaction.removed`.
 */
import type { ReactionType } from "../api-wire/index.js";
import type { ChatRecord, MessageRecord } from "./account-store.js";
import type { EventSink, WebhookVersion } from "./api-context.js";
import { healthOf, myHandle, partsWithoutReactions, toChatHandle } from "./wire-views.js";

export function emitMessageSent(
  events: EventSink,
  chat: ChatRecord,
  m: MessageRecord,
  traceId: string,
): void {
  events.emit(
    "message.sent",
    chat.line,
    (version: WebhookVersion) => messageSentData(version, chat, m),
    traceId,
  );
}

function messageSentData(version: WebhookVersion, chat: ChatRecord, m: MessageRecord): unknown {
  const me = toChatHandle(myHandle(chat));
  if (version === "2026-02-03") {
    return {
      id: m.id,
      direction: "outbound",
      sender_handle: me,
      service: m.service,
      parts: partsWithoutReactions(m.parts),
      chat: {
        id: chat.id,
        health_status: healthOf(chat),
        is_group: chat.is_group,
        owner_handle: me,
      },
      sent_at: m.sent_at,
      effect: m.effect,
      idempotency_key: m.idempotency_key,
      preferred_service: m.preferred_service ?? "auto",
      reply_to: m.reply_to,
    };
  }
  return {
    chat_id: chat.id,
    is_group: chat.is_group,
    is_from_me: true,
    from: chat.line,
    from_handle: chat.line,
    recipient_phone: null,
    recipient_handle: null,
    received_at: null,
    service: m.service,
    preferred_service: m.preferred_service,
    idempotency_key: m.idempotency_key,
    message: {
      id: m.id,
      parts: partsWithoutReactions(m.parts),
      effect: m.effect,
      reply_to: m.reply_to,
      is_delivered: false,
      is_read: false,
      sent_at: m.sent_at,
      delivered_at: null,
      read_at: null,
      created_at: m.created_at,
      updated_at: m.created_at,
    },
  };
}

/**
 * `message.edited` (§9.7). The dispatcher delivers it to 2026-02-03 subscriptions only
 * (§9.5), so one payload shape is enough.
 */
export function emitMessageEdited(
  events: EventSink,
  chat: ChatRecord,
  m: MessageRecord,
  edit: { partIndex: number; text: string; editedAt: string },
  traceId: string,
): void {
  const me = toChatHandle(myHandle(chat));
  events.emit(
    "message.edited",
    chat.line,
    {
      id: m.id,
      chat: {
        id: chat.id,
        health_status: healthOf(chat),
        is_group: chat.is_group,
        owner_handle: me,
      },
      direction: "outbound",
      edited_at: edit.editedAt,
      part: { index: edit.partIndex, text: edit.text },
      sender_handle: me,
    },
    traceId,
  );
}

/** `reaction.added` / `reaction.removed` (§9.7); identical in both webhook versions. */
export function emitReaction(
  events: EventSink,
  type: "reaction.added" | "reaction.removed",
  chat: ChatRecord,
  m: MessageRecord,
  reaction: { partIndex: number; type: ReactionType; customEmoji: string | null; at: string },
  traceId: string,
): void {
  events.emit(
    type,
    chat.line,
    {
      is_from_me: true,
      reaction_type: reaction.type,
      chat_id: chat.id,
      message_id: m.id,
      part_index: reaction.partIndex,
      from_handle: toChatHandle(myHandle(chat)),
      from: chat.line,
      custom_emoji: reaction.customEmoji,
      sticker: null,
      reacted_at: reaction.at,
      service: chat.service,
    },
    traceId,
  );
}
