/**
 * Refresh: read the live objects chatsync manages with as few requests as the API allows.
 *
 * Chats, per line (decision, SPEC §8 budget):
 * - A line with at most PER_OBJECT_MAX managed chats is read with one GET /v3/chats/{id} each
 *   (bounded concurrency): cheaper than paging an account that may hold many unmanaged chats.
 * - A line with more is paged with GET /v3/chats?from=LINE&limit=100, stopping as soon as every
 *   managed id was seen. Paging also stops early — and the rest is read by id — once the unseen
 *   managed chats are few (≤ PER_OBJECT_MAX) or the pages read already outnumber them (the
 *   account is mostly unmanaged chats, so reading by id is cheaper than paging on).
 * - Ids the pages did not show (e.g. chats the list leaves out) are read by id; 404 → null.
 * Webhook subscriptions and contact cards are one list call each, made only when an address of
 * that kind is in scope; phone numbers once. A chat address whose create was interrupted (a
 * journaled create, no live id) costs a search of its line for the chat that create made
 * (find-created-chat) — only after a crash or a lost response, so never on a healthy run.
 */
import type { Chat } from "../../api-wire/types.js";
import type { LinqApi } from "../client/linq-api.js";
import { managedChatIds, type StateDocument } from "../state/state-types.js";
import { findCreatedChat, type CreatedChatMatch } from "./find-created-chat.js";
import type { LiveSnapshot } from "./live-snapshot.js";

export const PER_OBJECT_MAX = 10;

interface JournaledCreateIntent {
  from: string;
  to: string[];
  welcome_message: string;
  started_at: string;
}
const PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 8;

export type RefreshApi = Pick<
  LinqApi,
  | "listPhoneNumbers"
  | "listChatsPage"
  | "getChat"
  | "listWebhookSubscriptions"
  | "listContactCards"
  | "listMessagesPage"
>;

export interface RefreshInput {
  state: StateDocument;
  /** Addresses in scope (declared or managed, after --target). */
  addresses: ReadonlySet<string>;
  /** Declared secret files whose existence the webhook diff needs. */
  secretFiles: readonly string[];
  fileExists: (path: string) => Promise<boolean>;
  /** Lines whose every chat is listed (one pass, pages of 100): where a create may be planned. */
  listLines?: readonly string[];
  /** Chat ids that `imports:` names: read from the line listing when it shows them, else by id. */
  importChatIds?: readonly string[];
  concurrency?: number;
}

export class RefreshError extends Error {
  readonly code = "REFRESH_FAILED";
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "RefreshError";
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { status?: unknown }).status === 404;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function getChatOrNull(api: Pick<LinqApi, "getChat">, id: string): Promise<Chat | null> {
  try {
    return await api.getChat(id);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new RefreshError(`refresh: reading chat ${id} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Reads the chats `ids` that live on `line`. */
async function refreshLineChats(
  api: RefreshApi,
  line: string | undefined,
  ids: Set<string>,
  concurrency: number,
): Promise<Map<string, Chat | null>> {
  const found = new Map<string, Chat | null>();
  if (line !== undefined && ids.size > PER_OBJECT_MAX) {
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      let page;
      try {
        page = await api.listChatsPage({
          from: line,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
      } catch (err) {
        throw new RefreshError(
          `refresh: listing chats of ${line} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
      pages += 1;
      for (const c of page.chats) if (ids.has(c.id)) found.set(c.id, c);
      const unseen = ids.size - found.size;
      if (unseen === 0 || !page.next_cursor) break;
      if (unseen <= PER_OBJECT_MAX || pages >= unseen) break;
      cursor = page.next_cursor;
    }
  }
  const rest = [...ids].filter((id) => !found.has(id));
  const chats = await mapBounded(rest, concurrency, (id) => getChatOrNull(api, id));
  rest.forEach((id, i) => found.set(id, chats[i] ?? null));
  return found;
}

