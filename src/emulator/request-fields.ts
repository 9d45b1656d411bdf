/** Reading JSON request bodies field by field, each failure with its documented code. */
import { ErrorCode } from "../api-wire/index.js";
import { ApiError, invalidParameter, missingField } from "./api-error.js";

export type JsonObject = Record<string, unknown>;

/** The body as an object; a missing body counts as `{}` so the first missing field is named. */
export function objectBody(body: unknown): JsonObject {
  if (body === undefined) return {};
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, ErrorCode.InvalidRequestBody, "The request body must be a JSON object");
  }
  return body as JsonObject;
}

export function requiredString(obj: JsonObject, field: string): string {
  const v = obj[field];
  if (v === undefined || v === null || v === "") throw missingField(field);
  if (typeof v !== "string") throw invalidParameter(`${field} must be a string`);
  return v;
}

export function optionalString(obj: JsonObject, field: string): string | undefined {
  const v = obj[field];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw invalidParameter(`${field} must be a string`);
  return v;
}

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

/** Query arrays arrive comma-joined (`to=a,b`, the SDK) or repeated (`to=a&to=b`); accept both. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}
