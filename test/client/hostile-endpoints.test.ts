/**
 * SPEC §6 "Boundaries", the client's side (issue 10, items 1–5): where the token may go, which
 * tokens are sent at all, how a wrong endpoint fails, and what happens when a server answers
 * with too much or with the wrong thing.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  LinqApiError,
  LinqConfigError,
  LinqNetworkError,
  LinqProtocolError,
} from "../../src/sync-engine/client/client-errors.js";
import { resolveBaseUrl, resolveToken } from "../../src/sync-engine/client/client-config.js";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";
import { RetryPolicy } from "../../src/sync-engine/client/retry-policy.js";
import { FakeClock } from "./fake-clock.js";
import {
  sendApiError,
  sendJson,
  startScriptedServer,
  type ScriptedServer,
} from "./scripted-server.js";

const TOKEN = "tok_test_0123456789";
let server: ScriptedServer | undefined;
let client: LinqClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("item 1: the token crosses the network only over https", () => {
  it("refuses http:// to a host that is not loopback, saying why and what to use", () => {
    const err = thrown(() =>
      LinqClient.fromEnv(
        { LINQ_API_TOKEN: TOKEN },
        { baseUrl: "http://api.chatsync.invalid/api/partner" },
      ),
    );
    expect(err).toBeInstanceOf(LinqConfigError);
    expect((err as LinqConfigError).code).toBe("INSECURE_BASE_URL");
    expect(err.message).toMatch(/clear text/);
    expect(err.message).toMatch(/https:\/\//);
    expect(err.message).not.toContain(TOKEN);
  });

  it("accepts https anywhere and http only on loopback", () => {
    expect(resolveBaseUrl({}, "https://api.chatsync.invalid/api/partner")).toBe(
      "https://api.chatsync.invalid/api/partner",
    );
    for (const base of [
      "http://127.0.0.1:4010/api/partner",
      "http://127.8.9.10/api/partner",
      "http://localhost:4010/api/partner",
      "http://[::1]:4010/api/partner",
    ])
      expect(resolveBaseUrl({}, base)).toBe(base);
    expect(() =>
      resolveBaseUrl({ LINQ_API_BASE_URL: "http://127.0.0.1.chatsync.invalid/x" }),
    ).toThrow(/LINQ_API_BASE_URL.*plain http/);
  });
});

describe("item 2: tokens are visible ASCII; an unsendable request is not retried", () => {
  it("refuses a token with a zero-width space, naming the position but not the token", () => {
    const err = thrown(() => resolveToken({ LINQ_API_TOKEN: "tok\u200bSECRETPART" }));
    expect((err as LinqConfigError).code).toBe("INVALID_TOKEN");
    expect(err.message).toMatch(/U\+200B at position 4/);
    expect(err.message).not.toContain("SECRETPART");
  });

  it("refuses a non-Latin-1 letter too", () => {
    expect(() => resolveToken({ LINQ_API_TOKEN: "tøk-ключ" })).toThrow(/non-ASCII/);
  });

  it("treats undici's invalid-argument error as final", () => {
    const decision = new RetryPolicy().decide(
      { kind: "network", code: "UND_ERR_INVALID_ARG", sentBeforeFailure: false },
      { attempt: 1, idempotent: true },
    );
    expect(decision.retry).toBe(false);
  });
});

describe("item 3: a wrong endpoint fails fast with a matching hint", () => {
  it("says nothing listens after one attempt when the first connection is refused", async () => {
    const closed = await startScriptedServer((_r, res) => sendJson(res, 200, {}));
    const baseUrl = closed.baseUrl;
    await closed.close();
    const clock = new FakeClock("auto");
    client = new LinqClient({ token: TOKEN, baseUrl, sleep: clock.sleep, now: clock.now });
    const err = await rejection(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqNetworkError);
    expect(err.message).toContain(`nothing listens at ${new URL(baseUrl).origin}`);
    expect((err as LinqNetworkError).attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("answers a 404 'no route' with a base-path hint, not the first-message link rule", async () => {
    server = await startScriptedServer((_r, res) =>
      sendApiError(res, 404, 1005, "No route GET /wrong/v3/phone_numbers"),
    );
    client = new LinqClient({
      token: TOKEN,
      baseUrl: server.baseUrl.replace("/api/partner", "/wrong"),
    });
    const err = await rejection(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqApiError);
    expect(err.message).toMatch(/no such route.*\/api\/partner/);
    expect(err.message).not.toMatch(/link or URL/);
  });

  it("keeps the link-rule hint for a 1005 on POST /v3/chats", async () => {
    server = await startScriptedServer((_r, res) =>
      sendApiError(res, 400, 1005, "The first message may not contain a link"),
    );
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl });
    const err = await rejection(
      client.createChat({ from: "+12025550100", to: ["+14155550101"], message: { parts: [] } }),
    );
    expect(err.message).toMatch(/link or URL/);
  });
});

describe("item 4: response bodies are capped", () => {
  it("stops reading an oversized streamed body and does not retry", async () => {
    let sentBytes = 0;
    server = await startScriptedServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Streams until the client hangs up; a capped client stops it after ~1 MiB.
      const pump = () => {
        while (!res.destroyed && sentBytes < 64 * 1024 * 1024) {
          sentBytes += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.destroy());
      pump();
    });
    client = new LinqClient({
      token: TOKEN,
      baseUrl: server.baseUrl,
      maxResponseBytes: 1024 * 1024,
    });
    const err = await rejection(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqProtocolError);
    expect((err as LinqProtocolError).code).toBe("RESPONSE_TOO_LARGE");
    expect(err.message).toMatch(/1048576-byte limit/);
    expect(server.requests).toHaveLength(1);
    expect(sentBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the cap before reading it", async () => {
    server = await startScriptedServer((_r, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "600000000" });
      // Headers and a first byte, then silence: only the declared length can tell.
      res.write("[");
    });
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl });
    const err = await rejection(client.listPhoneNumbers());
    expect((err as LinqProtocolError).code).toBe("RESPONSE_TOO_LARGE");
    expect(err.message).toContain("600000000 bytes");
  });
});

describe("item 5: a 200 of the wrong shape is a clear error, not a TypeError", () => {
  it("names the missing field of a phone-number list", async () => {
    server = await startScriptedServer((_r, res) => sendJson(res, 200, { unexpected: true }));
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl });
    const err = await rejection(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqProtocolError);
    expect(err.message).toMatch(/GET \/v3\/phone_numbers returned 200.*lacks phone_numbers/);
  });

  it("names a malformed chat inside a page", async () => {
    server = await startScriptedServer((_r, res) =>
      sendJson(res, 200, {
        chats: [{ id: "c1", is_group: true, handles: null }],
        next_cursor: null,
      }),
    );
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl });
    const err = await rejection(
      (async () => {
        for await (const chat of client!.listChats()) void chat;
      })(),
    );
    expect(err).toBeInstanceOf(LinqProtocolError);
    expect(err.message).toMatch(/chats\[0\]\.handles must be array/);
  });
});

describe("item 11: a server's words reach the terminal escaped", () => {
  it("flattens and escapes a 502 HTML page that tries to clear the screen", async () => {
    server = await startScriptedServer((_r, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>\u001b]0;pwned\u0007\u001b[2J\n\nFAKE: Apply complete!</html>");
    });
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl, maxRetries: 0 });
    const err = await rejection(client.listPhoneNumbers());
    expect(err).toBeInstanceOf(LinqApiError);
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(err.message).toContain("\\u001B]0;pwned");
  });

  it("escapes an error envelope's message and trace id", async () => {
    // Written by hand: node's own header check would refuse the ESC in x-trace-id.
    server = await startScriptedServer((_r, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          success: false,
          error: { status: 400, code: 1005, message: "bad\u202e\nthing" },
          trace_id: "t\u001b[2Jrace",
        }),
      );
    });
    client = new LinqClient({ token: TOKEN, baseUrl: server.baseUrl });
    const err = (await rejection(client.listPhoneNumbers())) as LinqApiError;
    expect(err.apiMessage).toBe("bad\\u202E thing");
    expect(err.traceId).toBe("t\\u001B[2Jrace");
  });
});