/** Every chat of `line`, in one list pass (pages of 100); shared with `chatsync export`. */
export async function listLineChats(
  api: Pick<LinqApi, "listChatsPage">,
  line: string,
): Promise<Chat[]> {
  const out: Chat[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await api.listChatsPage({
      from: line,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.chats);
    // A cursor seen before would loop forever; the list is complete as far as it goes.
    const next = page.next_cursor;
    if (!next || seen.has(next)) return out;
    seen.add(next);
    cursor = next;
  }
}

/** Every chat of `line` that the state does not manage (one list pass). */
async function listUnmanagedChats(
  api: Pick<LinqApi, "listChatsPage">,
  line: string,
  managed: ReadonlySet<string>,
): Promise<Chat[]> {
  return (await listLineChats(api, line)).filter((c) => !managed.has(c.id));
}

export async function refreshLive(api: RefreshApi, input: RefreshInput): Promise<LiveSnapshot> {
  const concurrency = input.concurrency ?? DEFAULT_CONCURRENCY;
  const inScope = (a: string) => input.addresses.has(a);

  // Which managed chat ids live on which line (retired generations included).
  const byLine = new Map<string | undefined, Set<string>>();
  const want = (line: string | undefined, id: string) => {
    const set = byLine.get(line) ?? new Set<string>();
    set.add(id);
    byLine.set(line, set);
  };
  let needWebhooks = false;
  let needCards = false;
  for (const a of input.addresses) {
    if (a.startsWith("webhook.")) needWebhooks = true;
    if (a.startsWith("contact_card.")) needCards = true;
  }
  const interrupted: Array<{ address: string; request: JournaledCreateIntent }> = [];
  // Every chat id the state holds, in scope or not: such a chat is never another create's.
  const managedIds = managedChatIds(input.state);
  for (const [address, r] of Object.entries(input.state.resources)) {
    if (!inScope(address) || r.kind !== "chat") continue;
    const line = r.from ?? r.applied?.from;
    if (r.id) want(line, r.id);
    for (const old of r.retired ?? []) want(line, old.id);
    const pending = r.id ? undefined : r.intents.find((i) => i.purpose === "create_chat");
    if (pending?.request) {
      interrupted.push({
        address,
        request: { ...pending.request, started_at: pending.started_at },
      });
    }
  }

  const wrap = <T>(what: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw new RefreshError(`refresh: ${what} failed: ${(err as Error).message}`, { cause: err });
    });

  const listLines = [...new Set(input.listLines ?? [])].sort();
  const [phoneNumbers, webhooks, cards, chatMaps, secretFlags, found, unmanaged] =
    await Promise.all([
      wrap("listing phone numbers", api.listPhoneNumbers()),
      needWebhooks
        ? wrap("listing webhook subscriptions", api.listWebhookSubscriptions())
        : Promise.resolve([]),
      needCards ? wrap("listing contact cards", api.listContactCards()) : Promise.resolve([]),
      Promise.all([...byLine].map(([line, ids]) => refreshLineChats(api, line, ids, concurrency))),
      Promise.all(input.secretFiles.map((f) => input.fileExists(f))),
      mapBounded(interrupted, concurrency, ({ address, request }) =>
        wrap(
          `looking for the chat the interrupted create of ${address} made`,
          findCreatedChat(api, request, new Date(request.started_at), managedIds),
        ),
      ),
      Promise.all(
        listLines.map((line) =>
          wrap(`listing the chats of ${line}`, listUnmanagedChats(api, line, managedIds)),
        ),
      ),
    ]);

  const chats: Record<string, Chat | null> = {};
  for (const m of chatMaps) for (const [id, c] of m) chats[id] = c;
  // Imported chats: the listing of their line usually has them already (no extra request).
  const listed = new Map(unmanaged.flat().map((c) => [c.id, c]));
  const ids = [...new Set(input.importChatIds ?? [])].filter((id) => !(id in chats));
  const byId = ids.filter((id) => !listed.has(id));
  const read = await mapBounded(byId, concurrency, (id) => getChatOrNull(api, id));
  for (const id of ids) chats[id] = listed.get(id) ?? null;
  byId.forEach((id, i) => (chats[id] = read[i] ?? null));
  const secret_files_present: Record<string, boolean> = {};
  input.secretFiles.forEach((f, i) => (secret_files_present[f] = secretFlags[i] ?? false));
  const interrupted_creates: Record<string, CreatedChatMatch | null> = {};
  interrupted.forEach(({ address }, i) => (interrupted_creates[address] = found[i] ?? null));
  return {
    lines: phoneNumbers.map((p) => p.phone_number),
    chats,
    webhooks,
    contact_cards: cards,
    secret_files_present,
    interrupted_creates,
    unmanaged_chats: Object.fromEntries(listLines.map((line, i) => [line, unmanaged[i] ?? []])),
  };
}
