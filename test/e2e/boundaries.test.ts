/**
 * SPEC §6 "Boundaries" through the built CLI (issue 10): the same inputs the security review
 * used, each asserting the fixed behaviour. Traffic goes only to a loopback emulator; a remote
 * host is a `.invalid` name, which fails before any connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import {
  createWorkspace,
  exists,
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
