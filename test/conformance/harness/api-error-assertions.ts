/**
 * One assertion for "this SDK call failed the documented way": the SDK error class, its HTTP
 * status, and the error envelope (linq-api-v3.md §2.1) with our `error.code`.
 */
import { expect } from "vitest";
import { APIError } from "@linqapp/sdk";
import type { ErrorEnvelope } from "../../../src/api-wire/index.js";

type ApiErrorClass = abstract new (...args: never[]) => APIError;

export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Checks the §2.1 envelope fields that every error body carries. */
export function expectErrorEnvelope(body: unknown, status: number, code: number): ErrorEnvelope {
  const envelope = body as ErrorEnvelope;
  expect(envelope, "error body").toBeTypeOf("object");
  expect(envelope.success).toBe(false);
  expect(envelope.error.status).toBe(status);
  expect(envelope.error.code).toBe(code);
  expect(envelope.error.message).toBeTypeOf("string");
  expect(envelope.error.message.length).toBeGreaterThan(0);
  if (envelope.error.doc_url !== undefined) {
    expect(envelope.error.doc_url).toBe(
      `https://docs.linqapp.com/error/codes/${String(code).charAt(0)}xxx/${code}/`,
    );
  }
  expect(envelope.trace_id).toMatch(TRACE_ID_PATTERN);
  return envelope;
}

/**
 * Awaits `call`, which must reject with `errorClass` carrying `status` and an envelope with
 * `code`. Returns the SDK error (for headers) and its envelope.
 */
export async function expectApiError(
  call: PromiseLike<unknown>,
  errorClass: ApiErrorClass,
  status: number,
  code: number,
): Promise<{ error: APIError; envelope: ErrorEnvelope }> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(
    caught,
    `expected the call to fail with ${errorClass.name} ${status}/${code}`,
  ).toBeInstanceOf(errorClass);
  const error = caught as APIError;
  expect(error.status).toBe(status);
  const envelope = expectErrorEnvelope(error.error, status, code);
  // §1.4/§2.6: the body's trace_id is the X-Trace-ID header.
  expect(error.headers?.get("x-trace-id")).toBe(envelope.trace_id);
  return { error, envelope };
}
