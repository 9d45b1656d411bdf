/**
 * Issue 10 items 13–16: the emulator as a server. Its control API refuses what a web page or a
 * DNS-rebound name can send, its webhook deliveries never follow a redirect, its control bodies
 * are checked like the public API's, and `--host 0.0.0.0` warns and prints a usable URL. All
 * traffic stays on loopback.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { startCli } from "../support/cli.js";
import { useEmulator } from "../support/emulator.js";
import { ALICE, call, createChat, type Json } from "./emulator-http.js";

const emu = useEmulator({ allowInsecureWebhooks: true });

/** A raw control call, so Host, Origin and Content-Type are exactly what a browser would send. */
function rawControl(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const { port } = new URL(emu.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: Number(port), method, path: `/__emulator/${path}`, headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("item 13: the control API refuses browsers and rebound names", () => {
  it("refuses GET /__emulator/state addressed to a foreign Host (DNS rebinding), leaking nothing", async () => {
    const r = await rawControl("GET", "state", { host: "attacker.example:4010" });
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/loopback host only/);
    expect(r.text).not.toContain(emu.token);
  });

  it("ignores a cross-site POST /__emulator/reset", async () => {
    await createChat(emu, [ALICE]);
    const r = await rawControl("POST", "reset", {
      host: new URL(emu.origin).host,
      origin: "https://attacker.example",
    });
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/refuses requests from web pages/);
    const state = (await emu.control.state()) as Json;
    expect(state.chats).toHaveLength(1);
  });

  it("refuses a JSON body sent without Content-Type: application/json", async () => {
    const r = await rawControl(
      "PUT",
      "faults",
      { host: new URL(emu.origin).host, "content-type": "text/plain" },
      JSON.stringify({ probability: 1, statuses: [500] }),
    );
    expect(r.status).toBe(415);
    const state = (await emu.control.state()) as Json;
    expect(state.faults.probability).toBe(0);
  });

  it("still answers local tools: loopback Host, loopback Origin, JSON", async () => {
    const host = new URL(emu.origin).host;
    const r = await rawControl(
      "PUT",
      "rate-limit",
      {
        host: `localhost:${new URL(emu.origin).port}`,
        origin: emu.origin,
        "content-type": "application/json",
      },
      JSON.stringify({ rps: 0 }),
    );
    expect(r.status).toBe(200);
    expect((await rawControl("GET", "requests", { host })).status).toBe(200);
  });
});

describe("item 15: webhook deliveries never follow a redirect", () => {
  let elsewhere: Server;
  let redirector: Server;
  const reachedElsewhere: string[] = [];

  const listen = async (server: Server) => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      reachedElsewhere.push(req.url ?? "");
      res.end();
    });
    const target = await listen(elsewhere);
    redirector = createServer((_req, res) => {
      res.writeHead(307, { location: `${target}/stolen` });
      res.end();
    });
  });
  afterAll(async () => {
    elsewhere.closeAllConnections();
    redirector.closeAllConnections();
    await Promise.all([
      new Promise((r) => elsewhere.close(r)),
      new Promise((r) => redirector.close(r)),
    ]);
  });

  it("records a 307 as a failed delivery and sends nothing to the Location", async () => {
    const url = await listen(redirector);
    const sub = await call(emu, "POST", "/v3/webhook-subscriptions", {
      target_url: `${url}/hook`,
      subscribed_events: ["chat.created"],
    });
    expect(sub.status, sub.text).toBe(201);
    await createChat(emu, [ALICE]);
    await expect
      .poll(async () =>
        ((await emu.control.state()) as Json).webhook_deliveries.find(
          (r: Json) => r.subscription_id === sub.json.id,
        ),
      )
      .toMatchObject({ attempts: 1, state: "failed", last_status: 307 });
    expect(reachedElsewhere).toEqual([]);
  });
});

describe("item 16: control bodies are validated like the public API", () => {
  it.each([
    ["faults", { latency_ms: [5e9, 5e9] }, /latency_ms must be \[min, max\], whole milliseconds/],
    ["faults", { latency_ms: [0, 1.5] }, /latency_ms/],
    ["faults", { probability: 2 }, /probability must be a number from 0 to 1/],
    ["rate-limit", { rps: 1e-300 }, /rps must be 0 \(no limit\) or a number from 0\.001/],
    ["rate-limit", { rps: 5, burst: 2.5 }, /burst must be a whole number/],
  ])("PUT %s %j → 400 with the reason", async (path, body, reason) => {
    const res = await fetch(`${emu.origin}/__emulator/${path}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(reason);
  });

  it("refuses a number JSON can only spell as infinity (1e400)", async () => {
    const res = await fetch(`${emu.origin}/__emulator/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"latency_ms":[0,1e400]}',
    });
    expect(res.status).toBe(400);
    expect(((await emu.control.state()) as Json).faults.latency_ms).toBeUndefined();
  });
});

describe("item 16: start-up options use the same ranges", () => {
  it("refuses a delay that a timer would silently shorten to 1 ms, and an absurd rate", async () => {
    await expect(startEmulator({ port: 0, asyncMs: 5e9 })).rejects.toThrow(
      /asyncMs must be a whole number of milliseconds from 0 to 600000/,
    );
    await expect(startEmulator({ port: 0, rateLimit: { rps: 1e-300 } })).rejects.toThrow(
      /rateLimit\.rps must be 0 \(no limit\) or a number from 0\.001/,
    );
  });
});

describe("item 14: --host 0.0.0.0 warns and prints a usable URL", () => {
  it("prints a loopback base_url and says the account is exposed", async () => {
    const running = startCli(["emulator", "--host", "0.0.0.0", "--port", "0"]);
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      running.child.stdout!.on("data", (d: Buffer) => {
        out += d.toString("utf8");
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      running.child.on("exit", () => reject(new Error(`emulator exited: ${out}`)));
    });
    try {
      const started = JSON.parse(line) as { base_url: string; token: string };
      expect(started.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/partner$/);
      // Usable as printed (and still on loopback).
      const res = await fetch(`${started.base_url}/v3/phone_numbers`, {
        headers: { authorization: `Bearer ${started.token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      running.child.kill("SIGTERM");
    }
    const result = await running.result;
    expect(result.stderr).toMatch(
      /warning: listening on 0\.0\.0\.0 exposes .* tokens and webhook signing secrets/,
    );
  });
});
