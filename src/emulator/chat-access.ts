/** Looking up a chat for the calling token, with the documented 404/403/409 answers. */
import { ErrorCode } from "../api-wire/index.js";
import type { ChatRecord } from "./account-store.js";
import type { ApiContext } from "./api-context.js";
import { ApiError, chatNotFound, chatUnavailable } from "./api-error.js";
import { myHandle } from "./wire-views.js";

/**
 * Decision (UNSETTLED §12 q18): a chat on a line this token does not own answers 403/2005
 * (it exists, but is not yours), as the reference's 2005 description says.
 */
export function readableChat(ctx: ApiContext, chatId: string): ChatRecord {
  const chat = ctx.store.findChat(chatId);
  if (chat === undefined) throw chatNotFound(chatId);
  if (!ctx.lines.has(chat.line)) {
    throw new ApiError(
      403,
      ErrorCode.AccessDenied,
      `Access denied - chat ${chatId} is on a line this token does not own`,
    );
  }
  return chat;
}

/** For interaction endpoints: after you left the chat every one answers 409/2013 (§5.1.6). */
export function interactiveChat(ctx: ApiContext, chatId: string): ChatRecord {
  const chat = readableChat(ctx, chatId);
  if (myHandle(chat).status !== "active") throw chatUnavailable(chatId);
  return chat;
}

export function activeParticipants(chat: ChatRecord): number {
  return chat.handles.filter((h) => h.status === "active").length;
}
