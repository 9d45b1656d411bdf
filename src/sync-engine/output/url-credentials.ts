/**
 * Credentials inside URLs never reach an output (SPEC §6 "Boundaries"). Declared URLs may not
 * carry `user:password@` at all (validate refuses them); what is left is a query value such as
 * `?token=abc`, which a receiver may legitimately need and the API must be sent. Outputs show
 * such values as `[REDACTED]`.
 */

/** Query parameter names whose values are treated as credentials. */
const SECRET_PARAM = /token|secret|key|pass|pwd|sig|auth|cred|session|jwt|hmac/i;

/** An http(s) URL inside free text (plan lines, JSON strings, error messages). */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`\\]+/gi;

export const REDACTED = "[REDACTED]";

/** `url` with userinfo and secret-looking query values replaced; other text unchanged. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  let head = q === -1 ? url : url.slice(0, q);
  // userinfo: everything between "//" and the last "@" before the path.
  head = head.replace(/^(https?:\/\/)[^/?#]*@/i, `$1${REDACTED}@`);
  if (q === -1) return head;
  const [query, ...fragment] = url.slice(q + 1).split("#");
  const params = (query ?? "").split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq === -1) return pair;
    const name = pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // keep the raw name
    }
    return SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
  });
  return `${head}?${params.join("&")}${fragment.length ? `#${fragment.join("#")}` : ""}`;
}

/** Every URL in `text` passed through `redactUrl`. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}
