/**
 * Typed errors of the Linq API client. Every class carries a `code` and a message that says
 * what failed (method + path), why (status, API code, server message), and how to go on.
 * None of them ever holds the bearer token: messages are built from the method, the path,
 * the status and the server's error envelope, and the client redacts the token from any
 * server-supplied text before it lands in a message (see `redactSecret`).
 */
import { hintForApiError } from "./error-hints.js";

/** Replaces every occurrence of `secret` in `text` so server echoes can't leak the token. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join("[REDACTED]");
}

export interface LinqApiErrorInit {
  method: string;
  path: string;
  status: number;
  /** The `error.code` of the envelope; 0 when the response carried no Linq error envelope. */
  code: number;
  /** The server's `error.message` (or a short description when there was no envelope). */
  apiMessage: string;
  traceId?: string;
  /** Seconds the server asked us to wait (429 `error.retry_after` or `Retry-After`). */
  retryAfter?: number;
  /**
   * The same wait in ms, from `retry-after-ms` when the server sends it (not in the Linq docs,
   * but the official SDK honours it, §1.6), else `retryAfter`·1000.
   */
  retryAfterMs?: number;
  docUrl?: string;
}

/** The API answered with a non-2xx status. */
export class LinqApiError extends Error {
  /** The API error code (§2.3), e.g. 2006; 0 when the response had no error envelope. */
  readonly code: number;
  readonly status: number;
  readonly traceId: string | undefined;
  /** Seconds to wait before retrying, when the server said so (429). */
  readonly retryAfter: number | undefined;
  /** The wait in ms (more precise than `retryAfter` when the server sent `retry-after-ms`). */
  readonly retryAfterMs: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly apiMessage: string;
  readonly docUrl: string | undefined;

  constructor(init: LinqApiErrorInit) {
    super(formatApiErrorMessage(init));
    this.name = "LinqApiError";
    this.code = init.code;
    this.status = init.status;
    this.traceId = init.traceId;
    this.retryAfter = init.retryAfter;
    this.retryAfterMs =
      init.retryAfterMs ?? (init.retryAfter === undefined ? undefined : init.retryAfter * 1_000);
    this.method = init.method;
    this.path = init.path;
    this.apiMessage = init.apiMessage;
    this.docUrl = init.docUrl;
  }
}

function formatApiErrorMessage(init: LinqApiErrorInit): string {
  const code = init.code ? ` (${init.code})` : "";
  const hint = hintForApiError(init.status, init.code, init.method, init.path);
  const wait = init.retryAfter !== undefined ? ` Retry after ${init.retryAfter} s.` : "";
  const trace = init.traceId ? ` [trace ${init.traceId}]` : "";
  return (
    `${init.method} ${init.path} failed: ${init.status}${code} ${init.apiMessage}` +
    (hint ? ` — ${hint}` : "") +
    wait +
    trace
  );
}

/**
 * Codes of `LinqNetworkError`: the undici/Node error code when there is one (`ECONNRESET`,
 * `ECONNREFUSED`, `UND_ERR_SOCKET`, …), `TIMEOUT` when our per-request timeout fired,
 * `CLIENT_CLOSED` after `close()`.
 */
export type LinqNetworkErrorCode = string;

export interface LinqNetworkErrorInit {
  method: string;
  path: string;
  code: LinqNetworkErrorCode;
  detail: string;
  /**
   * True when the request may have reached the server and been carried out even though no
   * response arrived (the connection broke after the request was sent). The caller must read
   * back before deciding to send the write again.
   */
  maybeCommitted: boolean;
  attempts: number;
  cause?: unknown;
}

/** No HTTP response was received (connection refused/reset, timeout, client closed). */
export class LinqNetworkError extends Error {
  readonly code: LinqNetworkErrorCode;
  readonly method: string;
  readonly path: string;
  readonly maybeCommitted: boolean;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(init: LinqNetworkErrorInit) {
    super(
      formatNetworkErrorMessage(init),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = "LinqNetworkError";
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.maybeCommitted = init.maybeCommitted;
    this.attempts = init.attempts;
  }
}

function formatNetworkErrorMessage(init: LinqNetworkErrorInit): string {
  const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
  const outcome = init.maybeCommitted
    ? " The request was sent but no response came back, so it may have been carried out;" +
      " read the resource back before retrying this write."
    : " Check that the endpoint is reachable (LINQ_API_BASE_URL / --endpoint).";
  return `${init.method} ${init.path} failed${tries}: ${init.code} ${init.detail}.${outcome}`;
}

/** A 2xx response whose body could not be understood (wrong content type, broken JSON). */
export class LinqProtocolError extends Error {
  /** `INVALID_RESPONSE` (unreadable or wrongly shaped) or `RESPONSE_TOO_LARGE` (over the cap). */
  readonly code: "INVALID_RESPONSE" | "RESPONSE_TOO_LARGE";
  readonly method: string;
  readonly path: string;
  readonly status: number;

  constructor(init: {
    method: string;
    path: string;
    status: number;
    detail: string;
    code?: "INVALID_RESPONSE" | "RESPONSE_TOO_LARGE";
  }) {
    super(
      `${init.method} ${init.path} returned ${init.status} with an unreadable body: ${init.detail}.` +
        " Check that the endpoint is a Linq Partner API v3 server (LINQ_API_BASE_URL / --endpoint).",
    );
    this.name = "LinqProtocolError";
    this.code = init.code ?? "INVALID_RESPONSE";
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
  }
}

export type LinqConfigErrorCode =
  "MISSING_TOKEN" | "INVALID_TOKEN" | "INVALID_BASE_URL" | "INSECURE_BASE_URL" | "INVALID_OPTION";

/** The client cannot be built from the given configuration. */
export class LinqConfigError extends Error {
  readonly code: LinqConfigErrorCode;

  constructor(code: LinqConfigErrorCode, message: string) {
    super(message);
    this.name = "LinqConfigError";
    this.code = code;
  }
}

/** Any error the client throws. */
export type LinqClientError =
  LinqApiError | LinqNetworkError | LinqProtocolError | LinqConfigError | LinqArgumentError;

/** A method was called with an argument that cannot form a valid request (e.g. an empty id). */
export class LinqArgumentError extends Error {
  readonly code = "INVALID_ARGUMENT";

  constructor(message: string) {
    super(message);
    this.name = "LinqArgumentError";
  }
}
