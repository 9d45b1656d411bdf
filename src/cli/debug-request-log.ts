/**
 * What the command line says about requests. With `--debug`: one stderr line per finished
 * attempt (method, path, status, duration) and one per retry (why, and how long it waits).
 * Without it: only a short notice when a request failed and is being retried for a reason
 * other than rate limiting, so an unreachable endpoint does not look like a hang. Built from
 * the client's events, which carry no headers or bodies, so the token can never reach it.
 */
import type { RequestEvent, RetryEvent } from "../sync-engine/client/linq-client.js";

export function formatRequestEvent(e: RequestEvent): string {
  const outcome = e.status ?? e.error?.name ?? "no response";
  return `debug: ${e.method} ${e.path} → ${outcome} (attempt ${e.attempt}, ${Math.round(e.durationMs)} ms)\n`;
}

export function formatRetryEvent(e: RetryEvent): string {
  const wait = e.rateLimited ? "every request pauses" : "retrying";
  return `debug: ${e.method} ${e.path} failed with ${e.reason}; ${wait} for ${Math.round(e.delayMs)} ms (attempt ${e.attempt + 1} next)\n`;
}

export function formatRetryNotice(e: RetryEvent): string {
  const seconds = Math.max(1, Math.round(e.delayMs / 1000));
  return `Retrying: ${e.method} ${e.path} failed (${e.reason}); attempt ${e.attempt + 1} in ${seconds} s…\n`;
}

/** Client hooks that write the request log to `log`. */
export function debugRequestHooks(
  debug: boolean,
  log: (text: string) => void,
): { onRequest?: (e: RequestEvent) => void; onRetry?: (e: RetryEvent) => void } {
  if (debug) {
    return {
      onRequest: (e) => log(formatRequestEvent(e)),
      onRetry: (e) => log(formatRetryEvent(e)),
    };
  }
  // Waiting out a 429 is routine (SPEC §8: no 429 reaches the user); other retries are news.
  // Requests failing together for the same reason make one notice per attempt, not one each.
  const told = new Set<string>();
  return {
    onRetry: (e) => {
      if (e.rateLimited) return;
      const key = `${e.reason}\u0000${e.attempt}`;
      if (told.has(key)) return;
      told.add(key);
      log(formatRetryNotice(e));
    },
  };
}
