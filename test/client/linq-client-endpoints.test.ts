/**
 * Every LinqApi method against a scripted server: the method, path, query, body and headers
 * it puts on the wire (reference §5.0 endpoint index, §1.3 headers), and how it reads the reply.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { LinqApiError } from "../../src/sync-engine/client/client-errors.js";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";
import {
  CHAT,
  sendApiError,
  sendJson,
  startScriptedServer,
  type ScriptedServer,
} from "./scripted-server.js";

/** Bodies the client checks (response-shapes.ts) carry the fields the engine reads. */
const SUBSCRIPTION = {
  id: "s1",
  target_url: "https://hooks.example.com/x",
  subscribed_events: ["location.sharing.started"],
  is_active: true,
};
const chat = (id: string) => ({ id, is_group: true, handles: [] });
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};
const TOKEN = "tok_endpoints_abc";
const ID = "5d1f7c4e-8c1a-4f39-9c33-0c8a1b2d3e4f";

let server: ScriptedServer;
let client: LinqClient;
/** What the server answers next: status + JSON body (undefined → empty body). */
let reply: { status: number; body?: unknown; contentType?: string } = { status: 200, body: {} };

beforeAll(async () => {
  server = await startScriptedServer((_req, res) => {
    if (reply.body === undefined) {
      res.writeHead(reply.status);
      res.end();
    } else if (reply.contentType) {
      res.writeHead(reply.status, { "content-type": reply.contentType });
      res.end(JSON.stringify(reply.body));
    } else sendJson(res, reply.status, reply.body);
  });
  client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl, maxRetries: 0 });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
  reply = { status: 200, body: {} };
});

function last() {
  const r = server.requests.at(-1);
  if (!r) throw new Error("no request reached the server");
  return { ...r, json: r.body ? (JSON.parse(r.body) as unknown) : undefined };
}

describe("request shape", () => {
  it("sends bearer auth, JSON accept and a chatsync User-Agent; no Content-Type without body", async () => {
    reply = { status: 200, body: CHAT };
    await client.getChat(ID);
    const r = last();
    expect(r.method).toBe("GET");
    expect(r.url).toBe(`/api/partner/v3/chats/${ID}`);
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers.accept).toBe("application/json");
    expect(r.headers["user-agent"]).toBe(`chatsync/${pkg.version}`);
    expect(r.headers["content-type"]).toBeUndefined();
  });

  it("DELETE participants carries a JSON body", async () => {
    reply = {
      status: 202,
      body: { message: "Participant removal queued", status: "accepted", trace_id: "t" },
    };
    const res = await client.removeParticipant(ID, "+14155550101");
    const r = last();
    expect(r.method).toBe("DELETE");
    expect(r.url).toBe(`/api/partner/v3/chats/${ID}/participants`);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.json).toEqual({ handle: "+14155550101" });
    expect(res.status).toBe("accepted");
  });

  it("encodes + in query values as %2B", async () => {
    reply = { status: 200, body: { contact_cards: [] } };
    await client.listContactCards("+12025550100");
    expect(last().url).toBe("/api/partner/v3/contact_card?phone_number=%2B12025550100");
    reply = { status: 200, body: { chats: [], next_cursor: null } };
    await client.listChatsPage({ from: "+12025550100", to: "+14155550101", limit: 5 });
    expect(last().url).toBe("/api/partner/v3/chats?from=%2B12025550100&to=%2B14155550101&limit=5");
  });

  it("URL-encodes path ids", async () => {
    reply = { status: 200, body: CHAT };
    await client.getChat("../phone_numbers");
    expect(last().url).toBe("/api/partner/v3/chats/..%2Fphone_numbers");
  });

  it("sends Accept */* to 204 endpoints and returns undefined", async () => {
    reply = { status: 204 };
    await expect(client.markChatRead(ID)).resolves.toBeUndefined();
    expect(last()).toMatchObject({ method: "POST", url: `/api/partner/v3/chats/${ID}/read` });
    expect(last().headers.accept).toBe("*/*");
    await expect(client.shareContactCard(ID)).resolves.toBeUndefined();
    expect(last()).toMatchObject({
      method: "POST",
      url: `/api/partner/v3/chats/${ID}/share_contact_card`,
    });
    expect(last().headers.accept).toBe("*/*");
    await client.startTyping(ID);
    expect(last()).toMatchObject({ method: "POST", url: `/api/partner/v3/chats/${ID}/typing` });
    await client.stopTyping(ID);
    expect(last()).toMatchObject({ method: "DELETE", url: `/api/partner/v3/chats/${ID}/typing` });
    expect(last().headers.accept).toBe("*/*");
    await client.deleteWebhookSubscription("sub-1");
    expect(last()).toMatchObject({
      method: "DELETE",
      url: "/api/partner/v3/webhook-subscriptions/sub-1",
    });
    expect(last().headers.accept).toBe("*/*");
  });

  it("asks for geo+json on the location read and parses a +json reply", async () => {
    const body = { success: true, data: { type: "FeatureCollection", features: [] } };
    reply = { status: 200, body, contentType: "application/geo+json" };
    await expect(client.getLocation(ID)).resolves.toEqual(body);
    expect(last().url).toBe(`/api/partner/v3/chats/${ID}/location`);
    expect(last().headers.accept).toBe("application/geo+json");
  });
});

