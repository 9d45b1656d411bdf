import { afterEach, describe, expect, it } from "vitest";
import {
  LinqApiError,
  LinqNetworkError,
  LinqProtocolError,
} from "../../src/sync-engine/client/client-errors.js";
import {
  LinqClient,
  type LinqClientOptions,
  type RequestEvent,
  type RetryEvent,
} from "../../src/sync-engine/client/linq-client.js";
import type { MessageContent } from "../../src/api-wire/types.js";
import { FakeClock } from "./fake-clock.js";
import {
  CHAT,
  resetConnection,
  sendApiError,
  sendJson,
  startScriptedServer,
  type Responder,
  type ScriptedServer,
} from "./scripted-server.js";

const TOKEN = "tok_test_0123456789";
const CREATE_BODY = {
  from: "+12025550100",
  to: ["+14155550101", "+14155550102"],
  message: { parts: [{ type: "text" as const, value: "Welcome" }] },
};
const SENT = {
  id: "m1",
  created_at: "2026-01-01T00:00:00.000Z",
  delivery_status: "queued",
  is_read: false,
  parts: [],
  sent_at: null,
};

let server: ScriptedServer | undefined;
let client: LinqClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** Starts a server answering the n-th request (0-based) with `script[n]` (last entry repeats). */
async function setup(
  script: Responder[],
  options: Partial<LinqClientOptions> = {},
  clock = new FakeClock("auto"),
): Promise<{
  server: ScriptedServer;
  client: LinqClient;
  clock: FakeClock;
  events: RequestEvent[];
  retries: RetryEvent[];
}> {
  let n = 0;
  server = await startScriptedServer((req, res, raw) =>
    script[Math.min(n++, script.length - 1)]!(req, res, raw),
  );
  const events: RequestEvent[] = [];
  const retries: RetryEvent[] = [];
  client = new LinqClient({
    token: TOKEN,
    baseUrl: server.baseUrl,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    onRequest: (e) => events.push(e),
    onRetry: (e) => retries.push(e),
    ...options,
  });
  return { server, client, clock, events, retries };
}

