/**
 * Finding the chat an interrupted create may have made (UNSETTLED §12.1).
 *
 * The API documents `message.idempotency_key` for message sends; whether it also deduplicates
 * `POST /v3/chats` is open. chatsync does not bet the "never a duplicate chat" promise on it:
 * before a create whose outcome is unknown is sent again (a crash between the call and the
 * state commit, a connection lost after sending, a 5xx), it looks for the chat that create
 * would have made, and records that one instead.
 *
 * A chat matches the journaled request when all of these hold:
 * - it lives on the request's line (`GET /v3/chats?from=LINE&to=FIRST_RECIPIENT`, paged);
 * - its other handles — whatever their status now — are exactly the request's recipients, and
 *   it is a group exactly when the request had several;
 * - it was created no earlier than the journal entry, less CLOCK_SKEW_MS for the difference
 *   between this machine's clock and the API's;
 * - one of its messages from your line carries the welcome text (the list is searched for at
 *   most MAX_MESSAGE_PAGES pages, whatever order the API uses).
 * Chats another address already manages (`exclude`) never match. Several matches (an API
 * without dedup, replayed by an older chatsync) → the earliest is adopted and the rest are
 * named, so someone can leave them by hand.
 *
 * What this cannot see: a chat the API made but does not list yet. The replay that follows a
 * miss is then as safe as the API's own dedup — the remaining window, stated in the README.
 */
import type { Chat, Message } from "../../api-wire/types.js";
import type { LinqApi } from "../client/linq-api.js";

export type FindCreatedChatApi = Pick<LinqApi, "listChatsPage" | "listMessagesPage">;

/** The create request as the state journaled it. */
export interface JournaledCreate {
  from: string;
  to: string[];
  welcome_message: string;
}

export interface CreatedChatMatch {
  chat: Chat;
  /** Other chats that match as well (duplicates an earlier replay made), earliest first. */
  others: Chat[];
}

export const CLOCK_SKEW_MS = 10 * 60_000;
const CHAT_PAGE_SIZE = 100;
const MESSAGE_PAGE_SIZE = 100;
const MAX_MESSAGE_PAGES = 5;

function sameRecipients(chat: Chat, request: JournaledCreate): boolean {
  const others = new Set(chat.handles.filter((h) => h.is_me !== true).map((h) => h.handle));
  const wanted = new Set(request.to);
  if (others.size !== wanted.size) return false;
  for (const h of wanted) if (!others.has(h)) return false;
  return chat.is_group === request.to.length > 1;
}

function textOf(m: Message): string {
  return (m.parts ?? [])
    .map((p) => (p.type === "text" ? p.value : ""))
    .join("")
    .trim();
}

async function hasWelcome(
  api: FindCreatedChatApi,
  chatId: string,
  welcome: string,
): Promise<boolean> {
  const want = welcome.trim();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_MESSAGE_PAGES; page++) {
    let res;
    try {
      res = await api.listMessagesPage(chatId, {
        limit: MESSAGE_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
    } catch (err) {
      // A chat that vanished (or is not ours to read) between the list and this read made nothing to record.
      const status = (err as { status?: unknown }).status;
      if (status === 404 || status === 403) return false;
      throw err;
    }
    if (res.messages.some((m) => m.is_from_me && textOf(m) === want)) return true;
    if (!res.next_cursor) return false;
    cursor = res.next_cursor;
  }
  return false;
}

/** The chat `request` made if it was carried out after `since`, else undefined. */
export async function findCreatedChat(
  api: FindCreatedChatApi,
  request: JournaledCreate,
  since: Date,
  exclude: ReadonlySet<string> = new Set(),
): Promise<CreatedChatMatch | undefined> {
  const first = request.to[0];
  if (first === undefined) return undefined;
  const notBefore = since.getTime() - CLOCK_SKEW_MS;
  const candidates: Chat[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api.listChatsPage({
      from: request.from,
      to: first,
      limit: CHAT_PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of page.chats) {
      // An unreadable created_at cannot prove the chat is new enough: not a match.
      const created = Date.parse(c.created_at);
      if (!exclude.has(c.id) && sameRecipients(c, request) && created >= notBefore)
        candidates.push(c);
    }
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const matches: Chat[] = [];
  for (const c of candidates) {
    if (await hasWelcome(api, c.id, request.welcome_message)) matches.push(c);
  }
  matches.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  const [chat, ...rest] = matches;
  return chat ? { chat, others: rest } : undefined;
}
