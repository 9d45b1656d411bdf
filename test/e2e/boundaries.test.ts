/**
 * SPEC §6 "Boundaries" through the built CLI (issue 10): the same inputs the security review
 * used, each asserting the fixed behaviour. Traffic goes only to a loopback emulator; a remote
 * host is a `.invalid` name, which fails before any connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdir, readFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { sendJson, startScriptedServer } from "../client/scripted-server.js";
import { describeRun } from "../support/cli.js";
import {
  createWorkspace,
  exists,
  fileMode,
  LINE_A,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const oneGroup = {
  version: 1,
  defaults: { from: LINE_A },
  chats: {
    team: { type: "group", participants: [person(0), person(1)], welcome_message: "Hello team." },
  },
};

/** One subscription (never delivered to: the emulator posts to loopback targets only). */
const oneWebhook = (secretFile: string) => ({
  version: 1,
  webhooks: {
    loc: {
      target_url: "https://hooks.chatsync.invalid/linq",
      events: ["location.sharing.started"],
      secret_file: secretFile,
    },
  },
});

describe("token and network (items 1–3)", () => {
  it("item 1: refuses to send the token over http to a non-loopback host", async () => {
    ws = await createWorkspace();
    await ws.writeConfig(oneGroup);
    const r = await ws.run([
      "plan",
      ws.configPath,
      "--endpoint",
      "http://api.chatsync.invalid/api/partner",
      "--state",
      ws.statePath,
    ]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/plain http.*clear text/);
    expect(r.stderr).not.toContain(ws.emu.token);
    expect(await exists(`${ws.statePath}.lock`)).toBe(false);
  });

  it("item 2: a token with an invisible character fails at once, naming it, and leaves no lock", async () => {
    ws = await createWorkspace();
    await ws.writeConfig(oneGroup);
    const started = Date.now();
    const r = await ws.plan([], { env: { LINQ_API_TOKEN: `${ws.emu.token}\u200b` } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/invisible or non-ASCII character \(U\+200B/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await exists(`${ws.statePath}.lock`)).toBe(false);
    expect(await ws.emu.control.requests()).toEqual([]);
  });

  it("item 3: a wrong base path gets a route hint, not the first-message rule", async () => {
    ws = await createWorkspace();
    await ws.writeConfig(oneGroup);
    const wrong = ws.emu.baseUrl.replace(/\/api\/partner$/, "/api");
    const r = await ws.run(["plan", ws.configPath, "--endpoint", wrong, "--state", ws.statePath]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/no such route.*\/api\/partner/);
    expect(r.stderr).not.toMatch(/link or URL/);
  });
});

describe("hostile responses (item 5)", () => {
  it('a server answering 200 {"unexpected":true} gets a named error, not a TypeError', async () => {
    ws = await createWorkspace();
    await ws.writeConfig(oneGroup);
    const odd = await startScriptedServer((_r, res) => sendJson(res, 200, { unexpected: true }));
    try {
      const r = await ws.run([
        "plan",
        ws.configPath,
        "--endpoint",
        odd.baseUrl,
        "--state",
        ws.statePath,
      ]);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/returned 200 with an unreadable body: the response lacks \w+/);
      expect(r.stderr).not.toMatch(/TypeError|Cannot read properties/);
    } finally {
      await odd.close();
    }
  });
});

describe("secrets on disk (items 6, 8)", () => {
  it("item 6: a secret_file that is a directory stops the apply before the subscription is made", async () => {
    ws = await createWorkspace();
    const folder = join(ws.dir, "secrets-folder");
    await mkdir(folder);
    await ws.writeConfig(oneWebhook(folder));
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/is a directory.*Nothing was created/s);
    const writes = (await ws.emu.control.requests()).filter((q) => q.method !== "GET");
    expect(writes).toEqual([]);
    // Nobody has a secret, so the next plan still proposes the create.
    const next = await ws.plan(["--detailed-exitcode"]);
    expect(next.code, describeRun(next)).toBe(2);
  });

  it("item 8: the embedded emulator's account file (tokens, secrets) is mode 0600", async () => {
    ws = await createWorkspace();
    await ws.writeConfig(oneGroup);
    const r = await ws.run(["apply", ws.configPath, "--emulator", "--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await fileMode(join(ws.dir, ".chatsync", "emulator.json"))).toBe(0o600);
  });
});

/**
 * A loopback relay in front of the emulator that passes every exchange through, except that
 * it forwards `POST /v3/webhook-subscriptions` and then drops the connection instead of
 * relaying the answer: the subscription exists, its response (and secret) is lost.
 */
async function relayLosingWebhookCreates(
  target: string,
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const lose = req.method === "POST" && (req.url ?? "").endsWith("/v3/webhook-subscriptions");
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          if (lose) {
            up.resume();
            up.on("end", () => req.socket.destroy());
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe("a lost webhook create (item 7)", () => {
  it("is replaced even though an older secret file exists, so the file ends up with the live secret", async () => {
    ws = await createWorkspace();
    const secretFile = join(ws.dir, ".chatsync", "secrets", "loc.whsec");
    await ws.writeConfig(oneWebhook(secretFile));
    const first = await ws.apply(["--auto-approve"]);
    expect(first.code, describeRun(first)).toBe(0);
    const oldSecret = await readFile(secretFile, "utf8");

    const relay = await relayLosingWebhookCreates(ws.emu.baseUrl);
    try {
      const lost = await ws.run([
        "apply",
        ws.configPath,
        "--endpoint",
        relay.baseUrl,
        "--state",
        ws.statePath,
        "--replace",
        "webhook.loc",
        "--auto-approve",
      ]);
      expect(lost.code, describeRun(lost)).toBe(1);
    } finally {
      await relay.close();
    }
    // The account has a new subscription whose secret nobody received; the file is stale.
    expect(await readFile(secretFile, "utf8")).toBe(oldSecret);

    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/webhook\.loc \(replace\)/);
    const fixed = await ws.apply(["--auto-approve"]);
    expect(fixed.code, describeRun(fixed)).toBe(0);

    const live = (await ws.emu.control.state()) as { subscriptions: { signing_secret: string }[] };
    expect(live.subscriptions).toHaveLength(1);
    expect((await readFile(secretFile, "utf8")).trim()).toBe(live.subscriptions[0]!.signing_secret);
  });
});