const ok: Responder = (_req, res) => sendJson(res, 200, CHAT);

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("LinqClient retries", () => {
  it("retries a 429 after exactly the Retry-After header's wait", async () => {
    const { client, server, clock, retries } = await setup([
      (_r, res) =>
        sendApiError(res, 429, 1007, "Rate limited.", { headers: { "retry-after": "3" } }),
      ok,
    ]);
    await expect(client.getChat(CHAT.id)).resolves.toMatchObject({ id: CHAT.id });
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([3000]);
    expect(retries).toEqual([
      expect.objectContaining({
        method: "GET",
        attempt: 1,
        delayMs: 3000,
        reason: "429 (1007)",
        rateLimited: true,
      }),
    ]);
  });

  it("prefers error.retry_after from the envelope", async () => {
    const { client, clock } = await setup([
      (_r, res) =>
        sendApiError(res, 429, 1007, "Rate limited. Try again in 45 seconds.", { retryAfter: 45 }),
      ok,
    ]);
    await client.getChat(CHAT.id);
    expect(clock.sleeps).toEqual([45_000]);
  });

  it("uses the more precise retry-after-ms header when the server sends one", async () => {
    const { client, clock } = await setup([
      (_r, res) =>
        sendApiError(res, 429, 1007, "Rate limited.", {
          retryAfter: 1,
          headers: { "retry-after": "1", "retry-after-ms": "250" },
        }),
      ok,
    ]);
    await client.getChat(CHAT.id);
    expect(clock.sleeps).toEqual([250]);
  });

  it("retries a 429 even on a POST without idempotency key (a 429 is never carried out)", async () => {
    const { client, server } = await setup([
      (_r, res) => sendApiError(res, 429, 1007, "Rate limited.", { retryAfter: 1 }),
      (_r, res) => sendJson(res, 201, { chat: { ...CHAT, message: SENT } }),
    ]);
    await client.createChat(CREATE_BODY);
    expect(server.requests).toHaveLength(2);
  });

  it("retries a 500 then returns the 200, with exponential backoff", async () => {
    const { client, server, clock, events } = await setup([
      (_r, res) => sendApiError(res, 500, 3006, "Internal server error"),
      (_r, res) => sendApiError(res, 503, 4004, "Service unavailable"),
      ok,
    ]);
    await expect(client.getChat(CHAT.id)).resolves.toMatchObject({ id: CHAT.id });
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it("retries a GET whose connection was reset", async () => {
    const { client, server } = await setup([(_r, _res, raw) => resetConnection(raw), ok]);
    await expect(client.getChat(CHAT.id)).resolves.toMatchObject({ id: CHAT.id });
    expect(server.requests).toHaveLength(2);
  });

  it("does NOT retry a POST without idempotency key after a reset, and flags maybeCommitted", async () => {
    const { client, server } = await setup([
      (_r, _res, raw) => resetConnection(raw),
      (_r, res) => sendJson(res, 201, {}),
    ]);
    const err = await rejectionOf(client.createChat(CREATE_BODY));
    expect(err).toBeInstanceOf(LinqNetworkError);
    const e = err as LinqNetworkError;
    expect(e.maybeCommitted).toBe(true);
    expect(e.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(e.message).toContain("POST /v3/chats failed");
    expect(e.message).toContain("may have been carried out");
    expect(server.requests).toHaveLength(1);
  });

  it("does NOT retry a 500 on a POST without idempotency key", async () => {
    const { client, server } = await setup([
      (_r, res) => sendApiError(res, 500, 3006, "Internal server error"),
      ok,
    ]);
    await expect(client.createChat(CREATE_BODY)).rejects.toMatchObject({ status: 500, code: 3006 });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a POST whose body carries message.idempotency_key, resending the same body", async () => {
    const message: MessageContent = {
      parts: [{ type: "text", value: "hi" }],
      idempotency_key: "lineage:chat.eng:1",
    };
    const { client, server } = await setup([
      (_r, _res, raw) => resetConnection(raw),
      (_r, res) => sendJson(res, 202, { chat_id: CHAT.id, message: SENT }),
    ]);
    await expect(client.sendMessage(CHAT.id, message)).resolves.toMatchObject({ chat_id: CHAT.id });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ message });
  });

  it("createChat with replayUncertain: false surfaces a lost answer even with an idempotency key", async () => {
    const keyed = { ...CREATE_BODY, message: { ...CREATE_BODY.message, idempotency_key: "k-1" } };
    const { client, server } = await setup([
      (_r, _res, raw) => resetConnection(raw),
      (_r, res) => sendJson(res, 201, { chat: { ...CHAT, message: SENT } }),
    ]);
    const err = await rejectionOf(client.createChat(keyed, { replayUncertain: false }));
    expect((err as LinqNetworkError).maybeCommitted).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("createChat with replayUncertain: false still waits out a 429 (a refusal is never carried out)", async () => {
    const keyed = { ...CREATE_BODY, message: { ...CREATE_BODY.message, idempotency_key: "k-2" } };
    const { client, server } = await setup([
      (_r, res) => sendApiError(res, 429, 1007, "Rate limited.", { retryAfter: 1 }),
      (_r, res) => sendJson(res, 201, { chat: { ...CHAT, message: SENT } }),
    ]);
    await client.createChat(keyed, { replayUncertain: false });
    expect(server.requests).toHaveLength(2);
  });

  it("retries a POST that could not even connect (nothing was sent) once the endpoint had answered", async () => {
    const closed = await startScriptedServer((_r, res) => sendJson(res, 200, CHAT));
    const baseUrl = closed.baseUrl;
    const clock = new FakeClock("auto");
    client = new LinqClient({
      token: TOKEN,
      baseUrl,
      maxRetries: 2,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0,
    });
    await client.getChat(CHAT.id);
    await closed.close();
    const err = await rejectionOf(client.createChat(CREATE_BODY));
    expect(err).toBeInstanceOf(LinqNetworkError);
    expect((err as LinqNetworkError).code).toBe("ECONNREFUSED");
    expect((err as LinqNetworkError).maybeCommitted).toBe(false);
    expect((err as LinqNetworkError).attempts).toBe(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it("does not retry 409/2013 (final state)", async () => {
    const { client, server } = await setup([
      (_r, res) => sendApiError(res, 409, 2013, "This chat is unavailable"),
      ok,
    ]);
    const err = await rejectionOf(
      client.sendMessage(CHAT.id, { parts: [{ type: "text", value: "x" }], idempotency_key: "k" }),
    );
    expect(err).toBeInstanceOf(LinqApiError);
    expect((err as LinqApiError).code).toBe(2013);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a 400", async () => {
    const { client, server, retries } = await setup([
      (_r, res) => sendApiError(res, 400, 1002, "Phone number must be in E.164 format"),
      ok,
    ]);
    await expect(client.getChat(CHAT.id)).rejects.toMatchObject({ status: 400, code: 1002 });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it("makes at most maxRetries + 1 attempts", async () => {
    const { client, server, clock } = await setup(
      [(_r, res) => sendApiError(res, 503, 4004, "Service unavailable")],
      {
        maxRetries: 3,
      },
    );
    await expect(client.getChat(CHAT.id)).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("defaults to 5 retries", async () => {
    const { client, server } = await setup([
      (_r, res) => sendApiError(res, 500, 3006, "Internal server error"),
    ]);
    await expect(client.getChat(CHAT.id)).rejects.toBeInstanceOf(LinqApiError);
    expect(server.requests).toHaveLength(6);
  });

  it("a 429 pauses every request, not just the refused one", async () => {
    const clock = new FakeClock("manual");
    const arrivals: { path: string; at: number }[] = [];
    let refused = false;
    const { client, server } = await setup(
      [
        (req, res) => {
          arrivals.push({ path: req.url, at: clock.now() });
          if (!refused) {
            refused = true;
            sendApiError(res, 429, 1007, "Rate limited.", { retryAfter: 3 });
          } else sendJson(res, 200, CHAT);
        },
      ],
      {},
      clock,
    );
    const first = client.getChat("a");
    await clock.waitForSleeps(1); // the first call got its 429 and is waiting out the pause
    const second = client.getChat("b");
    // Give the second call every chance to reach the server if it were not held back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toHaveLength(1);
    clock.advance(3000);
    await Promise.all([first, second]);
    expect(arrivals).toHaveLength(3);
    expect(arrivals[0]).toEqual({ path: "/api/partner/v3/chats/a", at: 0 });
    expect(arrivals.find((a) => a.path.endsWith("/b"))!.at).toBeGreaterThanOrEqual(3000);
  });

  it("spaces requests with the token bucket so none meets a 429", async () => {
    const { client, server, clock } = await setup([ok], { rateLimit: { rps: 5, burst: 1 } });
    await Promise.all([1, 2, 3, 4].map(() => client.getChat(CHAT.id)));
    expect(server.requests).toHaveLength(4);
    // One request passes on the initial token; each later one waits 1/rps for the next.
    expect(clock.sleeps).toEqual([200, 200, 200]);
    expect(clock.now()).toBe(600);
  });

  it("turns a missing response into LinqNetworkError TIMEOUT", async () => {
    const { client, server } = await setup([() => undefined /* never answers */], {
      timeoutMs: 150,
      maxRetries: 0,
    });
    const err = await rejectionOf(client.getChat(CHAT.id));
    expect(err).toBeInstanceOf(LinqNetworkError);
    expect((err as LinqNetworkError).code).toBe("TIMEOUT");
    expect((err as LinqNetworkError).maybeCommitted).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a timed-out GET", async () => {
    const { client, server } = await setup([() => undefined, ok], { timeoutMs: 150 });
    await expect(client.getChat(CHAT.id)).resolves.toMatchObject({ id: CHAT.id });
    expect(server.requests).toHaveLength(2);
  });

  it("reports a 2xx with a non-JSON body as LinqProtocolError, without retrying", async () => {
    const { client, server } = await setup([
      (_r, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html>captive portal</html>");
      },
    ]);
    const err = await rejectionOf(client.getChat(CHAT.id));
    expect(err).toBeInstanceOf(LinqProtocolError);
    expect((err as Error).message).toContain("text/html");
    expect(server.requests).toHaveLength(1);
  });

  it("fails calls made after close() with CLIENT_CLOSED", async () => {
    const { client, server } = await setup([ok]);
    await client.close();
    await expect(client.getChat(CHAT.id)).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(server.requests).toHaveLength(0);
  });
});
