/** Plain-fetch calls against a started emulator, returning status, headers and parsed JSON. */
import { expect } from "vitest";
import type { StartedEmulator } from "../support/emulator.js";

/**
 * Parsed JSON bodies: assertions reach into them field by field, so a loose type keeps the
 * tests readable; every value is still checked by an expect().
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpResult<T = Json> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export async function call<T = Json>(
  emu: StartedEmulator,
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? emu.token}`;
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: text === "" ? undefined : JSON.parse(text),
  };
}

/** Asserts the §2.1 error envelope with the given status and code. */
export function expectApiError(r: HttpResult, status: number, code: number): void {
  expect({
    status: r.status,
    code: r.json?.error?.code,
    message: r.json?.error?.message,
  }).toMatchObject({ status, code });
  expect(r.json.success).toBe(false);
  expect(r.json.error.status).toBe(status);
  expect(typeof r.json.error.message).toBe("string");
  expect(r.json.error.doc_url).toBe(
    `https://docs.linqapp.com/error/codes/${String(code)[0]}xxx/${code}/`,
  );
  expect(r.json.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(r.headers.get("x-trace-id")).toBe(r.json.trace_id);
}

export const ALICE = "+14155550101";
export const BOB = "+14155550102";
export const CAROL = "+14155550103";
export const DAVE = "+14155550104";

export function text(value: string, extra: Record<string, unknown> = {}): { parts: unknown[] } {
  return { parts: [{ type: "text", value }], ...extra };
}

export async function createChat(
  emu: StartedEmulator,
  to: string[],
  message: unknown = text("Welcome"),
  from = emu.phoneNumbers[0],
  token?: string,
) {
  const r = await call(
    emu,
    "POST",
    "/v3/chats",
    { from, to, message },
    token === undefined ? {} : { token },
  );
  expect(r.status, r.text).toBe(201);
  return r.json.chat as {
    id: string;
    handles: Json[];
    is_group: boolean;
    service: string;
    message: Json;
  };
}
