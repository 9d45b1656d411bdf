/** Chats (§5.1): create, list, retrieve, update, mark read, leave, share contact card, voice memo. */
import { randomUUID } from "node:crypto";
import {
  E164_PATTERN,
  ErrorCode,
  GroupRules,
  type MessageContent,
  type ServiceType,
} from "../../api-wire/index.js";
import type { ChatRecord, HandleRecord, MessageRecord } from "../account-store.js";
import {
  acceptQueued,
  type ApiContext,
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
} from "../api-context.js";
import {
  ApiError,
  invalidParameter,
  invalidPhone,
  missingField,
  phoneNotOwned,
  rateLimited,
} from "../api-error.js";
import { activeParticipants, interactiveChat, readableChat } from "../chat-access.js";
import { chooseChatService, normalizeHandle } from "../handle-format.js";
import { fingerprint, remember, replay } from "../idempotency.js";
import { emitMessageSent } from "../message-events.js";
import {
  mimeTypeOf,
  parseMessageContent,
  requiresIMessage,
  toResponseParts,
} from "../message-content.js";
import { decodeCursor, paginate, parseLimit } from "../pagination.js";
import { isHttpsUrl, objectBody, queryList } from "../request-fields.js";
import type { Router } from "../router.js";
import { healthOf, displayNameOf, toChat, toChatHandle, toSentMessage } from "../wire-views.js";

export const DEFAULT_CHAT_PAGE_SIZE = 20;
export const MAX_DISPLAY_NAME_LENGTH = 255;
const AUDIO_MIME_TYPES = new Set([
  "audio/mpeg",
  "audio/x-m4a",
  "audio/aac",
  "audio/x-caf",
  "audio/wav",
  "audio/aiff",
  "audio/amr",
]);

export function registerChatRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/chats", createChat)
    .add("GET", "/v3/chats", listChats)
    .add("GET", "/v3/chats/:chatId", (req, ctx) => ({
      status: 200,
      body: toChat(readableChat(ctx, req.params.chatId as string)),
    }))
    .add("PUT", "/v3/chats/:chatId", updateChat)
    .add("POST", "/v3/chats/:chatId/read", markRead)
    .add("POST", "/v3/chats/:chatId/leave", leaveChat)
    .add("POST", "/v3/chats/:chatId/share_contact_card", shareContactCard)
    .add("POST", "/v3/chats/:chatId/voicememo", sendVoiceMemo);
}

/** Parses `from`: 400/1002 when not E.164, 403/2006 when not a line of this token. */
export function ownedLine(ctx: ApiContext, field: string, value: unknown): string {
  if (value === undefined || value === null || value === "") throw missingField(field);
  if (typeof value !== "string" || !E164_PATTERN.test(value)) throw invalidPhone(field, value);
  if (!ctx.lines.has(value)) throw phoneNotOwned(field, value);
  return value;
}

/** The service a new chat with `to` uses: 422/4005 when no common one (or not `preferred`) exists. */
export function serviceFor(
  ctx: ApiContext,
  to: readonly string[],
  preferred: ServiceType | undefined,
): ServiceType {
  const service = chooseChatService(
    to.map((handle) => ({ handle, best: ctx.handleService(handle) })),
    preferred,
  );
  if (service === undefined) {
    throw new ApiError(
      422,
      4005,
      `Not every recipient supports ${preferred ?? "a common service"}; check them with /v3/capability or leave out preferred_service`,
    );
  }
  return service;
}

/** A new chat on `line` with `to` (all active), as POST /v3/chats and POST /v3/messages make it. */
export function newChatRecord(
  ctx: ApiContext,
  line: string,
  to: readonly string[],
  service: ServiceType,
): ChatRecord {
  const now = ctx.now.toISOString();
  const handle = (h: string, isMe: boolean): HandleRecord => ({
    id: randomUUID(),
    handle: h,
    joined_at: now,
    service,
    is_me: isMe,
    status: "active",
    left_at: null,
  });
  return {
    id: randomUUID(),
    seq: ctx.store.nextSeq(),
    line,
    created_at: now,
    updated_at: now,
    display_name: null,
    group_chat_icon: null,
    is_group: to.length > 1,
    service,
    handles: [handle(line, true), ...to.map((h) => handle(h, false))],
    health: { status: "HEALTHY", updated_at: now },
    last_read_at: null,
    contact_card_shared_at: null,
    location_requested_at: null,
  };
}

