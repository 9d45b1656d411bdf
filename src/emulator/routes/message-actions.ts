/**
 * Acting on one message by id (§5.5.3–§5.5.7): edit, delete, reactions, thread, app-card
 * update. Every UNSETTLED choice is commented where it is made and listed in ../README.md.
 */
import {
  ErrorCode,
  REACTION_TYPES,
  checkMessageContent,
  type Message,
  type ReactionType,
  type RequestPart,
  type ResponsePart,
} from "../../api-wire/index.js";
import type { ChatRecord, MessageRecord } from "../account-store.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError, invalidParameter, missingField } from "../api-error.js";
import { interactiveChat, readableChat } from "../chat-access.js";
import { emitMessageEdited, emitMessageSent, emitReaction } from "../message-events.js";
import { decodeCursor, paginate, parseLimit } from "../pagination.js";
import { objectBody, requiredString, type JsonObject } from "../request-fields.js";
import type { Router } from "../router.js";
import { myHandle, toChatHandle, toMessage, toSentMessage } from "../wire-views.js";
import { activeRecipients, enforcePairLimit, newMessage } from "./chats.js";

/** §5.5.3 limits. */
export const MAX_EDITS = 5;
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
const MAX_TEXT_LENGTH = 10_000;
export const DEFAULT_THREAD_PAGE_SIZE = 50;

export function registerMessageActionRoutes(router: Router<ApiHandler>): void {
  router
    .add("PATCH", "/v3/messages/:messageId", editMessage)
    .add("DELETE", "/v3/messages/:messageId", deleteMessage)
    .add("POST", "/v3/messages/:messageId/reactions", react)
    .add("GET", "/v3/messages/:messageId/thread", listThread)
    .add("POST", "/v3/messages/:messageId/update", updateAppCard);
}

/** The Message wire shape, with `updated_at` moved forward by edits. */
export function toMessageWithEdits(m: MessageRecord, chat: ChatRecord): Message {
  return { ...toMessage(m, chat), updated_at: m.updated_at ?? m.created_at };
}

/** The message and its chat: 404/2002 when unknown, 403/2005 when on another token's line. */
export function findMessage(
  ctx: ApiContext,
  id: string,
  access: "read" | "interact",
): { message: MessageRecord; chat: ChatRecord } {
  const message = ctx.store.state.messages.find((m) => m.id === id);
  if (message === undefined)
    throw new ApiError(404, ErrorCode.MessageNotFound, `Message ${id} not found`);
  const chat =
    access === "read" ? readableChat(ctx, message.chat_id) : interactiveChat(ctx, message.chat_id);
  return { message, chat };
}

/** `part_index`: an integer naming an existing part; default 0. Out of range → 400/1005. */
function partIndexOf(body: JsonObject, m: MessageRecord): number {
  const raw = body.part_index;
  if (raw === undefined || raw === null) return 0;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0 || raw >= m.parts.length) {
    throw invalidParameter(
      `part_index must be an integer from 0 to ${m.parts.length - 1} for message ${m.id} (got ${JSON.stringify(raw)})`,
    );
  }
  return raw;
}

/**
 * PATCH /v3/messages/{id} → 200 Message (UNSETTLED status; 200 as the doc suggests).
 * Decisions on the limits (UNSETTLED §5.5.3): a part that is not text → 400/1005 (the
 * request names the wrong part); a chat that is not iMessage → 409/2017 (operation not
 * supported on this service); a 6th edit or an edit more than 15 minutes after `sent_at`
 * → 409/2015 (conflicts with the message's state). An edit drops the part's
 * text_decorations: their ranges were counted on the old text.
 */
function editMessage(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message, chat } = findMessage(ctx, req.params.messageId as string, "interact");
  const body = objectBody(req.body);
  const text = requiredString(body, "text");
  if (text.length > MAX_TEXT_LENGTH) {
    throw new ApiError(
      400,
      ErrorCode.InvalidMessageContent,
      `text may be at most ${MAX_TEXT_LENGTH} characters (got ${text.length})`,
    );
  }
  const index = partIndexOf(body, message);
  const refusal = editRefusal(message, chat, index, ctx.now);
  if (refusal !== undefined) throw refusal;

  const editedAt = ctx.now.toISOString();
  const part = message.parts[index] as Extract<ResponsePart, { type: "text" }>;
  message.parts[index] = { ...part, value: text, text_decorations: null };
  message.edit_count = (message.edit_count ?? 0) + 1;
  message.updated_at = editedAt;
  ctx.store.commit();
  emitMessageEdited(ctx.events, chat, message, { partIndex: index, text, editedAt }, ctx.traceId);
  return { status: 200, body: toMessageWithEdits(message, chat) };
}

