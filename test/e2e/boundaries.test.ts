/**
 * SPEC §6 "Boundaries" through the built CLI (issue 10): the same inputs the security review
 * used, each asserting the fixed behaviour. Traffic goes only to a loopback emulator; a remote
 * host is a `.invalid` name, which fails before any connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdir } from "node:fs/promises";
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
    await ws.writeConfig({
      version: 1,
      webhooks: {
        loc: {
          target_url: "https://hooks.chatsync.invalid/linq",
          events: ["location.sharing.started"],
          secret_file: folder,
        },
      },
    });
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