/**
 * POST /v3/chats → 201. Decisions: duplicates in `to` collapse into one recipient; your own
 * line in `to` is 400/1005; a chat is always created (no find-or-create, §12 q2), so
 * retries must carry `message.idempotency_key` to be safe.
 */
function createChat(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const body = objectBody(req.body);
  const from = ownedLine(ctx, "from", body.from);
  if (body.to === undefined || body.to === null) throw missingField("to");
  if (!Array.isArray(body.to)) throw invalidParameter("to must be an array of recipient handles");
  const to = [...new Set(body.to.map((h, i) => normalizeHandle(`to[${i}]`, h)))];
  if (to.length === 0) throw missingField("to");
  if (to.length > GroupRules.maxRecipients) {
    throw invalidParameter(
      `to may hold at most ${GroupRules.maxRecipients} recipients (got ${to.length})`,
    );
  }
  if (to.includes(from)) throw invalidParameter(`to must not contain the sending line ${from}`);

  const rawMessage = body.message as { idempotency_key?: unknown } | undefined;
  const key =
    typeof rawMessage?.idempotency_key === "string" ? rawMessage.idempotency_key : undefined;
  // With chatCreateDedup off (the pessimistic reading of §12.1) a repeated key is not
  // remembered for chats: every replay makes a new chat, as a live API without dedup would.
  const scope =
    key === undefined || !ctx.chatCreateDedup ? undefined : { token: ctx.token, line: from, key };
  const print = fingerprint({ op: "create_chat", from, to: [...to].sort(), message: body.message });
  if (scope !== undefined) {
    const previous = replay(ctx.store, scope, print);
    if (previous !== undefined) return previous;
  }

  const content = parseMessageContent(body.message, {
    firstMessage: true,
    store: ctx.store,
    token: ctx.token,
  });
  const service = serviceFor(ctx, to, content.preferred_service);
  if (requiresIMessage(content) && service !== "iMessage") {
    throw new ApiError(
      409,
      ErrorCode.IMessageAppServiceUnsupported,
      "iMessage app messages can only be sent over iMessage, and not every recipient is on iMessage",
    );
  }

  enforcePairLimit(ctx, from, to);
  const chat = newChatRecord(ctx, from, to, service);
  const message = newMessage(ctx, chat, content, "message");
  ctx.store.state.chats.push(chat);
  ctx.store.state.messages.push(message);
  const response: ApiResponse = {
    status: 201,
    body: {
      chat: {
        id: chat.id,
        display_name: displayNameOf(chat),
        service: chat.service,
        is_group: chat.is_group,
        handles: chat.handles.map(toChatHandle),
        health_status: healthOf(chat),
        message: toSentMessage(message, chat),
      },
    },
  };
  if (scope !== undefined)
    remember(ctx.store, scope, print, response.status, response.body, ctx.now);
  ctx.store.commit();
  ctx.events.emit("chat.created", chat.line, toChat(chat), ctx.traceId);
  emitMessageSent(ctx.events, chat, message, ctx.traceId);
  return response;
}

export function activeRecipients(chat: ChatRecord): string[] {
  return chat.handles.filter((h) => !h.is_me && h.status === "active").map((h) => h.handle);
}

/** §2.5: 30 messages per rolling minute per sender→recipient pair → 429/1007. */
export function enforcePairLimit(
  ctx: ApiContext,
  line: string,
  recipients: readonly string[],
): void {
  const waitMs = ctx.messageGate(line, recipients);
  if (waitMs > 0) throw rateLimited(waitMs, `30 messages per minute from ${line} to one recipient`);
}

