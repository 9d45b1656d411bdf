/**
 * Where the client's token and base URL come from (SPEC §3, reference §1.5): the token from
 * LINQ_API_TOKEN, else LINQ_API_V3_API_KEY (never from a flag); the base URL from an explicit
 * option, else LINQ_API_BASE_URL, else LINQ_API_V3_BASE_URL, else production.
 */
import { LinqConfigError } from "./client-errors.js";

export const DEFAULT_BASE_URL = "https://api.linqapp.com/api/partner";
export const TOKEN_ENV_VARS = ["LINQ_API_TOKEN", "LINQ_API_V3_API_KEY"] as const;
export const BASE_URL_ENV_VARS = ["LINQ_API_BASE_URL", "LINQ_API_V3_BASE_URL"] as const;

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** First non-empty value among `names` in `env`, with the name it came from. */
function firstSet(
  env: EnvSource,
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

export function resolveToken(env: EnvSource, explicit?: string): string {
  if (explicit !== undefined) return checkToken(explicit, "the token option");
  const found = firstSet(env, TOKEN_ENV_VARS);
  if (!found) {
    throw new LinqConfigError(
      "MISSING_TOKEN",
      "No Linq API token: set LINQ_API_TOKEN (or LINQ_API_V3_API_KEY) to your Partner API v3 token." +
        " Tokens are never accepted as command-line flags.",
    );
  }
  return checkToken(found.value, found.name);
}

/** Refuses tokens that would break or inject into the Authorization header; never echoes the token. */
function checkToken(token: string, source: string): string {
  if (token.length === 0) {
    throw new LinqConfigError(
      "MISSING_TOKEN",
      `The Linq API token from ${source} is empty; set LINQ_API_TOKEN.`,
    );
  }
  // Only visible ASCII can travel in an Authorization header; anything else (a zero-width
  // space pasted with the token, a non-Latin-1 letter) makes undici refuse every request.
  const bad = /[^\x21-\x7e]/.exec(token);
  if (bad) {
    const kind = /\s/.test(bad[0])
      ? "whitespace"
      : /[\u0000-\u001f\u007f]/.test(bad[0])
        ? "a control character"
        : "an invisible or non-ASCII character";
    throw new LinqConfigError(
      "INVALID_TOKEN",
      `The Linq API token from ${source} contains ${kind} (U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} at position ${bad.index + 1}); ` +
        "a token is visible ASCII only. Set it again to the bare token, e.g. copied without surrounding spaces.",
    );
  }
  return token;
}

export function resolveBaseUrl(env: EnvSource, explicit?: string): string {
  if (explicit !== undefined && explicit.trim() !== "")
    return normalizeBaseUrl(explicit, "the endpoint option");
  const found = firstSet(env, BASE_URL_ENV_VARS);
  if (found) return normalizeBaseUrl(found.value, found.name);
  return DEFAULT_BASE_URL;
}

/** Validates an http(s) base URL and drops a trailing slash, so paths join as `${base}/v3/…`. */
export function normalizeBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new LinqConfigError(
      "INVALID_BASE_URL",
      `The base URL from ${source} is not a URL: ${JSON.stringify(raw)}. Use e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new LinqConfigError(
      "INVALID_BASE_URL",
      `The base URL from ${source} must use http or https, got ${url.protocol}. Use e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new LinqConfigError(
      "INVALID_BASE_URL",
      `The base URL from ${source} must not carry a query, fragment or credentials; use e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new LinqConfigError(
      "INSECURE_BASE_URL",
      `The base URL from ${source} (${url.origin}) uses plain http to a host that is not this machine, ` +
        "so the API token would cross the network in clear text. Use https://, " +
        "or http only for an emulator on loopback (127.0.0.1, ::1 or localhost).",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * True for names that can only reach this machine: `localhost` (and `*.localhost`, RFC 6761),
 * 127.0.0.0/8 and ::1. `hostname` is as `URL` parses it (IPv6 in brackets, IPv4 normalized).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
