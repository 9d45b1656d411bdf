/**
 * Async iteration over the API's cursor pages (§3): send the previous `next_cursor` back as
 * `cursor` until it is null or empty. A server that hands out a cursor it already gave would
 * loop forever; that is reported as an error instead.
 */
import { LinqProtocolError } from "./client-errors.js";

export interface CursorPage {
  next_cursor?: string | null;
}

export interface PaginateOptions<P extends CursorPage, T> {
  /** Fetches one page; `cursor` is undefined for the first page. */
  fetchPage: (cursor: string | undefined) => Promise<P>;
  /** The items of a page (e.g. `page => page.chats`). */
  items: (page: P) => readonly T[];
  /** Names the listing in the error raised for a repeating cursor, e.g. "GET /v3/chats". */
  describe: string;
}

export async function* paginate<P extends CursorPage, T>(
  options: PaginateOptions<P, T>,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await options.fetchPage(cursor);
    yield* options.items(page);
    const next = page.next_cursor;
    if (next === null || next === undefined || next === "") return;
    if (seen.has(next)) {
      const [method = "GET", path = options.describe] = options.describe.split(" ", 2);
      throw new LinqProtocolError({
        method,
        path,
        status: 200,
        detail: `next_cursor ${JSON.stringify(next)} was already returned, pagination would never end`,
      });
    }
    seen.add(next);
    cursor = next;
  }
}
