/**
 * Cross-cutting error behaviour (linq-api-v3.md §1.2–§2, §10) driven through the official SDK:
 * auth, ownership of `from`, request validation, unknown ids, the error envelope, X-Trace-ID,
 * and rate limiting with Retry-After.
 */
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "@linqapp/sdk";
import type { ChatCreateParams } from "@linqapp/sdk/resources/chats/chats";
import {
  chatsInState,
  useConformanceEmulator,
  type ConformanceContext,
} from "./harness/conformance-emulator.js";
import {
  expectApiError,
  expectErrorEnvelope,
  TRACE_ID_PATTERN,
} from "./harness/api-error-assertions.js";
import { FOREIGN_LINE, recipient, TEXT, UNKNOWN_UUID } from "./harness/sample-values.js";

describe("conformance: authentication (401/2004)", () => {
  const ctx = useConformanceEmulator();

  it("rejects a wrong bearer token with AuthenticationError 401/2004", async () => {
    const bad = ctx().sdkWith({ apiKey: "not-a-real-token" });
    await expectApiError(bad.phoneNumbers.list(), AuthenticationError, 401, 2004);
    await expectApiError(
      bad.chats.create({ from: ctx().lineA, to: [recipient(1)], message: { parts: [TEXT("hi")] } }),
      AuthenticationError,
      401,
      2004,
    );
  });

  it("rejects a request without an Authorization header with 401/2004", async () => {
    const res = await fetch(`${ctx().emulator.baseUrl}/v3/chats`);
    expect(res.status).toBe(401);
    const body = await res.json();
    const envelope = expectErrorEnvelope(body, 401, 2004);
    expect(res.headers.get("x-trace-id")).toBe(envelope.trace_id);
  });

  it("does not change the account when the token is wrong", async () => {
    const bad = ctx().sdkWith({ apiKey: "not-a-real-token" });
    await expectApiError(
      bad.chats.create({ from: ctx().lineA, to: [recipient(1)], message: { parts: [TEXT("hi")] } }),
      AuthenticationError,
      401,
      2004,
    );
    const page = await ctx().sdk.chats.listChats();
    expect(page.chats).toEqual([]);
  });
});

