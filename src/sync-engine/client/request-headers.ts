/**
 * The headers every request carries (§1.2, §1.3): bearer auth, an Accept that matches what the
 * endpoint returns, a JSON Content-Type when there is a body, and a User-Agent naming chatsync.
 */
import { readFileSync } from "node:fs";

/** `json` for JSON resources, `any` for 204 endpoints, `geo+json` for the location read. */
export type AcceptKind = "json" | "any" | "geo+json";

const ACCEPT_VALUES: Readonly<Record<AcceptKind, string>> = {
  json: "application/json",
  any: "*/*",
  "geo+json": "application/geo+json",
};

function readPackageVersion(): string {
  // Same relative location from src/ (tests) and dist/ (built CLI): <root>/package.json.
  try {
    const pkg = JSON.parse(
      readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
    ) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const USER_AGENT = `chatsync/${readPackageVersion()}`;

export function buildRequestHeaders(
  token: string,
  accept: AcceptKind,
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: ACCEPT_VALUES[accept],
    "user-agent": USER_AGENT,
  };
  if (hasBody) headers["content-type"] = "application/json";
  return headers;
}
