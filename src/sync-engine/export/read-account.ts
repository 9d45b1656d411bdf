/**
 * What `chatsync export` reads: the account's lines, every chat on the selected lines (one list
 * pass per line, pages of 100 — never one request per chat), the webhook subscriptions and the
 * contact cards of those lines. Reads only.
 */
import type { Chat, ContactCard, WebhookSubscription } from "../../api-wire/types.js";
import type { LinqApi } from "../client/linq-api.js";
import { listLineChats } from "../refresh/refresh-live.js";

export type ExportApi = Pick<
  LinqApi,
  "listPhoneNumbers" | "listChatsPage" | "listWebhookSubscriptions" | "listContactCards"
>;

export interface LiveAccount {
  /** The exported lines, sorted. */
  lines: string[];
  /** Every chat on those lines, as listed. */
  chats: Chat[];
  webhooks: WebhookSubscription[];
  contact_cards: ContactCard[];
}

export class ExportError extends Error {
  readonly code = "EXPORT_FAILED";
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "ExportError";
  }
}

/** Reads the account; `only` (E.164, already normalized) narrows the lines. */
export async function readLiveAccount(
  api: ExportApi,
  only: readonly string[] = [],
): Promise<LiveAccount> {
  const step = <T>(what: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw new ExportError(`export: ${what} failed: ${(err as Error).message}`, { cause: err });
    });
  const owned = (await step("listing phone numbers", api.listPhoneNumbers())).map(
    (p) => p.phone_number,
  );
  const unknown = only.filter((l) => !owned.includes(l));
  if (unknown.length > 0)
    throw new ExportError(
      `--line ${unknown.join(", ")} ${unknown.length === 1 ? "is not a line" : "are not lines"} of this account (lines: ${[...owned].sort().join(", ")})`,
    );
  const lines = [...new Set(only.length > 0 ? only : owned)].sort();
  const [perLine, webhooks, cards] = await Promise.all([
    Promise.all(lines.map((l) => step(`listing the chats of ${l}`, listLineChats(api, l)))),
    step("listing webhook subscriptions", api.listWebhookSubscriptions()),
    step("listing contact cards", api.listContactCards()),
  ]);
  return {
    lines,
    chats: perLine.flat(),
    webhooks,
    contact_cards: cards.filter((c) => lines.includes(c.phone_number)),
  };
}
