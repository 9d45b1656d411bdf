/**
 * `message.idempotency_key` on POST /v3/chats and POST /v3/chats/{id}/messages (§7.6).
 *
 * Decisions (UNSETTLED §12 q1):
 * - Scope: per token and line. The same key from another token or on another line is a
 *   different key.
 * - A repeat with the same key and the same request returns the original status and body
 *   (same chat id, same message id) and creates nothing; no webhook fires again.
 * - The same key with a different request (other path, recipients or message) is a client
 *   bug: 400/1005, naming the key. Nothing is created.
 * - Keys are kept for the life of the account (persisted with --data; cleared by reset).
 */
import { createHash } from "node:crypto";
import type { AccountStore } from "./account-store.js";
import { invalidParameter } from "./api-error.js";

export interface IdempotencyScope {
  token: string;
  line: string;
  key: string;
}

function storageKey(s: IdempotencyScope): string {
  return createHash("sha256")
    .update(JSON.stringify([s.token, s.line, s.key]))
    .digest("hex");
}

/** Canonical JSON (sorted object keys) so key order in the request does not matter. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex");
}

/** The stored response for a replay, or undefined when the key is new. */
export function replay(
  store: AccountStore,
  scope: IdempotencyScope,
  requestFingerprint: string,
): { status: number; body: unknown } | undefined {
  const record = store.state.idempotency[storageKey(scope)];
  if (record === undefined) return undefined;
  if (record.fingerprint !== requestFingerprint) {
    throw invalidParameter(
      `idempotency_key "${scope.key}" was already used with a different request; use a new key for a different message`,
    );
  }
  return { status: record.status, body: record.body };
}

export function remember(
  store: AccountStore,
  scope: IdempotencyScope,
  requestFingerprint: string,
  status: number,
  body: unknown,
  now: Date,
): void {
  store.state.idempotency[storageKey(scope)] = {
    fingerprint: requestFingerprint,
    status,
    body,
    created_at: now.toISOString(),
  };
}
