/**
 * POST /v3/messages — the auto-from send (§5.5.1): the emulator picks the line and the chat,
 * sends exactly one message and always answers 202.
 *
 * Decisions on UNSETTLED points:
 * - "Exactly these recipients" = a chat whose active participants other than you are the
 *   `to` set (order and duplicates ignored), which you have not left. Among several, the most
 *   recently active one wins.
 * - "The line is flagged" is read from the chat's health: CRITICAL counts as flagged →
 *   `failover_flagged`, a new chat on another line. OPTED_OUT does not fail over: the person
 *   asked not to be messaged, and a fresh line would route around that, so the send is
 *   refused with 403/2008 (recipient not allowed). HEALTHY and AT_RISK chats are reused.
 * - "Best line" = the token's line with the fewest CRITICAL/OPTED_OUT chats, then the fewest
 *   chats, then the first listed. A failover with no other line left → 409/2015.
 * - Idempotency: the `Idempotency-Key` header or `message.idempotency_key` (both given and
 *   different → 400/1005), scoped to the token (the line is not known before the choice);
 *   a replay returns the first 202 body and sends nothing. Same rules as idempotency.ts.
 */
import {
  ErrorCode,
  GroupRules,
  type AutoFromSendResponse,
  type FromSelectionReason,
  type MessageContent,
  type ServiceType,
} from "../../api-wire/index.js";
import type { ChatRecord } from "../account-store.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError, invalidParameter, missingField } from "../api-error.js";
import { normalizeHandle } from "../handle-format.js";
import { fingerprint, remember, replay } from "../idempotency.js";
import { emitMessageSent } from "../message-events.js";
import { parseMessageContent, requiresIMessage } from "../message-content.js";
import { objectBody, type JsonObject } from "../request-fields.js";
import type { Router } from "../router.js";
import { toChat, toChatHandle, toSentMessage, myHandle } from "../wire-views.js";
import {
  activeRecipients,
  enforcePairLimit,
  newChatRecord,
  newMessage,
  serviceFor,
} from "./chats.js";

/** Idempotency scope "line" for this endpoint: the line is chosen only after the lookup. */
const AUTO_FROM_SCOPE = "auto-from";

export function registerAutoFromSendRoute(router: Router<ApiHandler>): void {
  router.add("POST", "/v3/messages", autoFromSend);
}

function autoFromSend(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const body = objectBody(req.body);
  const to = parseRecipients(ctx, body.to);
  const key = idempotencyKey(req, body);
  const scope = key === undefined ? undefined : { token: ctx.token, line: AUTO_FROM_SCOPE, key };
  const print = fingerprint({
    op: "auto_from_send",
    to: [...to].sort(),
    message: withoutKey(body.message),
    continuation_message: body.continuation_message ?? null,
  });
  if (scope !== undefined) {
    const previous = replay(ctx.store, scope, print);
    if (previous !== undefined) return previous;
  }
  const continuation = parseContinuation(body.continuation_message);

  const choice = chooseChat(ctx, to);
  let content: MessageContent;
  if (choice.reason === "failover_flagged" && continuation !== undefined) {
    // §5.5.1: on the failover branch the continuation text replaces `message`.
    parseMessageContent(body.message, { firstMessage: false, store: ctx.store, token: ctx.token });
    content = { parts: [{ type: "text", value: continuation }] };
  } else {
    content = parseMessageContent(body.message, {
      firstMessage: false,
      store: ctx.store,
      token: ctx.token,
      ...(choice.chat === undefined ? {} : { chatId: choice.chat.id }),
    });
  }
  if (key !== undefined) content = { ...content, idempotency_key: key };

  const chat = choice.chat ?? newChat(ctx, choice.line, to, content.preferred_service);
  if (requiresIMessage(content) && chat.service !== "iMessage") {
    throw new ApiError(
      409,
      ErrorCode.IMessageAppServiceUnsupported,
      `iMessage app messages can only be sent over iMessage; the chat with these recipients uses ${chat.service}`,
    );
  }
  enforcePairLimit(ctx, chat.line, activeRecipients(chat));
  const message = newMessage(ctx, chat, content, "message");
  const created = choice.chat === undefined;
  if (created) ctx.store.state.chats.push(chat);
  ctx.store.state.messages.push(message);
  chat.updated_at = message.created_at;

  const response: AutoFromSendResponse = {
    chat_id: chat.id,
    created_new_chat: created,
    from: chat.line,
    from_selection: { reason: choice.reason, reused_existing_chat: !created },
    handles: chat.handles.map(toChatHandle),
    is_group: chat.is_group,
    message: toSentMessage(message, chat),
    service: chat.service,
    previous_chat_id: choice.previousChatId ?? null,
  };
  if (scope !== undefined) remember(ctx.store, scope, print, 202, response, ctx.now);
  ctx.store.commit();
  if (created) ctx.events.emit("chat.created", chat.line, toChat(chat), ctx.traceId);
  emitMessageSent(ctx.events, chat, message, ctx.traceId);
  return { status: 202, body: response };
}

