/**
 * Chat messages (§5.4) and message retrieval (§5.5.2); the other §5.5 endpoints live in
 * auto-from-send.ts and message-actions.ts and are registered from here.
 * Decision (UNSETTLED §3/§12 q14): GET /v3/chats/{id}/messages lists newest first, default 50
 * per page, keyset cursors.
 */
import { ErrorCode } from "../../api-wire/index.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError } from "../api-error.js";
import { interactiveChat, readableChat } from "../chat-access.js";
import { fingerprint, remember, replay } from "../idempotency.js";
import { emitMessageSent } from "../message-events.js";
import { parseMessageContent, requiresIMessage } from "../message-content.js";
import { decodeCursor, paginate, parseLimit } from "../pagination.js";
import { objectBody } from "../request-fields.js";
import type { Router } from "../router.js";
import { toSentMessage } from "../wire-views.js";
import { registerAutoFromSendRoute } from "./auto-from-send.js";
import { activeRecipients, enforcePairLimit, newMessage } from "./chats.js";
import { findMessage, registerMessageActionRoutes, toMessageWithEdits } from "./message-actions.js";

export const DEFAULT_MESSAGE_PAGE_SIZE = 50;

export function registerMessageRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/chats/:chatId/messages", sendMessage)
    .add("GET", "/v3/chats/:chatId/messages", listMessages)
    .add("GET", "/v3/messages/:messageId", getMessage);
  registerAutoFromSendRoute(router);
  registerMessageActionRoutes(router);
}

function sendMessage(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const body = objectBody(req.body);
  const raw = body.message as { idempotency_key?: unknown } | undefined;
  const key = typeof raw?.idempotency_key === "string" ? raw.idempotency_key : undefined;
  const scope = key === undefined ? undefined : { token: ctx.token, line: chat.line, key };
  const print = fingerprint({ op: "send_message", chat_id: chat.id, message: body.message });
  if (scope !== undefined) {
    const previous = replay(ctx.store, scope, print);
    if (previous !== undefined) return previous;
  }
  const content = parseMessageContent(body.message, {
    firstMessage: false,
    store: ctx.store,
    token: ctx.token,
    chatId: chat.id,
  });
  if (requiresIMessage(content) && chat.service !== "iMessage") {
    throw new ApiError(
      409,
      ErrorCode.IMessageAppServiceUnsupported,
      `iMessage app messages can only be sent over iMessage; this chat uses ${chat.service}`,
    );
  }
  enforcePairLimit(ctx, chat.line, activeRecipients(chat));
  const message = newMessage(ctx, chat, content, "message");
  ctx.store.state.messages.push(message);
  chat.updated_at = message.created_at;
  const response: ApiResponse = {
    status: 202,
    body: { chat_id: chat.id, message: toSentMessage(message, chat) },
  };
  if (scope !== undefined)
    remember(ctx.store, scope, print, response.status, response.body, ctx.now);
  ctx.store.commit();
  emitMessageSent(ctx.events, chat, message, ctx.traceId);
  return response;
}

function listMessages(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = readableChat(ctx, req.params.chatId as string);
  const limit = parseLimit(req.query.get("limit"), DEFAULT_MESSAGE_PAGE_SIZE);
  const after = decodeCursor(req.query.get("cursor"));
  const newestFirst = ctx.store.state.messages.filter((m) => m.chat_id === chat.id).reverse();
  const page = paginate(newestFirst, { after, limit, direction: "desc" });
  return {
    status: 200,
    body: {
      messages: page.items.map((m) => toMessageWithEdits(m, chat)),
      next_cursor: page.next_cursor,
    },
  };
}

function getMessage(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const { message, chat } = findMessage(ctx, req.params.messageId as string, "read");
  return { status: 200, body: toMessageWithEdits(message, chat) };
}
