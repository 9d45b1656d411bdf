/** Low-level request/response plumbing shared by the API and control surfaces. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, docUrlFor, type ErrorEnvelope } from "../api-wire/index.js";
import { ApiError } from "./api-error.js";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A fresh W3C trace id (32 hex) per request; client `traceparent` is ignored (§1.3). */
export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(
        400,
        ErrorCode.InvalidRequestBody,
        `Request body exceeds ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON body: empty → undefined; a non-JSON content type or malformed JSON →
 * 400/1003. A missing content type is tolerated when the bytes are JSON.
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "" && type !== "application/json" && !type.endsWith("+json")) {
    throw new ApiError(
      400,
      ErrorCode.InvalidRequestBody,
      `Invalid request body: Content-Type must be application/json (got ${type})`,
    );
  }
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new ApiError(
      400,
      ErrorCode.InvalidRequestBody,
      `Invalid request body: malformed JSON (${(err as Error).message})`,
    );
  }
}

export function errorEnvelope(err: ApiError, traceId: string): ErrorEnvelope {
  return {
    success: false,
    error: {
      status: err.status,
      code: err.code,
      message: err.message,
      ...(err.retryAfterSeconds === undefined ? {} : { retry_after: err.retryAfterSeconds }),
      doc_url: docUrlFor(err.code),
    },
    trace_id: traceId,
  };
}

export function errorHeaders(err: ApiError): Record<string, string> {
  if (err.retryAfterSeconds === undefined) return {};
  return {
    "retry-after": String(err.retryAfterSeconds),
    ...(err.retryAfterMs === undefined ? {} : { "retry-after-ms": String(err.retryAfterMs) }),
  };
}

/** Writes a response; `body === undefined` sends no body (204). */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  traceId: string,
): void {
  res.setHeader("x-trace-id", traceId);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined || status === 204) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  if (!res.hasHeader("content-type"))
    res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.writeHead(status);
  res.end(text);
}

/** The error code an injected fault status carries (§2.3). */
export function codeForInjectedStatus(status: number): number {
  switch (status) {
    case 429:
      return ErrorCode.RateLimitExceeded;
    case 503:
      return ErrorCode.ServiceUnavailable;
    case 504:
      return 3005;
    case 502:
      return ErrorCode.ServerConnectionError;
    case 401:
      return ErrorCode.Unauthorized;
    case 403:
      return ErrorCode.AccessDenied;
    case 404:
      return ErrorCode.ChatNotFound;
    case 409:
      return ErrorCode.StateConflict;
    default:
      return status >= 500 ? ErrorCode.InternalServerError : ErrorCode.InvalidParameterValue;
  }
}
