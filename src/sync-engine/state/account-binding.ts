/**
 * Whose state is this (SPEC §6a)? A state records the endpoint and the account's lines when it
 * is first written; a run against an account that shares none of those lines is refused before
 * anything is written, because every managed chat would look deleted and be created again.
 * Pure: the caller has already read the live lines.
 */
import type { StateAccount } from "./state-types.js";

/** The embedded emulator's endpoint as recorded: its port changes every run. */
export const EMBEDDED_EMULATOR_ENDPOINT = "embedded-emulator";

export interface AccountSeen {
  endpoint: string;
  lines: readonly string[];
}

export type BindingVerdict =
  { ok: true; warning?: string; record: boolean } | { ok: false; error: string };

/**
 * What kind of account an endpoint reaches: the embedded emulator (`--emulator`, an account of
 * its own), a loopback server (a standalone emulator), or a remote API. Two kinds are never
 * the same account, whatever lines they share.
 */
export function endpointKind(endpoint: string): "embedded emulator" | "loopback" | "remote" {
  if (endpoint === EMBEDDED_EMULATOR_ENDPOINT) return "embedded emulator";
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return "remote";
  }
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)
    ? "loopback"
    : "remote";
}

/** Strips credentials, query and trailing slashes, so one endpoint is always spelled one way. */
export function normalizeEndpoint(endpoint: string): string {
  if (endpoint === EMBEDDED_EMULATOR_ENDPOINT) return endpoint;
  try {
    const u = new URL(endpoint);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/+$/, "");
  } catch {
    return endpoint;
  }
}

const list = (lines: readonly string[]) => (lines.length ? lines.join(", ") : "no lines");

export function checkAccountBinding(
  recorded: StateAccount | undefined,
  seen: AccountSeen,
  location: string,
): BindingVerdict {
  const endpoint = normalizeEndpoint(seen.endpoint);
  if (!recorded) return { ok: true, record: true };
  const shared = seen.lines.filter((l) => recorded.lines.includes(l));
  const fix = `Point --state (or CHATSYNC_STATE) at the state of this account, or use --emulator, which keeps its own state.`;
  if (shared.length === 0) {
    return {
      ok: false,
      error: `The state at ${location} belongs to another account: it was written for ${recorded.endpoint} with lines ${list(recorded.lines)}, but ${endpoint} has lines ${list(seen.lines)} — no line in common. Planning against it would treat every managed chat as gone and create it again. ${fix}`,
    };
  }
  if (recorded.endpoint !== endpoint) {
    // An emulator and a live account can share line numbers; they are never one account.
    const was = endpointKind(recorded.endpoint);
    const now = endpointKind(endpoint);
    if (was !== now) {
      return {
        ok: false,
        error: `The state at ${location} was written for ${recorded.endpoint} (${was === "remote" ? "a live API" : `an ${was === "loopback" ? "emulator on loopback" : "embedded emulator"}`}), but this run targets ${endpoint} (${now === "remote" ? "a live API" : `an ${now === "loopback" ? "emulator on loopback" : "embedded emulator"}`}); an emulator and a live account are never the same account, even with the same lines. ${fix}`,
      };
    }
    return {
      ok: true,
      record: true,
      warning: `the state at ${location} was written for ${recorded.endpoint}; this run uses ${endpoint} (the same lines ${list(shared)}). If the account moved, this is fine and the new endpoint is recorded on the next apply.`,
    };
  }
  const sameLines =
    recorded.lines.length === seen.lines.length && shared.length === seen.lines.length;
  return { ok: true, record: !sameLines };
}

export function accountRecord(seen: AccountSeen, now: Date): StateAccount {
  return {
    endpoint: normalizeEndpoint(seen.endpoint),
    lines: [...seen.lines].sort(),
    recorded_at: now.toISOString(),
  };
}
