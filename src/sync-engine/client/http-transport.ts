/**
 * One HTTP attempt against the API, nothing more: send through a keep-alive undici Pool bound
 * to the API origin, enforce the per-request timeout, read and parse the body, and classify
 * what happened (parsed success, API error, or no response). Retrying, rate limiting and
 * hooks are the caller's job (`linq-client.ts`).
 */
import { inspect } from "node:util";
import { Pool, request } from "undici";
import type { ErrorEnvelope } from "../../api-wire/types.js";
import { LinqApiError, LinqProtocolError, redactSecret } from "./client-errors.js";
import { escapeTerminal } from "../output/inert-text.js";
import { buildRequestHeaders, type AcceptKind } from "./request-headers.js";
import { failedBeforeSending } from "./retry-policy.js";

export interface HttpTransportOptions {
  /** Normalized base URL, e.g. `https://api.linqapp.com/api/partner` (no trailing slash). */
  baseUrl: string;
  token: string;
  /** Per-attempt limit for the whole exchange (headers and body), in ms. */
  timeoutMs: number;
  /** Most sockets kept open to the origin. */
  maxConnections: number;
  /** Largest response body read, in bytes; a longer one is refused (default 8 MiB). */
  maxResponseBytes?: number;
}

/**
 * A list page of 100 chats is tens of kB; 8 MiB leaves ample room while keeping a hostile or
 * broken server from filling memory (a body is a string, and strings past ~512 MB throw).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface HttpRequest {
  method: string;
  /** Path below the base URL, with query, e.g. `/v3/chats?limit=100`. */
  path: string;
  body?: unknown;
  accept: AcceptKind;
}

export type AttemptOutcome =
  | { kind: "success"; status: number; body: unknown }
  | { kind: "api-error"; error: LinqApiError }
  | {
      kind: "network";
      code: string;
      detail: string;
      /** False only when the error proves the request never left this machine. */
      sentBeforeFailure: boolean;
      cause: unknown;
    };

/** Thrown into undici's abort signal so our own timeout is told apart from other aborts. */
class AttemptTimeout extends Error {
  readonly code = "TIMEOUT";
}