export function newMessage(
  ctx: ApiContext,
  chat: ChatRecord,
  content: MessageContent,
  kind: MessageRecord["kind"],
): MessageRecord {
  const now = ctx.now.toISOString();
  return {
    id: randomUUID(),
    seq: ctx.store.nextSeq(),
    chat_id: chat.id,
    created_at: now,
    sent_at: now,
    parts: toResponseParts(content),
    effect: content.effect ?? null,
    preferred_service: content.preferred_service ?? null,
    service: chat.service,
    reply_to: content.reply_to ?? null,
    idempotency_key: content.idempotency_key ?? null,
    kind,
  };
}

/**
 * GET /v3/chats. Decision (UNSETTLED §3/§12 q14): oldest first (creation order), keyset
 * cursors, so chats created while a client pages appear on the last page and none repeat.
 * Several `to` values (comma-joined or repeated) must all be active participants.
 */
function listChats(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const limit = parseLimit(req.query.get("limit"), DEFAULT_CHAT_PAGE_SIZE);
  const after = decodeCursor(req.query.get("cursor"));
  const fromRaw = req.query.get("from");
  const from = fromRaw === null || fromRaw === "" ? undefined : ownedLine(ctx, "from", fromRaw);
  const to = queryList(req.query, "to").map((h) => normalizeHandle("to", h));
  const chats = ctx.store.state.chats.filter(
    (c) =>
      ctx.lines.has(c.line) &&
      (from === undefined || c.line === from) &&
      to.every((h) => c.handles.some((p) => p.handle === h && !p.is_me && p.status === "active")),
  );
  const page = paginate(chats, { after, limit, direction: "asc" });
  return { status: 200, body: { chats: page.items.map(toChat), next_cursor: page.next_cursor } };
}

/**
 * PUT /v3/chats/{id} → 200 {chat_id, status:"pending"}; applied as a queued operation.
 * Decisions (UNSETTLED §12 q10): `""` or `null` clears the name (reads fall back to the
 * participant list) or the icon; names are at most 255 characters; icons must be https URLs.
 */
function updateChat(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const body = objectBody(req.body);
  const hasName = "display_name" in body;
  const hasIcon = "group_chat_icon" in body;
  if (!hasName && !hasIcon) throw missingField("display_name or group_chat_icon");
  if (!chat.is_group) {
    throw new ApiError(
      409,
      ErrorCode.CannotUpdateDM,
      "Cannot update direct message chats; only group chats have a name and icon",
    );
  }
  let name: string | null | undefined;
  if (hasName) {
    const v = body.display_name;
    if (v !== null && typeof v !== "string")
      throw invalidParameter('display_name must be a string ("" or null clears it)');
    if (typeof v === "string" && v.length > MAX_DISPLAY_NAME_LENGTH) {
      throw invalidParameter(
        `display_name may be at most ${MAX_DISPLAY_NAME_LENGTH} characters (got ${v.length})`,
      );
    }
    name = v === "" ? null : v;
  }
  let icon: string | null | undefined;
  if (hasIcon) {
    const v = body.group_chat_icon;
    if (v !== null && typeof v !== "string")
      throw invalidParameter('group_chat_icon must be an https URL ("" or null clears it)');
    if (typeof v === "string" && v !== "" && (!isHttpsUrl(v) || v.length > 2048)) {
      throw invalidParameter("group_chat_icon must be an https URL of at most 2048 characters");
    }
    icon = v === "" ? null : v;
  }
  if (name !== undefined)
    ctx.operations.enqueue(
      { kind: "chat.rename", chat_id: chat.id, display_name: name },
      ctx.traceId,
    );
  if (icon !== undefined)
    ctx.operations.enqueue(
      { kind: "chat.icon", chat_id: chat.id, group_chat_icon: icon },
      ctx.traceId,
    );
  ctx.store.commit();
  return { status: 200, body: { chat_id: chat.id, status: "pending" } };
}