/** Why an edit of part `index` is refused at `now`, or undefined when it is allowed. */
export function editRefusal(
  m: MessageRecord,
  chat: ChatRecord,
  index: number,
  now: Date,
): ApiError | undefined {
  const part = m.parts[index];
  if (part?.type !== "text") {
    return invalidParameter(
      `Only text parts can be edited; part ${index} of message ${m.id} is ${part?.type ?? "missing"}`,
    );
  }
  if (chat.service !== "iMessage") {
    return new ApiError(
      409,
      ErrorCode.ChatServiceNotSupported,
      `Messages can be edited on iMessage only; chat ${chat.id} uses ${chat.service}`,
    );
  }
  if ((m.edit_count ?? 0) >= MAX_EDITS) {
    return new ApiError(
      409,
      ErrorCode.StateConflict,
      `Message ${m.id} was already edited ${MAX_EDITS} times, the most allowed; send a new message instead`,
    );
  }
  if (now.getTime() - Date.parse(m.sent_at) > EDIT_WINDOW_MS) {
    return new ApiError(
      409,
      ErrorCode.StateConflict,
      `Message ${m.id} was sent at ${m.sent_at}; edits are allowed only within ${EDIT_WINDOW_MS / 60_000} minutes of sending; send a new message instead`,
    );
  }
  return undefined;
}

/**
 * DELETE /v3/messages/{id} → 204. Removes the record only (§5.5.4); no event. Decision: it
 * works after you left the chat too (it touches Linq's records, not the chat). Replies
 * keep their `reply_to`, so their thread still groups under the deleted message's id.
 */
function deleteMessage(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message } = findMessage(ctx, req.params.messageId as string, "read");
  ctx.store.state.messages = ctx.store.state.messages.filter((m) => m.id !== message.id);
  ctx.store.commit();
  return { status: 204 };
}

/**
 * POST /v3/messages/{id}/reactions → 200 {message, status, trace_id}.
 * Decisions (UNSETTLED): you hold at most one reaction per part, as an iMessage tapback —
 * adding a different one replaces yours (reaction.removed, then reaction.added); adding the
 * same one again, or removing one you do not hold, changes nothing and fires no event (so a
 * retry is safe). `type: "sticker"` → 400/1005: the request cannot carry a sticker. Your own
 * reactions fire reaction.added/removed with is_from_me: true (§5.5.5 suggests it).
 */
function react(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message, chat } = findMessage(ctx, req.params.messageId as string, "interact");
  const body = objectBody(req.body);
  const operation = requiredString(body, "operation");
  if (operation !== "add" && operation !== "remove")
    throw invalidParameter(`operation must be "add" or "remove" (got "${operation}")`);
  const type = requiredString(body, "type") as ReactionType;
  if (!(REACTION_TYPES as readonly string[]).includes(type))
    throw invalidParameter(`type must be one of ${REACTION_TYPES.join(", ")} (got "${type}")`);
  if (type === "sticker")
    throw invalidParameter(
      'Sticker reactions cannot be sent through the API; use a tapback type or "custom"',
    );
  let customEmoji: string | null = null;
  if (type === "custom") customEmoji = requiredString(body, "custom_emoji");
  else if (body.custom_emoji !== undefined && body.custom_emoji !== null)
    throw invalidParameter('custom_emoji is only allowed with type "custom"');
  const index = partIndexOf(body, message);

  const part = message.parts[index] as ResponsePart & { reactions: unknown[] | null };
  const reactions = (part.reactions ?? []) as StoredReaction[];
  const mine = reactions.find((r) => r.is_me);
  const same =
    mine !== undefined && mine.type === type && (mine.custom_emoji ?? null) === customEmoji;
  const at = ctx.now.toISOString();
  const events: Array<["reaction.added" | "reaction.removed", StoredReaction]> = [];
  let next = reactions;
  if (operation === "add" && !same) {
    const added: StoredReaction = {
      handle: toChatHandle(myHandle(chat)),
      is_me: true,
      type,
      custom_emoji: customEmoji,
      sticker: null,
    };
    if (mine !== undefined) events.push(["reaction.removed", mine]);
    events.push(["reaction.added", added]);
    next = [...reactions.filter((r) => !r.is_me), added];
  } else if (operation === "remove" && same) {
    events.push(["reaction.removed", mine]);
    next = reactions.filter((r) => !r.is_me);
  }
  if (events.length > 0) {
    part.reactions = next.length === 0 ? null : next;
    message.updated_at = at;
    ctx.store.commit();
    for (const [event, r] of events) {
      emitReaction(
        ctx.events,
        event,
        chat,
        message,
        { partIndex: index, type: r.type, customEmoji: r.custom_emoji ?? null, at },
        ctx.traceId,
      );
    }
  }
  return {
    status: 200,
    body: {
      message: operation === "add" ? "Reaction added" : "Reaction removed",
      status: "success",
      trace_id: ctx.traceId,
    },
  };
}

