/**
 * The bearer token must never show up in anything the client produces: error messages,
 * stacks, causes, inspect output of errors and of the client, hook events, warnings.
 * Every artefact is collected and grepped for the token.
 */
import { afterEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";
import {
  resetConnection,
  sendApiError,
  sendJson,
  startScriptedServer,
  type ScriptedServer,
} from "./scripted-server.js";

const TOKEN = "tok_live_S3CR3T_9f8e7d6c5b4a3210";

function dump(value: unknown): string {
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true })];
  if (value instanceof Error) parts.push(value.message, value.stack ?? "", String(value));
  try {
    parts.push(JSON.stringify(value) ?? "");
  } catch {
    /* circular: inspect above already covers it */
  }
  return parts.join("\n");
}

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("token redaction", () => {
  it("never leaks the token through errors, hooks, warnings or inspect output", async () => {
    let n = 0;
    const server = await startScriptedServer((req, res, raw) => {
      switch (n++) {
        case 0: // a server that echoes the credential back in its error text
          return sendApiError(
            res,
            401,
            2004,
            `Unauthorized: bad token ${req.headers.authorization}`,
          );
        case 1:
          return resetConnection(raw);
        case 2:
          res.writeHead(200, { "content-type": "text/plain" });
          res.end(`you sent ${req.headers.authorization}`);
          return;
        case 3:
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`crash while handling ${req.headers.authorization}`);
          return;
        case 4:
          return undefined; // never answers → timeout
        default:
          return sendJson(res, 200, { phone_numbers: [] });
      }
    });
    servers.push(server);

    const produced: string[] = [];
    const onWarning = (w: Error) => produced.push(dump(w));
    process.on("warning", onWarning);
    const client = new LinqClient({
      token: TOKEN,
      baseUrl: server.baseUrl,
      maxRetries: 0,
      timeoutMs: 150,
      onRequest: (e) => {
        produced.push(dump(e));
        throw new Error("observer bug"); // must become a warning, not a failure
      },
      onRetry: (e) => produced.push(dump(e)),
    });
    try {
      const createBody = {
        from: "+12025550100",
        to: ["+14155550101"],
        message: { parts: [{ type: "text" as const, value: "hi" }] },
      };
      const failures = [
        client.getChat("c1"),
        client.createChat(createBody),
        client.getChat("c2"),
        client.getChat("c3"),
        client.getChat("c4"),
      ];
      for (const call of failures) {
        const err = await call.then(
          () => new Error("expected a failure"),
          (e: unknown) => e,
        );
        produced.push(dump(err));
      }
      await client.listPhoneNumbers();
      produced.push(dump(client), String(client), JSON.stringify(client), `${client}`);
      await new Promise((resolve) => setImmediate(resolve)); // let emitted warnings arrive
    } finally {
      process.off("warning", onWarning);
      await client.close();
    }

    // The token was really sent, so the test would catch a leak.
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const all = produced.join("\n");
    expect(all).toContain("[REDACTED]");
    expect(all).toContain("observer bug");
    expect(all).toContain("LinqClient {");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("S3CR3T");
  });

  it("keeps the token out of config errors", () => {
    const leaked: string[] = [];
    for (const attempt of [
      () => new LinqClient({ token: `${TOKEN} trailing`, baseUrl: "http://127.0.0.1:9" }),
      () =>
        LinqClient.fromEnv({
          LINQ_API_TOKEN: `${TOKEN}\n` + "x",
          LINQ_API_BASE_URL: "http://127.0.0.1:9",
        }),
      () => new LinqClient({ token: TOKEN, baseUrl: `ftp://${TOKEN}@host` }),
    ]) {
      try {
        attempt();
        leaked.push("no error");
      } catch (e) {
        leaked.push(dump(e));
      }
    }
    expect(leaked.join("\n")).not.toContain("S3CR3T");
    expect(leaked).not.toContain("no error");
  });
});
