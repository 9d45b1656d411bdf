/**
 * The `--debug` request log: one stderr line per finished attempt (method, path, status,
 * duration) and one per retry (why, and how long it waits). Built from the client's events,
 * which carry no headers or bodies, so the token can never reach this log.
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

/** Client hooks writing the log to `log`; none at all without --debug. */
export function debugRequestHooks(
  debug: boolean,
  log: (text: string) => void,
): { onRequest?: (e: RequestEvent) => void; onRetry?: (e: RetryEvent) => void } {
  if (!debug) return {};
  return {
    onRequest: (e) => log(formatRequestEvent(e)),
    onRetry: (e) => log(formatRetryEvent(e)),
  };
}