/** Decision (UNSETTLED §5.1.5): on groups too it answers 204 and records the read time. */
function markRead(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  chat.last_read_at = ctx.now.toISOString();
  ctx.store.commit();
  return { status: 204 };
}

/**
 * POST /v3/chats/{id}/leave → 202 (decision, §12 q5: queued like add/remove).
 * Forbidden leaves (UNSETTLED §12 q4): DM → 409/1006, non-iMessage group → 409/2017,
 * fewer than 4 active participants (you included) → 409/2015.
 */
function leaveChat(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  if (!chat.is_group)
    throw new ApiError(
      409,
      ErrorCode.CannotUpdateDM,
      "Cannot leave a direct message chat; only iMessage group chats can be left",
    );
  if (chat.service !== "iMessage") {
    throw new ApiError(
      409,
      ErrorCode.ChatServiceNotSupported,
      `Only iMessage group chats can be left; this chat uses ${chat.service}`,
    );
  }
  const active = activeParticipants(chat);
  if (active < GroupRules.minParticipantsForLeave) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `A group can be left only with at least ${GroupRules.minParticipantsForLeave} active participants, you included (this one has ${active})`,
    );
  }
  return acceptQueued(ctx, { kind: "chat.leave", chat_id: chat.id }, "Leave group chat queued");
}

/** Decision (UNSETTLED §12 q13): no active card for the chat's line → 404/2012. */
function shareContactCard(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const card = ctx.store.state.contact_cards.find(
    (c) => c.phone_number === chat.line && c.is_active,
  );
  if (card === undefined) {
    throw new ApiError(
      404,
      ErrorCode.ContactCardNotFound,
      `No active contact card for line ${chat.line}; create one with POST /v3/contact_card first`,
    );
  }
  chat.contact_card_shared_at = ctx.now.toISOString();
  ctx.store.commit();
  return { status: 204 };
}

/**
 * POST /v3/chats/{id}/voicememo → 202. Exactly one of voice_memo_url (https) or
 * attachment_id; the file type comes from the URL's extension (unknown audio → 400/5004).
 */
function sendVoiceMemo(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const body = objectBody(req.body);
  const url = body.voice_memo_url;
  const attachmentId = body.attachment_id;
  if (url === undefined && attachmentId === undefined)
    throw missingField("voice_memo_url or attachment_id");
  if (url !== undefined && attachmentId !== undefined)
    throw invalidParameter("Give exactly one of voice_memo_url or attachment_id, not both");
  if (attachmentId !== undefined) {
    throw new ApiError(
      404,
      ErrorCode.AttachmentNotFound,
      `Attachment ${String(attachmentId)} not found; the emulator accepts voice memos by https url only`,
    );
  }
  if (typeof url !== "string" || !isHttpsUrl(url))
    throw invalidParameter("voice_memo_url must be a public https URL");
  const { filename, mime_type } = mimeTypeOf(url);
  if (!AUDIO_MIME_TYPES.has(mime_type)) {
    throw new ApiError(
      400,
      5004,
      `Invalid file type for a voice memo: ${filename}; use mp3, m4a, aac, caf, wav, aiff or amr`,
    );
  }
  enforcePairLimit(ctx, chat.line, activeRecipients(chat));
  const message = newMessage(ctx, chat, { parts: [{ type: "media", url }] }, "voice_memo");
  ctx.store.state.messages.push(message);
  ctx.store.commit();
  emitMessageSent(ctx.events, chat, message, ctx.traceId);
  const part = message.parts[0] as { id: string };
  return {
    status: 202,
    body: {
      voice_memo: {
        id: message.id,
        from: chat.line,
        to: activeRecipients(chat),
        status: "sent",
        created_at: message.created_at,
        service: chat.service,
        chat: {
          id: chat.id,
          handles: chat.handles.map(toChatHandle),
          is_active: true,
          is_group: chat.is_group,
          service: chat.service,
        },
        voice_memo: { id: part.id, filename, mime_type, size_bytes: 0, url, duration_ms: null },
      },
    },
  };
}