/** `to`: 1–31 handles, a set; none of them may be one of the token's lines. */
function parseRecipients(ctx: ApiContext, raw: unknown): string[] {
  if (raw === undefined || raw === null) throw missingField("to");
  if (!Array.isArray(raw)) throw invalidParameter("to must be an array of recipient handles");
  const to = [...new Set(raw.map((h, i) => normalizeHandle(`to[${i}]`, h)))];
  if (to.length === 0) throw missingField("to");
  if (to.length > GroupRules.maxRecipients) {
    throw invalidParameter(
      `to may hold at most ${GroupRules.maxRecipients} recipients (got ${to.length})`,
    );
  }
  const own = to.find((h) => ctx.lines.has(h));
  if (own !== undefined) throw invalidParameter(`to must not contain your own line ${own}`);
  return to;
}

function idempotencyKey(req: ApiRequest, body: JsonObject): string | undefined {
  const header = req.headers["idempotency-key"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const message = body.message as { idempotency_key?: unknown } | undefined;
  const inBody = typeof message?.idempotency_key === "string" ? message.idempotency_key : undefined;
  if (fromHeader !== undefined && inBody !== undefined && fromHeader !== inBody) {
    throw invalidParameter(
      `The Idempotency-Key header (${fromHeader}) and message.idempotency_key (${inBody}) differ; send one key, or the same in both`,
    );
  }
  const key = fromHeader ?? inBody;
  if (key !== undefined && (key.length === 0 || key.length > 255))
    throw invalidParameter("Idempotency-Key must be 1 to 255 characters");
  return key;
}

/** The fingerprint ignores where the key travelled (header or body). */
function withoutKey(message: unknown): unknown {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return message;
  return Object.fromEntries(Object.entries(message).filter(([k]) => k !== "idempotency_key"));
}

function parseContinuation(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw))
    throw invalidParameter("continuation_message must be an object {text}");
  const text = (raw as { text?: unknown }).text;
  if (text === undefined || text === null || text === "")
    throw missingField("continuation_message.text");
  if (typeof text !== "string")
    throw invalidParameter("continuation_message.text must be a string");
  return text;
}

interface ChatChoice {
  reason: FromSelectionReason;
  /** The chat to reuse; undefined = make a new one on `line`. */
  chat?: ChatRecord;
  line: string;
  previousChatId?: string;
}

const FLAGGED: ReadonlySet<string> = new Set(["CRITICAL", "OPTED_OUT"]);

function chooseChat(ctx: ApiContext, to: string[]): ChatChoice {
  const wanted = [...to].sort().join("\n");
  const matching = ctx.store.state.chats
    .filter(
      (c) =>
        ctx.lines.has(c.line) &&
        myHandle(c).status === "active" &&
        c.is_group === to.length > 1 &&
        activeRecipients(c).sort().join("\n") === wanted,
    )
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.seq - a.seq);
  const optedOut = matching.find((c) => c.health.status === "OPTED_OUT");
  if (optedOut !== undefined) {
    throw new ApiError(
      403,
      ErrorCode.RecipientNotAllowed,
      `Recipient not allowed: chat ${optedOut.id} with these recipients is OPTED_OUT; they asked not to be messaged`,
    );
  }
  const healthy = matching.find((c) => !FLAGGED.has(c.health.status));
  if (healthy !== undefined)
    return { reason: "reused_active_chat", chat: healthy, line: healthy.line };
  const flagged = matching[0];
  if (flagged === undefined) return { reason: "new_best_number", line: bestLine(ctx, new Set()) };
  const avoid = new Set(matching.map((c) => c.line));
  const line = bestLine(ctx, avoid);
  if (avoid.has(line)) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `The chat with these recipients (${flagged.id}) is on a flagged line and this token has no other line to fail over to; add a line or send with POST /v3/chats/{chatId}/messages`,
    );
  }
  return { reason: "failover_flagged", line, previousChatId: flagged.id };
}

/** The token's line with the fewest flagged chats, then the fewest chats; `avoid` last. */
function bestLine(ctx: ApiContext, avoid: ReadonlySet<string>): string {
  const lines = ctx.store.state.lines.map((l) => l.phone_number).filter((l) => ctx.lines.has(l));
  const score = (line: string): [number, number, number] => {
    const chats = ctx.store.state.chats.filter((c) => c.line === line);
    return [
      avoid.has(line) ? 1 : 0,
      chats.filter((c) => FLAGGED.has(c.health.status)).length,
      chats.length,
    ];
  };
  const ranked = lines
    .map((line, i) => ({ line, key: [...score(line), i] }))
    .sort((a, b) => {
      for (let k = 0; k < a.key.length; k++) {
        const d = (a.key[k] as number) - (b.key[k] as number);
        if (d !== 0) return d;
      }
      return 0;
    });
  const first = ranked[0];
  if (first === undefined) {
    throw new ApiError(
      403,
      ErrorCode.PhonePermissionDenied,
      "This token owns no line to send from; ask for a line to be added to the token",
    );
  }
  return first.line;
}

function newChat(
  ctx: ApiContext,
  line: string,
  to: string[],
  preferred: ServiceType | undefined,
): ChatRecord {
  return newChatRecord(ctx, line, to, serviceFor(ctx, to, preferred));
}
