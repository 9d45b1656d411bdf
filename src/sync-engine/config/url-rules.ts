/**
 * URLs in the desired state (group icon, contact-card photo, webhook target). The schema
 * already demands an `https://` prefix; this parses the rest, because the schema's `uri`
 * format accepts "https://" with no host, which the API could neither fetch nor post to.
 */
import { describePath } from "./describe-path.js";
import type { DocumentContext } from "./document-context.js";
import type { DocPath } from "./json-pointer.js";

/** The parsed URL, or undefined after reporting "<where>: "…" is not a valid URL". */
export function parseDeclaredUrl(
  ctx: DocumentContext,
  path: DocPath,
  value: string,
): URL | undefined {
  try {
    const url = new URL(value);
    // WHATWG parsing turns "https:///logo.png" into host "logo.png"; insist that the host
    // is written right after "//", as the user surely meant something else.
    if (url.hostname !== "" && /^[a-z]+:\/\/[^/?#\s]/i.test(value)) return url;
  } catch {
    // reported below
  }
  ctx.error(
    path,
    `${describePath(path)}: ${JSON.stringify(value)} is not a valid URL; write a full address with a host name, e.g. "https://example.com/path"`,
  );
  return undefined;
}
