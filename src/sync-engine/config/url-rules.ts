/**
 * URLs in the desired state (group icon, contact-card photo, webhook target). The schema
 * already demands an `https://` prefix; this parses the rest, because the schema's `uri`
 * format accepts "https://" with no host, which the API could neither fetch nor post to.
 */
import { redactUrl } from "../output/url-credentials.js";
import { describePath } from "./describe-path.js";
import { showValue } from "./shown-value.js";
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
    if (url.hostname !== "" && /^[a-z]+:\/\/[^/?#\s]/i.test(value)) {
      if (url.username === "" && url.password === "") return url;
      // The API needs no user name or password in a URL (deliveries are signed), and a
      // credential written here would be shown in every plan and kept in the state.
      ctx.error(
        path,
        `${describePath(path)}: ${showValue(redactUrl(value))} carries a user name or password before "@"; remove it — the API does not need it, and chatsync would have to store and show it. A webhook receiver verifies deliveries with the signing secret instead`,
      );
      return undefined;
    }
  } catch {
    // reported below
  }
  ctx.error(
    path,
    `${describePath(path)}: ${showValue(redactUrl(value))} is not a valid URL; write a full address with a host name, e.g. "https://example.com/path"`,
  );
  return undefined;
}
