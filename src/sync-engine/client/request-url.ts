/**
 * Builds the path + query part of a request URL: path ids are URL-encoded (so an id can never
 * change which endpoint is hit), query arrays are comma-joined the way the official SDK sends
 * them (§1.3), and `+` in phone numbers becomes `%2B` (§4.1).
 */
import { LinqArgumentError } from "./client-errors.js";

export type QueryValue =
  string | number | boolean | readonly (string | number)[] | null | undefined;
export type QueryParams = Readonly<Record<string, QueryValue>>;

/**
 * Tagged template for API paths: `apiPath\`/v3/chats/${chatId}/participants\``. Every
 * interpolated value is one path segment, URL-encoded; an empty value is refused because
 * `/v3/chats/` would silently address the collection instead of one chat.
 */
export function apiPath(strings: TemplateStringsArray, ...ids: readonly string[]): string {
  let out = strings[0] ?? "";
  ids.forEach((id, i) => {
    if (typeof id !== "string" || id.length === 0) {
      throw new LinqArgumentError(
        `empty id in API path ${strings.join("{id}")}; pass the id of an existing resource`,
      );
    }
    out += encodeURIComponent(id) + (strings[i + 1] ?? "");
  });
  return out;
}

/** `?a=1&b=x,y` from params; null/undefined values and empty arrays are left out; "" when empty. */
export function buildQuery(params: QueryParams | undefined): string {
  if (!params) return "";
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      pairs.push(
        `${encodeURIComponent(name)}=${value.map((v) => encodeURIComponent(String(v))).join(",")}`,
      );
    } else {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    }
  }
  return pairs.length ? `?${pairs.join("&")}` : "";
}