interface StoredReaction {
  handle: unknown;
  is_me: boolean;
  type: ReactionType;
  custom_emoji: string | null;
  sticker: null;
}

/**
 * GET /v3/messages/{id}/thread → 200 {messages, next_cursor}. A thread is a root message and
 * every message whose `reply_to` chain leads to it (replies to replies too). Default order
 * asc (oldest first, [OLDSPEC]), default limit 50, keyset cursors as elsewhere.
 */
function listThread(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message, chat } = findMessage(ctx, req.params.messageId as string, "read");
  const orderRaw = req.query.get("order");
  const order = orderRaw === null || orderRaw === "" ? "asc" : orderRaw;
  if (order !== "asc" && order !== "desc")
    throw invalidParameter(`order must be "asc" or "desc" (got "${orderRaw}")`);
  const limit = parseLimit(req.query.get("limit"), DEFAULT_THREAD_PAGE_SIZE);
  const after = decodeCursor(req.query.get("cursor"));

  const inChat = ctx.store.state.messages.filter((m) => m.chat_id === chat.id);
  const byId = new Map(inChat.map((m) => [m.id, m]));
  const rootOf = (m: MessageRecord): string => {
    const seen = new Set<string>();
    let current = m;
    while (current.reply_to !== null && !seen.has(current.id)) {
      seen.add(current.id);
      const parent = byId.get(current.reply_to.message_id);
      // A deleted parent still names the thread, so its replies stay together.
      if (parent === undefined) return current.reply_to.message_id;
      current = parent;
    }
    return current.id;
  };
  const root = rootOf(message);
  const thread = inChat.filter((m) => rootOf(m) === root).sort((a, b) => a.seq - b.seq);
  if (order === "desc") thread.reverse();
  const page = paginate(thread, { after, limit, direction: order });
  return {
    status: 200,
    body: {
      messages: page.items.map((m) => toMessageWithEdits(m, chat)),
      next_cursor: page.next_cursor,
    },
  };
}

/**
 * POST /v3/messages/{id}/update → 202 {chat_id, message} (UNSETTLED status: 202, as every
 * send; the update goes out as a new message). The target must be an imessage_app card
 * you sent, else 400/1005. The emulator has no delivery stage — every sent message counts
 * as delivered — so the documented 409 "not delivered yet" does not occur here. `url`
 * left out keeps the card's url; `fallback_text` left out becomes the layout's caption.
 */
function updateAppCard(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message, chat } = findMessage(ctx, req.params.messageId as string, "interact");
  const original = message.parts[0];
  if (message.parts.length !== 1 || original?.type !== "imessage_app") {
    throw invalidParameter(
      `Message ${message.id} is not an iMessage app card; only app cards you sent can be updated`,
    );
  }
  const body = objectBody(req.body);
  if (body.layout === undefined || body.layout === null) throw missingField("layout");
  if (typeof body.layout !== "object" || Array.isArray(body.layout))
    throw invalidParameter("layout must be an object");
  if (body.interactive !== undefined && typeof body.interactive !== "boolean")
    throw invalidParameter("interactive must be true or false");
  for (const field of ["fallback_text", "url"] as const) {
    if (body[field] !== undefined && typeof body[field] !== "string")
      throw invalidParameter(`${field} must be a string`);
  }
  const layout = body.layout as Record<string, string | undefined>;
  const part = {
    type: "imessage_app",
    app: original.app,
    layout,
    fallback_text: (body.fallback_text as string | undefined) ?? layout.caption,
    url: (body.url as string | undefined) ?? (original.url as string | null) ?? undefined,
    ...(body.interactive === undefined ? {} : { interactive: body.interactive }),
  } as RequestPart;
  const content = { parts: [stripUndefined(part)] };
  const violation = checkMessageContent(content);
  if (violation !== undefined)
    throw new ApiError(violation.status, violation.code, violation.message);

  enforcePairLimit(ctx, chat.line, activeRecipients(chat));
  const update = newMessage(ctx, chat, content, "message");
  ctx.store.state.messages.push(update);
  chat.updated_at = update.created_at;
  ctx.store.commit();
  emitMessageSent(ctx.events, chat, update, ctx.traceId);
  return { status: 202, body: { chat_id: chat.id, message: toSentMessage(update, chat) } };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