describe("conformance: request validation", () => {
  const ctx = useConformanceEmulator();

  it("refuses a `from` the token does not own with PermissionDeniedError 403/2006", async () => {
    await expectApiError(
      ctx().sdk.chats.create({
        from: FOREIGN_LINE,
        to: [recipient(1)],
        message: { parts: [TEXT("hi")] },
      }),
      PermissionDeniedError,
      403,
      2006,
    );
  });

  it("refuses a `from` that is not E.164 with BadRequestError 400/1002", async () => {
    await expectApiError(
      ctx().sdk.chats.create({
        from: "2025550100",
        to: [recipient(1)],
        message: { parts: [TEXT("hi")] },
      }),
      BadRequestError,
      400,
      1002,
    );
  });

  it("refuses a recipient phone number that is not E.164 with 400/1002", async () => {
    await expectApiError(
      ctx().sdk.chats.create({
        from: ctx().lineA,
        to: ["(415) 555-0101"],
        message: { parts: [TEXT("hi")] },
      }),
      BadRequestError,
      400,
      1002,
    );
  });

  it("refuses malformed JSON with 400/1003 (raw request: the SDK cannot send bad JSON)", async () => {
    const res = await fetch(`${ctx().emulator.baseUrl}/v3/chats`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ctx().emulator.token}`,
        "content-type": "application/json",
      },
      body: '{"from": "+12025550100", "to": [',
    });
    expect(res.status).toBe(400);
    expectErrorEnvelope(await res.json(), 400, 1003);
  });

  it("refuses a missing `to` with 400/1001", async () => {
    const body = {
      from: ctx().lineA,
      message: { parts: [TEXT("hi")] },
    } as unknown as ChatCreateParams;
    await expectApiError(ctx().sdk.chats.create(body), BadRequestError, 400, 1001);
  });

  it("refuses a missing `message` with 400/1001", async () => {
    const body = { from: ctx().lineA, to: [recipient(1)] } as unknown as ChatCreateParams;
    await expectApiError(ctx().sdk.chats.create(body), BadRequestError, 400, 1001);
  });

  it("refuses a missing `from` with 400/1001", async () => {
    const body = {
      to: [recipient(1)],
      message: { parts: [TEXT("hi")] },
    } as unknown as ChatCreateParams;
    await expectApiError(ctx().sdk.chats.create(body), BadRequestError, 400, 1001);
  });

  it("refuses more than 31 recipients with 400/1005 (§10, inferred)", async () => {
    const to = Array.from({ length: 32 }, (_, i) => recipient(i + 1));
    await expectApiError(
      ctx().sdk.chats.create({ from: ctx().lineA, to, message: { parts: [TEXT("hi")] } }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses a chat-list limit above 100 with 400/1005 (§10, inferred)", async () => {
    await expectApiError(ctx().sdk.chats.listChats({ limit: 101 }), BadRequestError, 400, 1005);
  });

  it("refuses a chat-list limit of 0 with 400/1005 (§3: limit 1–100)", async () => {
    await expectApiError(ctx().sdk.chats.listChats({ limit: 0 }), BadRequestError, 400, 1005);
  });

  it("refuses a message-list limit above 100 with 400/1005", async () => {
    const { chat } = await ctx().sdk.chats.create({
      from: ctx().lineA,
      to: [recipient(1)],
      message: { parts: [TEXT("hi")] },
    });
    await expectApiError(
      ctx().sdk.chats.messages.list(chat.id, { limit: 101 }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("creates nothing when a request is refused", async () => {
    await expectApiError(
      ctx().sdk.chats.create({
        from: FOREIGN_LINE,
        to: [recipient(1)],
        message: { parts: [TEXT("hi")] },
      }),
      PermissionDeniedError,
      403,
      2006,
    );
    const page = await ctx().sdk.chats.listChats();
    expect(page.chats).toEqual([]);
  });
});

describe("conformance: unknown ids", () => {
  const ctx = useConformanceEmulator();

  it("answers an unknown chat id with NotFoundError 404/2001", async () => {
    await expectApiError(ctx().sdk.chats.retrieve(UNKNOWN_UUID), NotFoundError, 404, 2001);
  });

  it("answers writes to an unknown chat with 404/2001", async () => {
    await expectApiError(
      ctx().sdk.chats.messages.send(UNKNOWN_UUID, { message: { parts: [TEXT("hi")] } }),
      NotFoundError,
      404,
      2001,
    );
    await expectApiError(
      ctx().sdk.chats.update(UNKNOWN_UUID, { display_name: "x" }),
      NotFoundError,
      404,
      2001,
    );
    await expectApiError(
      ctx().sdk.chats.participants.add(UNKNOWN_UUID, { handle: recipient(9) }),
      NotFoundError,
      404,
      2001,
    );
  });

  it("answers an unknown webhook subscription id with NotFoundError 404/2010", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.retrieve(UNKNOWN_UUID),
      NotFoundError,
      404,
      2010,
    );
    await expectApiError(
      ctx().sdk.webhookSubscriptions.delete(UNKNOWN_UUID),
      NotFoundError,
      404,
      2010,
    );
    await expectApiError(
      ctx().sdk.webhookSubscriptions.update(UNKNOWN_UUID, { is_active: false }),
      NotFoundError,
      404,
      2010,
    );
  });
});

describe("conformance: response headers", () => {
  const ctx = useConformanceEmulator();

  it("sends a 32-hex X-Trace-ID on success responses too, fresh per request", async () => {
    const first = await ctx().sdk.phoneNumbers.list().asResponse();
    const second = await ctx().sdk.phoneNumbers.list().asResponse();
    expect(first.headers.get("x-trace-id")).toMatch(TRACE_ID_PATTERN);
    expect(second.headers.get("x-trace-id")).toMatch(TRACE_ID_PATTERN);
    expect(first.headers.get("x-trace-id")).not.toBe(second.headers.get("x-trace-id"));
  });

  it("sends X-Trace-ID on 201 and 204 responses as well", async () => {
    const { sdk, lineA } = ctx();
    const created = await sdk.chats
      .create({ from: lineA, to: [recipient(1)], message: { parts: [TEXT("hi")] } })
      .withResponse();
    expect(created.response.headers.get("x-trace-id")).toMatch(TRACE_ID_PATTERN);
    const read = await sdk.chats.markAsRead(created.data.chat.id).asResponse();
    expect(read.status).toBe(204);
    expect(read.headers.get("x-trace-id")).toMatch(TRACE_ID_PATTERN);
  });

  it("ignores a client traceparent and starts a fresh trace (§1.3)", async () => {
    const clientTraceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await ctx()
      .sdk.phoneNumbers.list({
        headers: { traceparent: `00-${clientTraceId}-b7ad6b7169203331-01` },
      })
      .asResponse();
    expect(res.headers.get("x-trace-id")).toMatch(TRACE_ID_PATTERN);
    expect(res.headers.get("x-trace-id")).not.toBe(clientTraceId);
  });
});

describe("conformance: rate limiting (429/1007)", () => {
  const ctx = useConformanceEmulator();

  it("answers RateLimitError 429/1007 with Retry-After equal to error.retry_after", async () => {
    await ctx().control.rateLimit({ rps: 1, burst: 1 });
    // The bucket holds one token, so among a burst of calls at least one must be refused;
    // calling until the first refusal keeps the test independent of machine speed.
    let refused: unknown;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      try {
        await ctx().sdk.phoneNumbers.list();
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toBeInstanceOf(RateLimitError);
    const error = refused as RateLimitError;
    expect(error.status).toBe(429);
    const envelope = expectErrorEnvelope(error.error, 429, 1007);
    const header = error.headers.get("retry-after");
    expect(header).toMatch(/^\d+$/);
    expect(Number(header)).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(envelope.error.retry_after)).toBe(true);
    expect(envelope.error.retry_after).toBe(Number(header));
  });

  it("lifts the limit again with rps 0", async () => {
    await ctx().control.rateLimit({ rps: 1, burst: 1 });
    await ctx().control.rateLimit({ rps: 0 });
    for (let i = 0; i < 10; i++) {
      await expect(ctx().sdk.phoneNumbers.list()).resolves.toHaveProperty("phone_numbers");
    }
  });

  it("lets the SDK's default retry honour Retry-After and succeed", async () => {
    await ctx().control.rateLimit({ rps: 2, burst: 1 });
    const patient = ctx().sdkWith({ maxRetries: 5 });
    for (let i = 0; i < 3; i++) {
      await expect(patient.phoneNumbers.list()).resolves.toHaveProperty("phone_numbers");
    }
    const requests = await ctx().control.requests();
    expect(requests.some((r) => r.status === 429)).toBe(true);
  });
});

describe("conformance: idempotent chat creation", () => {
  const ctx = useConformanceEmulator();

  it("replays POST /v3/chats with the same idempotency_key to the same chat, and stores one chat", async () => {
    const { sdk, control, lineA } = ctx();
    const body = {
      from: lineA,
      to: [recipient(1), recipient(2)],
      message: { parts: [TEXT("Welcome")], idempotency_key: "conformance-create-1" },
    };
    const first = await sdk.chats.create(body);
    const second = await sdk.chats.create(body);
    expect(second.chat.id).toBe(first.chat.id);
    expect(second.chat.message.id).toBe(first.chat.message.id);

    expect(chatsInState(await control.state())).toHaveLength(1);
    const page = await sdk.chats.listChats();
    expect(page.chats.map((c) => c.id)).toEqual([first.chat.id]);
    const messages = await sdk.chats.messages.list(first.chat.id);
    expect(messages.messages).toHaveLength(1);
  });
});

describe("conformance: token scoping (403/2005, 403/2006 across tokens)", () => {
  const LINE_1 = "+12025550100";
  const LINE_2 = "+12025550111";
  // tokenLines is the emulator's additive option (src/emulator/index.ts): tok-b owns LINE_2 only.
  const ctx = useConformanceEmulator({
    tokens: ["tok-a", "tok-b"],
    phoneNumbers: [LINE_1, LINE_2],
    tokenLines: { "tok-b": [LINE_2] },
  });

  it("shows a token only its own lines", async () => {
    const b = ctx().sdkWith({ apiKey: "tok-b" });
    const { phone_numbers } = await b.phoneNumbers.list();
    expect(phone_numbers.map((p) => p.phone_number)).toEqual([LINE_2]);
  });

  it("refuses another token's chat with 403/2005 (emulator decision; 403 or 404 UNSETTLED)", async () => {
    const a = ctx().sdkWith({ apiKey: "tok-a" });
    const b = ctx().sdkWith({ apiKey: "tok-b" });
    const chat = await createChatFor(a, LINE_1);
    await expectApiError(b.chats.retrieve(chat.id), PermissionDeniedError, 403, 2005);
    await expectApiError(
      b.chats.messages.send(chat.id, { message: { parts: [TEXT("not mine")] } }),
      PermissionDeniedError,
      403,
      2005,
    );
    const visible: string[] = [];
    for await (const c of b.chats.listChats()) visible.push(c.id);
    expect(visible).not.toContain(chat.id);
  });

  it("refuses sending from a line of another token with 403/2006", async () => {
    const b = ctx().sdkWith({ apiKey: "tok-b" });
    await expectApiError(
      b.chats.create({ from: LINE_1, to: [recipient(1)], message: { parts: [TEXT("hi")] } }),
      PermissionDeniedError,
      403,
      2006,
    );
  });
});

async function createChatFor(sdk: ReturnType<ConformanceContext["sdkWith"]>, from: string) {
  const { chat } = await sdk.chats.create({
    from,
    to: [recipient(1)],
    message: { parts: [TEXT("hi")] },
  });
  return chat;
}
