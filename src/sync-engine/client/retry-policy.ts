/**
 * Decides whether a failed attempt is tried again, and after how long. Pure: no I/O, no
 * clock; randomness is injected so tests can pin the jitter.
 *
 * What is retried:
 *  - 429: always, whatever the method. A 429 is a refusal before processing (§2.1/§2.4), so
 *    even a non-idempotent write was not carried out. The wait honours `retry_after` /
 *    `Retry-After`; without it, exponential backoff.
 *  - 5xx and "no response" network failures: only for requests that are safe to send twice —
 *    reads, PUT/DELETE by id, and POSTs whose body carries `message.idempotency_key` (§7.6).
 *    A non-idempotent write is never sent twice blindly: the caller gets the error (with
 *    `maybeCommitted` for network failures) and must read back first.
 *  - Connection failures that happen before any byte was sent (refused, DNS, connect
 *    timeout) are safe for every method: the server never saw the request.
 * What is never retried: failures that would repeat identically (`isFinalNetworkCode`: an
 * invalid header value, an oversized response), 409 codes in FINAL_CONFLICT_CODES and every other 4xx. Decision
 * (issue 2): 409/2009 "chat still being created" is not retried here either; the engine's
 * read-back handles it, and retrying a create on 2009 could not make it finish sooner.
 */
import { FINAL_CONFLICT_CODES } from "../../api-wire/error-codes.js";
import { LinqConfigError } from "./client-errors.js";

export interface RetryPolicyOptions {
  /** Retries after the first attempt. Default 5 (so at most 6 attempts). */
  maxRetries?: number;
  /** First backoff step in ms. Default 1000 (docs: "start at 1 s"). */
  baseDelayMs?: number;
  /** Upper bound of a computed backoff in ms. Default 30 000 (docs: "cap at 30 s"). */
  maxDelayMs?: number;
  /**
   * Longest server-requested wait (Retry-After) the client sits out on its own, in ms.
   * A longer wait is not slept through: the 429 is surfaced with its `retryAfter` so the
   * caller can decide. Default 120 000.
   */
  maxRetryAfterMs?: number;
  /** Source of randomness in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
}

/** What went wrong with one attempt, as far as the retry decision is concerned. */
export type AttemptFailure =
  | { kind: "status"; status: number; code: number; retryAfterMs?: number }
  | { kind: "network"; code: string; sentBeforeFailure: boolean };

export interface RetryContext {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** Whether sending the request twice cannot do harm (see `isIdempotentRequest`). */
  idempotent: boolean;
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string; rateLimited: boolean }
  | { retry: false; reason: string };

/** Node/undici codes meaning the connection was never established, so nothing was sent. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Codes meaning the request could not even be formed (a header value undici refuses, a body
 * that cannot be serialized, a response too large to accept): sending it again fails the same
 * way, so retrying only burns time.
 */
const FINAL_NETWORK_CODES: ReadonlySet<string> = new Set([
  "UND_ERR_INVALID_ARG",
  "UND_ERR_NOT_SUPPORTED",
  "ERR_INVALID_ARG_TYPE",
  "ERR_INVALID_ARG_VALUE",
  "ERR_INVALID_CHAR",
  "ERR_INVALID_HTTP_TOKEN",
  "ERR_STRING_TOO_LONG",
  "RESPONSE_TOO_LARGE",
]);

/** True when a network error code proves the request never left this machine. */
export function failedBeforeSending(code: string): boolean {
  return (
    NOT_SENT_CODES.has(code) || (FINAL_NETWORK_CODES.has(code) && code !== "RESPONSE_TOO_LARGE")
  );
}

/** True when a failure without response would fail identically on every retry. */
export function isFinalNetworkCode(code: string): boolean {
  return FINAL_NETWORK_CODES.has(code);
}

/**
 * Idempotent by construction: GET/HEAD, PUT/DELETE (all of this API's PUT/DELETE address a
 * resource by id and set or remove it), and a POST whose body carries a non-empty
 * `message.idempotency_key` (the API returns the original response for a replay, §7.6).
 */
export function isIdempotentRequest(method: string, body: unknown): boolean {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD" || m === "PUT" || m === "DELETE") return true;
  if (m === "POST") return hasMessageIdempotencyKey(body);
  return false;
}

function hasMessageIdempotencyKey(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const message = (body as { message?: unknown }).message;
  if (typeof message !== "object" || message === null) return false;
  const key = (message as { idempotency_key?: unknown }).idempotency_key;
  return typeof key === "string" && key.length > 0;
}

export class RetryPolicy {
  readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxRetries = nonNegativeInteger(options.maxRetries ?? 5, "maxRetries");
    this.baseDelayMs = nonNegativeInteger(options.baseDelayMs ?? 1_000, "baseDelayMs");
    this.maxDelayMs = nonNegativeInteger(options.maxDelayMs ?? 30_000, "maxDelayMs");
    this.maxRetryAfterMs = nonNegativeInteger(
      options.maxRetryAfterMs ?? 120_000,
      "maxRetryAfterMs",
    );
    this.random = options.random ?? Math.random;
  }

  decide(failure: AttemptFailure, ctx: RetryContext): RetryDecision {
    const reason = failure.kind === "status" ? describeStatus(failure) : failure.code;
    const eligibility = this.eligibility(failure, ctx.idempotent);
    if (eligibility !== "ok") return { retry: false, reason: eligibility };
    if (ctx.attempt > this.maxRetries) {
      return {
        retry: false,
        reason: `gave up after ${ctx.attempt} attempts (maxRetries ${this.maxRetries})`,
      };
    }

    if (failure.kind === "status" && failure.status === 429 && failure.retryAfterMs !== undefined) {
      const delayMs = Math.max(0, Math.ceil(failure.retryAfterMs));
      if (delayMs > this.maxRetryAfterMs) {
        return {
          retry: false,
          reason: `server asked to wait ${delayMs} ms, longer than maxRetryAfterMs ${this.maxRetryAfterMs}`,
        };
      }
      return { retry: true, delayMs, reason, rateLimited: true };
    }
    const rateLimited = failure.kind === "status" && failure.status === 429;
    return { retry: true, delayMs: this.backoffMs(ctx.attempt), reason, rateLimited };
  }

  /**
   * Exponential backoff for the retry after attempt `attempt` (1-based): base·2^(attempt-1),
   * capped, minus up to 25 % jitter so concurrent clients do not retry in lockstep.
   */
  backoffMs(attempt: number): number {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(exp * (1 - 0.25 * this.random()));
  }

  private eligibility(failure: AttemptFailure, idempotent: boolean): "ok" | string {
    if (failure.kind === "network") {
      if (isFinalNetworkCode(failure.code))
        return `not retried: ${failure.code} would fail the same way again`;
      if (idempotent || !failure.sentBeforeFailure) return "ok";
      return "not retried: a write without idempotency key may already have been carried out";
    }
    const { status, code } = failure;
    if (status === 429) return "ok";
    if (status === 409 && FINAL_CONFLICT_CODES.has(code))
      return `not retried: ${code} is a final state`;
    if (status < 500) return `not retried: ${status} is a client error`;
    if (!idempotent)
      return "not retried: a write without idempotency key may already have been carried out";
    return "ok";
  }
}

function describeStatus(failure: { status: number; code: number }): string {
  return failure.code ? `${failure.status} (${failure.code})` : String(failure.status);
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new LinqConfigError(
      "INVALID_OPTION",
      `LinqClient option ${name} must be a non-negative integer, got ${value}`,
    );
  }
  return value;
}
