/**
 * The retry/limit/pagination/config scenarios of the unit tests, run through OUR client
 * against the real emulator (SPEC §7), steering it with the control API (faults, rate limit,
 * request log) instead of scripted responses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import type { CreateChatRequest } from "../../src/api-wire/types.js";
import { LinqApiError, LinqNetworkError } from "../../src/sync-engine/client/client-errors.js";
import {
  LinqClient,
  type LinqClientOptions,
  type RequestEvent,
  type RetryEvent,
} from "../../src/sync-engine/client/linq-client.js";
import { useEmulator, type RecordedRequest } from "../support/emulator.js";

const emu = useEmulator();
const clients: LinqClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

interface Observed {
  client: LinqClient;
  events: RequestEvent[];
  retries: RetryEvent[];
  sleeps: number[];
}

/** A client on the emulator; `beforeRetrySleep` runs inside every backoff sleep. */
function makeClient(
  options: Partial<LinqClientOptions> = {},
  beforeRetrySleep?: () => Promise<void>,
): Observed {
  const events: RequestEvent[] = [];
  const retries: RetryEvent[] = [];
  const sleeps: number[] = [];
  const client = new LinqClient({
    token: emu.token,
    baseUrl: emu.baseUrl,
    baseDelayMs: 10,
    onRequest: (e) => events.push(e),
    onRetry: (e) => retries.push(e),
    sleep: async (ms) => {
      sleeps.push(ms);
      if (beforeRetrySleep) await beforeRetrySleep();
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    ...options,
  });
  clients.push(client);
  return { client, events, retries, sleeps };
}

const turnFaultsOff = () => emu.control.faults({ probability: 0 });

function createBody(to: string[], idempotencyKey?: string): CreateChatRequest {
  return {
    from: emu.phoneNumbers[0]!,
    to,
    message: {
      parts: [{ type: "text", value: "Welcome to the group" }],
      ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    },
  };
}

const GROUP = ["+14155550101", "+14155550102", "+14155550103"];

async function requestsTo(pathEnd: string, method?: string): Promise<RecordedRequest[]> {
  return (await emu.control.requests()).filter(
    (r) => r.path.endsWith(pathEnd) && (method === undefined || r.method === method),
  );
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}

describe("LinqClient against the emulator: retries", () => {
  it("waits out a 429 for the time the emulator asked, then succeeds", async () => {
    await emu.control.rateLimit({ rps: 2, burst: 1 });
    const { client, events, retries } = makeClient();
    await client.listPhoneNumbers();
    await expect(client.listPhoneNumbers()).resolves.toHaveLength(emu.phoneNumbers.length);
    const statuses = (await requestsTo("/v3/phone_numbers")).map((r) => r.status);
    expect(statuses).toEqual([200, 429, 200]);
    const refused = events.find((e) => e.status === 429)!.error as LinqApiError;
    expect(refused.code).toBe(1007);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ rateLimited: true, reason: "429 (1007)" });
    expect(retries[0]!.delayMs).toBe(Math.ceil(refused.retryAfterMs!));
  });

  it("a client-side bucket under the emulator's limit never meets a 429", async () => {
    await emu.control.rateLimit({ rps: 10, burst: 2 });
    const { client, retries } = makeClient({ rateLimit: { rps: 10, burst: 1 } });
    await Promise.all(Array.from({ length: 8 }, () => client.listWebhookEvents()));
    const statuses = (await requestsTo("/v3/webhook-events")).map((r) => r.status);
    expect(statuses).toEqual(Array(8).fill(200));
    expect(retries).toEqual([]);
  });

  it("a 429 holds back requests started during the pause", async () => {
    await emu.control.rateLimit({ rps: 1, burst: 1 });
    let third: Promise<unknown> | undefined;
    const { client } = makeClient({
      maxConnections: 1,
      onRetry: () => {
        third ??= client.listWebhookEvents(); // started while the pause is running
      },
    });
    await client.listPhoneNumbers();
    await client.listWebhookSubscriptions(); // refused with 429, retried after the pause
    await third;
    const log = (await emu.control.requests()).map(
      (r) => `${r.path.replace(/^.*\/v3\//, "")} ${r.status}`,
    );
    expect(log.slice(0, 3)).toEqual([
      "phone_numbers 200",
      "webhook-subscriptions 429",
      "webhook-subscriptions 200",
    ]);
    // The request started during the pause reached the emulator only after the refused one's retry.
    expect(log.findIndex((l) => l.startsWith("webhook-events"))).toBeGreaterThan(2);
  });

  it("retries a 500 and returns the next 200", async () => {
    const created = await makeClient().client.createChat(createBody(GROUP));
    await emu.control.faults({ probability: 1, statuses: [500] });
    const { client, events } = makeClient({}, turnFaultsOff);
    await expect(client.getChat(created.chat.id)).resolves.toMatchObject({ id: created.chat.id });
    expect(events.map((e) => e.status)).toEqual([500, 200]);
    expect((await requestsTo(`/v3/chats/${created.chat.id}`, "GET")).map((r) => r.status)).toEqual([
      500, 200,
    ]);
  });

  it("retries a GET whose connection the emulator reset", async () => {
    await emu.control.faults({ probability: 1, reset_connection: true });
    const { client, events } = makeClient({}, turnFaultsOff);
    await expect(client.listChatsPage()).resolves.toMatchObject({ chats: [] });
    expect(events).toHaveLength(2);
    expect(events[0]!.error).toBeInstanceOf(LinqNetworkError);
    expect(events[1]!.status).toBe(200);
  });

  it("does not resend a POST without idempotency key whose response was lost, and says it may have committed", async () => {
    await emu.control.faults({ probability: 1, drop_response_after_commit: true });
    const { client } = makeClient({}, turnFaultsOff);
    const err = await failureOf(
      client.createWebhookSubscription({
        target_url: "https://hooks.example.com/linq",
        subscribed_events: ["participant.added"],
      }),
    );
    expect(err).toBeInstanceOf(LinqNetworkError);
    expect((err as LinqNetworkError).maybeCommitted).toBe(true);
    expect(await requestsTo("/v3/webhook-subscriptions", "POST")).toHaveLength(1);
    await turnFaultsOff();
    // It did commit: a blind retry would have made a second subscription (or a duplicate-URL error).
    expect(await client.listWebhookSubscriptions()).toHaveLength(1);
  });

  it("resends a create whose message carries an idempotency key, and ends with one chat", async () => {
    await emu.control.faults({ probability: 1, drop_response_after_commit: true });
    const { client } = makeClient({}, turnFaultsOff);
    const created = await client.createChat(createBody(GROUP, "lineage-1:chat.eng:0"));
    expect(await requestsTo("/v3/chats", "POST")).toHaveLength(2);
    const all = [];
    for await (const chat of client.listChats()) all.push(chat.id);
    expect(all).toEqual([created.chat.id]);
  });

  it("resends a message with an idempotency key once, and the chat holds it once", async () => {
    const { client } = makeClient({}, turnFaultsOff);
    const created = await client.createChat(createBody(GROUP));
    await emu.control.faults({ probability: 1, drop_response_after_commit: true });
    await client.sendMessage(created.chat.id, {
      parts: [{ type: "text", value: "second" }],
      idempotency_key: "m-2",
    });
    expect(await requestsTo(`/v3/chats/${created.chat.id}/messages`, "POST")).toHaveLength(2);
    const texts = [];
    for await (const m of client.listMessages(created.chat.id)) {
      for (const p of m.parts ?? []) if (p.type === "text") texts.push(p.value);
    }
    expect(texts.filter((t) => t === "second")).toHaveLength(1);
  });

  it("does not retry 409/2013 after leaving a chat", async () => {
    const { client } = makeClient();
    const created = await client.createChat(createBody(GROUP));
    await client.leaveChat(created.chat.id);
    const err = await failureOf(
      client.sendMessage(created.chat.id, {
        parts: [{ type: "text", value: "hello?" }],
        idempotency_key: "k-left",
      }),
    );
    expect(err).toBeInstanceOf(LinqApiError);
    expect((err as LinqApiError).code).toBe(2013);
    expect(await requestsTo(`/v3/chats/${created.chat.id}/messages`, "POST")).toHaveLength(1);
  });

  it("does not retry a 400", async () => {
    const { client, retries } = makeClient();
    const err = await failureOf(
      client.createChat({ ...createBody(GROUP, "k-400"), from: "12345" }),
    );
    expect(err).toMatchObject({ status: 400, code: 1002 });
    expect(retries).toEqual([]);
    expect(await requestsTo("/v3/chats", "POST")).toHaveLength(1);
  });

  it("stops after maxRetries + 1 attempts", async () => {
    await emu.control.faults({ probability: 1, statuses: [503] });
    const { client } = makeClient({ maxRetries: 2 });
    await expect(client.listPhoneNumbers()).rejects.toMatchObject({ status: 503 });
    expect((await requestsTo("/v3/phone_numbers")).map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it("gives up on a slow answer with LinqNetworkError TIMEOUT", async () => {
    await emu.control.faults({ probability: 0, latency_ms: [1500, 1500] });
    const { client } = makeClient({ timeoutMs: 200, maxRetries: 0 });
    const err = await failureOf(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqNetworkError);
    expect((err as LinqNetworkError).code).toBe("TIMEOUT");
  });
});

describe("LinqClient against the emulator: reads, bodies and config", () => {
  it("paginates across 3 pages", async () => {
    const { client } = makeClient();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await client.createChat(createBody([`+1415555020${i}`, `+1415555030${i}`]))).chat.id,
      );
    }
    const seen: string[] = [];
    for await (const chat of client.listChats({ limit: 2 })) seen.push(chat.id);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(await requestsTo("/v3/chats", "GET")).toHaveLength(3);
  });

  it("sends DELETE participants with its JSON body", async () => {
    const { client } = makeClient();
    const created = await client.createChat(createBody([...GROUP, "+14155550104"]));
    await expect(client.removeParticipant(created.chat.id, "+14155550104")).resolves.toMatchObject({
      status: "accepted",
    });
    const chat = await client.getChat(created.chat.id);
    const leaver = chat.handles.find((h) => h.handle === "+14155550104");
    expect(leaver === undefined || leaver.status === "removed").toBe(true);
  });

  it("encodes + in query values (contact card and chat filters)", async () => {
    const { client } = makeClient();
    const [line, otherLine] = emu.phoneNumbers as [string, string];
    await client.createContactCard({ phone_number: line, first_name: "Acme" });
    const cards = await client.listContactCards(line);
    expect(cards.map((c) => c.phone_number)).toEqual([line]);
    const created = await client.createChat(createBody(GROUP));
    const fromLine = (await client.listChatsPage({ from: line })).chats.map((c) => c.id);
    const fromOther = (await client.listChatsPage({ from: otherLine })).chats.map((c) => c.id);
    expect(fromLine).toEqual([created.chat.id]);
    expect(fromOther).toEqual([]);
  });

  it("reads token and base URL from the environment in the documented order", async () => {
    const dead = "http://127.0.0.1:9/api/partner";
    const good = LinqClient.fromEnv({
      LINQ_API_TOKEN: emu.token,
      LINQ_API_V3_API_KEY: "wrong-token",
      LINQ_API_BASE_URL: emu.baseUrl,
      LINQ_API_V3_BASE_URL: dead,
    });
    clients.push(good);
    await expect(good.listPhoneNumbers()).resolves.toHaveLength(emu.phoneNumbers.length);

    const wrongPrimary = LinqClient.fromEnv({
      LINQ_API_TOKEN: "wrong-token",
      LINQ_API_V3_API_KEY: emu.token,
      LINQ_API_V3_BASE_URL: emu.baseUrl,
    });
    clients.push(wrongPrimary);
    await expect(wrongPrimary.listPhoneNumbers()).rejects.toMatchObject({
      status: 401,
      code: 2004,
    });

    const sdkNames = LinqClient.fromEnv({
      LINQ_API_V3_API_KEY: emu.token,
      LINQ_API_V3_BASE_URL: emu.baseUrl,
    });
    clients.push(sdkNames);
    await expect(sdkNames.listPhoneNumbers()).resolves.toHaveLength(emu.phoneNumbers.length);
  });

  it("reports API errors with method, path, code, hint and trace id, never the token", async () => {
    const { client } = makeClient();
    const err = (await failureOf(
      client.createChat({ ...createBody(GROUP), from: "+19995550123" }),
    )) as LinqApiError;
    expect(err).toBeInstanceOf(LinqApiError);
    expect(err.message).toMatch(
      /^POST \/v3\/chats failed: 403 \(2006\) .+ — .+ \[trace [0-9a-f]{32}\]$/,
    );

    const bad = makeClient({ token: "tok_not_valid_SECRET" }).client;
    const unauthorized = (await failureOf(bad.listPhoneNumbers())) as LinqApiError;
    expect(unauthorized).toMatchObject({ status: 401, code: 2004 });
    expect(unauthorized.message).toContain("LINQ_API_TOKEN");
    const everything = [
      inspect(unauthorized, { showHidden: true, depth: Infinity }),
      inspect(bad),
      String(bad),
    ].join("\n");
    expect(everything).not.toContain("SECRET");
    expect([inspect(client), inspect(err, { depth: Infinity })].join("\n")).not.toContain(
      emu.token,
    );
  });
});
