/**
 * The one error type route handlers throw. The server turns it into the §2.1 envelope, so a
 * handler only states status, code and a message that says what is wrong and how to fix it.
 */
import { ErrorCode } from "../api-wire/error-codes.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Seconds; only for 429 (`error.retry_after` and the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
    /** Milliseconds for the SDK's `retry-after-ms` header, more precise than Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function missingField(field: string): ApiError {
  return new ApiError(400, ErrorCode.MissingRequiredField, `Missing required field: ${field}`);
}

export function invalidParameter(message: string): ApiError {
  return new ApiError(400, ErrorCode.InvalidParameterValue, message);
}

export function invalidPhone(field: string, value: unknown): ApiError {
  return new ApiError(
    400,
    ErrorCode.InvalidPhoneFormat,
    `${field} must be an E.164 phone number such as +12025550100 (got ${JSON.stringify(value)})`,
  );
}

export function chatNotFound(chatId: string): ApiError {
  return new ApiError(404, ErrorCode.ChatNotFound, `Chat ${chatId} not found`);
}

export function chatUnavailable(chatId: string): ApiError {
  return new ApiError(
    409,
    ErrorCode.ChatUnavailable,
    `This chat is unavailable: you left chat ${chatId}`,
  );
}

export function phoneNotOwned(field: string, phone: string): ApiError {
  return new ApiError(
    403,
    ErrorCode.PhonePermissionDenied,
    `${field} ${phone} is not a line of this token; use one listed by GET /v3/phone_numbers`,
  );
}

export function rateLimited(retryAfterMs: number, what: string): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ApiError(
    429,
    ErrorCode.RateLimitExceeded,
    `Rate limited (${what}). Try again in ${seconds} seconds.`,
    seconds,
    Math.max(1, Math.ceil(retryAfterMs)),
  );
}
