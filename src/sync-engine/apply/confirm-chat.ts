/**
 * Participant, name and icon changes are queued by the API (202 / "pending", §8): a 2xx says
 * nothing about the outcome. The executor records them as applied only once a read shows
 * them, polling GET /v3/chats/{id} with backoff up to a timeout.
 */
import type { Chat } from "../../api-wire/types.js";
import type { LinqApi } from "../client/linq-api.js";
import { viewChat } from "../plan/live-chat-view.js";

export interface ChatExpectation {
  add: string[];
  remove: string[];
  display_name?: string;
  icon?: string;
}

export class ConfirmTimeoutError extends Error {
  readonly code = "CONFIRM_TIMEOUT";
  constructor(chatId: string, pending: string[], timeoutMs: number) {
    super(
      `the API accepted the changes to chat ${chatId} but a read did not show them within ${Math.round(timeoutMs / 1000)} s (still pending: ${pending.join("; ")}). ` +
        "They may still land: run apply again to check (raise --confirm-timeout for a slow account).",
    );
    this.name = "ConfirmTimeoutError";
  }
}

export function isEmptyExpectation(e: ChatExpectation): boolean {
  return (
    e.add.length === 0 &&
    e.remove.length === 0 &&
    e.display_name === undefined &&
    e.icon === undefined
  );
}

/** What of `e` the chat does not show yet (empty when everything is visible). */
export function pendingOf(chat: Chat, line: string | undefined, e: ChatExpectation): string[] {
  const view = viewChat(chat, line);
  const active = new Set(view.active);
  const out: string[] = [];
  for (const h of e.add) if (!active.has(h)) out.push(`add ${h}`);
  for (const h of e.remove) if (active.has(h)) out.push(`remove ${h}`);
  if (e.display_name !== undefined && chat.display_name !== e.display_name)
    out.push(`display_name ${JSON.stringify(e.display_name)}`);
  if (e.icon !== undefined && (chat.group_chat_icon ?? null) !== e.icon) out.push(`icon ${e.icon}`);
  return out;
}

export interface ConfirmOptions {
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export async function confirmChat(
  api: Pick<LinqApi, "getChat">,
  chatId: string,
  line: string | undefined,
  e: ChatExpectation,
  opts: ConfirmOptions,
): Promise<Chat> {
  const deadline = opts.now() + opts.timeoutMs;
  let delay = 100;
  for (;;) {
    const chat = await api.getChat(chatId);
    const pending = pendingOf(chat, line, e);
    if (pending.length === 0) return chat;
    const left = deadline - opts.now();
    if (left <= 0) throw new ConfirmTimeoutError(chatId, pending, opts.timeoutMs);
    await opts.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2_000);
  }
}