export class HttpTransport {
  readonly #token: string;
  readonly #pool: Pool;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: HttpTransportOptions) {
    const base = new URL(options.baseUrl);
    this.#token = options.token;
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#pool = new Pool(base.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      // Below common server/load-balancer idle timeouts, so we rarely send on a socket the
      // server is closing (that race would surface as maybeCommitted on a write).
      keepAliveTimeout: 4_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(req: HttpRequest): Promise<AttemptOutcome> {
    const hasBody = req.body !== undefined;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new AttemptTimeout("timeout")),
      this.#timeoutMs,
    );
    try {
      const res = await request(`${this.#origin}${this.#basePath}${req.path}`, {
        dispatcher: this.#pool,
        method: req.method as "GET",
        headers: buildRequestHeaders(this.#token, req.accept, hasBody),
        body: hasBody ? JSON.stringify(req.body) : undefined,
        signal: controller.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      const header = (name: string): string | undefined => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const text = await this.readCappedBody(req, res.statusCode, res.body, header);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        return {
          kind: "success",
          status: res.statusCode,
          body: this.parseSuccessBody(req, res.statusCode, header("content-type"), text),
        };
      }
      return { kind: "api-error", error: this.toApiError(req, res.statusCode, header, text) };
    } catch (err) {
      if (err instanceof LinqProtocolError) throw err;
      return this.toNetworkOutcome(err, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The body as text, streamed and counted, so an oversized answer is refused after at most
   * `maxResponseBytes` are buffered; the rest is never read. Refusal is final (not retried):
   * the same request would bring the same body.
   */
  private async readCappedBody(
    req: HttpRequest,
    status: number,
    body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
    header: (name: string) => string | undefined,
  ): Promise<string> {
    const cap = this.#maxResponseBytes;
    const tooLarge = (what: string) => {
      body.destroy();
      return new LinqProtocolError({
        method: req.method,
        path: req.path,
        status,
        code: "RESPONSE_TOO_LARGE",
        detail: `the body is ${what}, more than the ${cap}-byte limit for one response; it was not read. A Linq API response is far smaller, so the endpoint is probably not the Linq API (or is broken)`,
      });
    };
    const declared = Number(header("content-length"));
    if (Number.isFinite(declared) && declared > cap) throw tooLarge(`${declared} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > cap) throw tooLarge("longer");
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString("utf8");
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** 204/empty → undefined; JSON or `+json` → parsed; anything else is a protocol error. */
  private parseSuccessBody(
    req: HttpRequest,
    status: number,
    contentType: string | undefined,
    text: string,
  ): unknown {
    if (status === 204 || text.length === 0) return undefined;
    if (!isJsonContentType(contentType)) {
      throw new LinqProtocolError({
        method: req.method,
        path: req.path,
        status,
        detail: `expected a JSON body, got content-type ${contentType ?? "(none)"}`,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new LinqProtocolError({
        method: req.method,
        path: req.path,
        status,
        detail: `invalid JSON (${(err as Error).message})`,
      });
    }
  }

  private toApiError(
    req: HttpRequest,
    status: number,
    header: (name: string) => string | undefined,
    text: string,
  ): LinqApiError {
    const envelope = parseErrorEnvelope(text);
    const headerTrace = header("x-trace-id");
    const retryAfter = envelope?.error.retry_after ?? parseRetryAfterHeader(header("retry-after"));
    const retryAfterMsHeader = Number(header("retry-after-ms") ?? Number.NaN);
    const retryAfterMs =
      Number.isFinite(retryAfterMsHeader) && retryAfterMsHeader >= 0
        ? retryAfterMsHeader
        : undefined;
    // A server's words end up in a terminal: one line, escaped, and short (a 502 page can carry
    // escape sequences that clear the screen and print a fake "Apply complete!").
    const oneLine = (s: string) => escapeTerminal(s.replace(/\s+/g, " ").trim());
    const snippet = oneLine(text).slice(0, 200);
    const traceId = envelope?.trace_id ?? headerTrace;
    return new LinqApiError({
      method: req.method,
      path: req.path,
      status,
      code: envelope?.error.code ?? 0,
      apiMessage: redactSecret(
        (envelope ? oneLine(envelope.error.message) : undefined) ??
          (snippet ? `non-Linq error response: ${snippet}` : "empty error response"),
        this.#token,
      ),
      traceId: traceId === undefined ? undefined : oneLine(traceId).slice(0, 100),
      retryAfter,
      retryAfterMs,
      docUrl: envelope?.error.doc_url,
    });
  }

  private toNetworkOutcome(err: unknown, signal: AbortSignal): AttemptOutcome {
    const timedOut = signal.aborted && signal.reason instanceof AttemptTimeout;
    const rawCode = errorCode(err);
    const code =
      timedOut || rawCode === "UND_ERR_HEADERS_TIMEOUT" || rawCode === "UND_ERR_BODY_TIMEOUT"
        ? "TIMEOUT"
        : rawCode === "UND_ERR_CLOSED" || rawCode === "UND_ERR_DESTROYED"
          ? "CLIENT_CLOSED"
          : rawCode;
    const detail =
      code === "TIMEOUT"
        ? `no complete response within ${this.#timeoutMs} ms`
        : code === "CLIENT_CLOSED"
          ? "the client was closed"
          : redactSecret(err instanceof Error ? err.message : String(err), this.#token);
    return {
      kind: "network",
      code,
      detail,
      sentBeforeFailure: code !== "CLIENT_CLOSED" && !failedBeforeSending(code),
      cause: err,
    };
  }

  [inspect.custom](): string {
    return `HttpTransport { origin: ${this.#origin}, basePath: ${this.#basePath} }`;
  }
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return mime === "application/json" || mime.endsWith("+json");
}

function parseErrorEnvelope(text: string): ErrorEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.code !== "number" || typeof e.message !== "string") return undefined;
  const trace = (parsed as { trace_id?: unknown }).trace_id;
  return {
    success: false,
    error: {
      status: typeof e.status === "number" ? e.status : 0,
      code: e.code,
      message: e.message,
      doc_url: typeof e.doc_url === "string" ? e.doc_url : undefined,
      retry_after:
        typeof e.retry_after === "number" && e.retry_after >= 0 ? e.retry_after : undefined,
    },
    trace_id: typeof trace === "string" ? trace : "",
  } satisfies ErrorEnvelope;
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterHeader(
  value: string | undefined,
  nowMs = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date always names a weekday/month; this keeps Date.parse from reading "-5" as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1_000));
}

/** The Node/undici error code, looking through AggregateError (happy-eyeballs connects). */
function errorCode(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code) return code;
    if (err instanceof AggregateError) {
      for (const inner of err.errors) {
        const c = errorCode(inner);
        if (c !== "UNKNOWN") return c;
      }
    }
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== err) return errorCode(cause);
  }
  return "UNKNOWN";
}
