/**
 * Keyset pagination with opaque cursors (§3). A cursor encodes the sort key (`seq`) of the
 * last item returned, so items created while a client pages do not shift the pages.
 */
import { invalidParameter } from "./api-error.js";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function parseLimit(raw: string | null, defaultLimit: number): number {
  if (raw === null || raw === "") return defaultLimit;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw invalidParameter(`limit must be an integer from 1 to 100 (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ after: seq }), "utf8").toString("base64url");
}

export function decodeCursor(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as {
      after?: unknown;
    };
    if (typeof parsed.after === "number" && Number.isInteger(parsed.after)) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter(
    "cursor is not a cursor this API returned; pass next_cursor back unchanged",
  );
}

/**
 * Pages `items` that are already sorted by `seq` in `direction`. `after` is the decoded
 * cursor: the seq of the last item of the previous page.
 */
export function paginate<T extends { seq: number }>(
  items: T[],
  opts: { after: number | undefined; limit: number; direction: "asc" | "desc" },
): Page<T> {
  const rest =
    opts.after === undefined
      ? items
      : items.filter((i) =>
          opts.direction === "asc"
            ? i.seq > (opts.after as number)
            : i.seq < (opts.after as number),
        );
  const page = rest.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page,
    next_cursor: rest.length > opts.limit && last !== undefined ? encodeCursor(last.seq) : null,
  };
}