describe("endpoints", () => {
  const message = { parts: [{ type: "text" as const, value: "hello" }], idempotency_key: "k1" };
  const cases: {
    name: string;
    call: () => Promise<unknown>;
    method: string;
    url: string;
    body?: unknown;
    response: unknown;
    status?: number;
    expected?: unknown;
  }[] = [
    {
      name: "listPhoneNumbers",
      call: () => client.listPhoneNumbers(),
      method: "GET",
      url: "/v3/phone_numbers",
      response: { phone_numbers: [{ id: "p1", phone_number: "+12025550100" }] },
      expected: [{ id: "p1", phone_number: "+12025550100" }],
    },
    {
      name: "createChat",
      call: () => client.createChat({ from: "+12025550100", to: ["+14155550101"], message }),
      method: "POST",
      url: "/v3/chats",
      body: { from: "+12025550100", to: ["+14155550101"], message },
      status: 201,
      response: { chat: { id: ID } },
    },
    {
      name: "updateChat",
      call: () => client.updateChat(ID, { display_name: "Eng" }),
      method: "PUT",
      url: `/v3/chats/${ID}`,
      body: { display_name: "Eng" },
      response: { chat_id: ID, status: "pending" },
    },
    {
      name: "leaveChat",
      call: () => client.leaveChat(ID),
      method: "POST",
      url: `/v3/chats/${ID}/leave`,
      response: { message: "Leave group chat queued", status: "accepted" },
    },
    {
      name: "sendVoiceMemo",
      call: () => client.sendVoiceMemo(ID, { voice_memo_url: "https://cdn.example.com/a.m4a" }),
      method: "POST",
      url: `/v3/chats/${ID}/voicememo`,
      body: { voice_memo_url: "https://cdn.example.com/a.m4a" },
      status: 202,
      response: { voice_memo: { id: "vm" } },
    },
    {
      name: "addParticipant",
      call: () => client.addParticipant(ID, "alice@example.com"),
      method: "POST",
      url: `/v3/chats/${ID}/participants`,
      body: { handle: "alice@example.com" },
      status: 202,
      response: { message: "Participant addition queued", status: "accepted" },
    },
    {
      name: "sendMessage",
      call: () => client.sendMessage(ID, message),
      method: "POST",
      url: `/v3/chats/${ID}/messages`,
      body: { message },
      status: 202,
      response: { chat_id: ID, message: { id: "m1" } },
    },
    {
      name: "listMessagesPage",
      call: () => client.listMessagesPage(ID, { limit: 50, cursor: "c2" }),
      method: "GET",
      url: `/v3/chats/${ID}/messages?limit=50&cursor=c2`,
      response: { messages: [], next_cursor: null },
    },
    {
      name: "requestLocation",
      call: () => client.requestLocation(ID),
      method: "POST",
      url: `/v3/chats/${ID}/location/request`,
      response: { success: true, message: "Location request sent" },
    },
    {
      name: "listWebhookSubscriptions",
      call: () => client.listWebhookSubscriptions(),
      method: "GET",
      url: "/v3/webhook-subscriptions",
      response: { subscriptions: [SUBSCRIPTION] },
      expected: [SUBSCRIPTION],
    },
    {
      name: "getWebhookSubscription",
      call: () => client.getWebhookSubscription("s1"),
      method: "GET",
      url: "/v3/webhook-subscriptions/s1",
      response: SUBSCRIPTION,
    },
    {
      name: "createWebhookSubscription",
      call: () =>
        client.createWebhookSubscription({
          target_url: "https://hooks.example.com/x",
          subscribed_events: ["location.sharing.started"],
          phone_numbers: ["+12025550100"],
        }),
      method: "POST",
      url: "/v3/webhook-subscriptions",
      body: {
        target_url: "https://hooks.example.com/x",
        subscribed_events: ["location.sharing.started"],
        phone_numbers: ["+12025550100"],
      },
      status: 201,
      response: { ...SUBSCRIPTION, signing_secret: "whsec_abc" },
    },
    {
      name: "updateWebhookSubscription",
      call: () => client.updateWebhookSubscription("s1", { is_active: false, phone_numbers: null }),
      method: "PUT",
      url: "/v3/webhook-subscriptions/s1",
      body: { is_active: false, phone_numbers: null },
      response: { id: "s1", is_active: false },
    },
    {
      name: "listWebhookEvents",
      call: () => client.listWebhookEvents(),
      method: "GET",
      url: "/v3/webhook-events",
      response: {
        doc_url: "https://docs.linqapp.com/guides/webhooks/events",
        events: ["message.sent"],
      },
    },
    {
      name: "listContactCards (all)",
      call: () => client.listContactCards(),
      method: "GET",
      url: "/v3/contact_card",
      response: {
        contact_cards: [{ phone_number: "+12025550100", first_name: "Acme", is_active: true }],
      },
      expected: [{ phone_number: "+12025550100", first_name: "Acme", is_active: true }],
    },
    {
      name: "createContactCard",
      call: () => client.createContactCard({ phone_number: "+12025550100", first_name: "Acme" }),
      method: "POST",
      url: "/v3/contact_card",
      body: { phone_number: "+12025550100", first_name: "Acme" },
      response: { phone_number: "+12025550100", first_name: "Acme", is_active: true },
    },
    {
      name: "updateContactCard",
      call: () => client.updateContactCard("+12025550100", { last_name: "Support" }),
      method: "PATCH",
      url: "/v3/contact_card?phone_number=%2B12025550100",
      body: { last_name: "Support" },
      response: {
        phone_number: "+12025550100",
        first_name: "Acme",
        last_name: "Support",
        is_active: true,
      },
    },
    {
      name: "checkIMessage",
      call: () => client.checkIMessage("alice@example.com", "+12025550100"),
      method: "POST",
      url: "/v3/capability/check_imessage",
      body: { address: "alice@example.com", from: "+12025550100" },
      response: { address: "alice@example.com", available: true },
    },
    {
      name: "checkRcs",
      call: () => client.checkRcs("+14155550101"),
      method: "POST",
      url: "/v3/capability/check_rcs",
      body: { address: "+14155550101" },
      response: { address: "+14155550101", available: false },
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.method} ${c.url}`, async () => {
      reply = { status: c.status ?? 200, body: c.response };
      await expect(c.call()).resolves.toEqual(c.expected ?? c.response);
      const r = last();
      expect(r.method).toBe(c.method);
      expect(r.url).toBe(`/api/partner${c.url}`);
      expect(r.json).toEqual(c.body);
      if (c.body !== undefined) expect(r.headers["content-type"]).toBe("application/json");
    });
  }
});

describe("pagination", () => {
  it("follows next_cursor across 3 pages and stops on null", async () => {
    const pages: Record<string, { chats: { id: string }[]; next_cursor: string | null }> = {
      "": { chats: [chat("c1"), chat("c2")], next_cursor: "p2" },
      p2: { chats: [chat("c3")], next_cursor: "p3+/=" },
      "p3+/=": { chats: [chat("c4")], next_cursor: null },
    };
    const paged = await startScriptedServer((req, res) => {
      const cursor = new URL(req.url, "http://x").searchParams.get("cursor") ?? "";
      sendJson(res, 200, pages[cursor] ?? { chats: [], next_cursor: null });
    });
    const c = new LinqClient({ token: TOKEN, baseUrl: paged.baseUrl });
    try {
      const ids: string[] = [];
      for await (const chat of c.listChats({ from: "+12025550100" })) ids.push(chat.id);
      expect(ids).toEqual(["c1", "c2", "c3", "c4"]);
      expect(paged.requests.map((r) => r.url)).toEqual([
        "/api/partner/v3/chats?from=%2B12025550100&limit=100",
        "/api/partner/v3/chats?from=%2B12025550100&limit=100&cursor=p2",
        "/api/partner/v3/chats?from=%2B12025550100&limit=100&cursor=p3%2B%2F%3D",
      ]);
    } finally {
      await c.close();
      await paged.close();
    }
  });

  it("treats an empty next_cursor as the end, for messages too", async () => {
    reply = { status: 200, body: { messages: [{ id: "m1" }], next_cursor: "" } };
    const ids: string[] = [];
    for await (const m of client.listMessages(ID)) ids.push(m.id);
    expect(ids).toEqual(["m1"]);
    expect(server.requests).toHaveLength(1);
  });

  it("fails instead of looping when the server repeats a cursor", async () => {
    reply = { status: 200, body: { chats: [chat("c1")], next_cursor: "same" } };
    const iterate = async () => {
      for await (const _ of client.listChats()) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
    expect(server.requests).toHaveLength(2);
  });
});

describe("API errors", () => {
  it("reads the envelope into a LinqApiError with a message that says what, where and how", async () => {
    reply = {
      status: 403,
      body: {
        success: false,
        error: { status: 403, code: 2006, message: "Phone number permission denied" },
        trace_id: "2eff5df5c6f688733c007523c4d61cd9",
      },
    };
    const err = (await client
      .createChat({
        from: "+12025550199",
        to: ["+14155550101"],
        message: { parts: [{ type: "text", value: "hi" }] },
      })
      .catch((e: unknown) => e)) as LinqApiError;
    expect(err).toBeInstanceOf(LinqApiError);
    expect(err).toMatchObject({
      status: 403,
      code: 2006,
      method: "POST",
      path: "/v3/chats",
      traceId: "2eff5df5c6f688733c007523c4d61cd9",
    });
    expect(err.message).toMatch(
      /^POST \/v3\/chats failed: 403 \(2006\) Phone number permission denied — .*phone_numbers.* \[trace 2eff5df5c6f688733c007523c4d61cd9\]$/,
    );
  });

  it("takes the trace id from X-Trace-ID and explains a body without envelope", async () => {
    const bare = await startScriptedServer((_req, res) => {
      res.writeHead(502, {
        "content-type": "text/plain",
        "x-trace-id": "abcabcabcabcabcabcabcabcabcabcab",
      });
      res.end("Bad Gateway");
    });
    const c = new LinqClient({ token: TOKEN, baseUrl: bare.baseUrl, maxRetries: 0 });
    try {
      const err = (await c.getChat(ID).catch((e: unknown) => e)) as LinqApiError;
      expect(err).toMatchObject({
        status: 502,
        code: 0,
        traceId: "abcabcabcabcabcabcabcabcabcabcab",
      });
      expect(err.message).toContain("Bad Gateway");
    } finally {
      await c.close();
      await bare.close();
    }
  });

  it("exposes retryAfter on a 429 that is not retried", async () => {
    const limited = await startScriptedServer((_req, res) =>
      sendApiError(res, 429, 1007, "Rate limited. Try again in 45 seconds.", {
        retryAfter: 45,
        headers: { "retry-after": "45" },
      }),
    );
    const c = new LinqClient({ token: TOKEN, baseUrl: limited.baseUrl, maxRetries: 0 });
    try {
      const err = (await c.getChat(ID).catch((e: unknown) => e)) as LinqApiError;
      expect(err).toMatchObject({ status: 429, code: 1007, retryAfter: 45 });
      expect(err.message).toContain("Retry after 45 s");
    } finally {
      await c.close();
      await limited.close();
    }
  });
});
