/**
 * Changes the API cannot make in place (linq-api-v3.md §11) become a new chat (`-/+`): a chat
 * moved to another line, and a group turned into a direct chat. The old chat is then left when
 * the API allows it (iMessage group, 4+ counting us) or forgotten with a warning otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { activeParticipants, apiPath, messageText } from "../support/emulator-control.js";
import {
  LINE_A,
  LINE_B,
  createWorkspace,
  expectConverged,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("replacement", () => {
  let ws: Workspace;
  const ids: Record<string, string> = {};
  const chats: Record<string, Record<string, unknown>> = {
    ops: {
      type: "group",
      from: LINE_A,
      participants: [person(0), person(1), person(2)],
      welcome_message: "Welcome to Ops.",
      on_delete: "leave",
    },
    pair: {
      type: "group",
      from: LINE_A,
      participants: [person(3), person(4)],
      welcome_message: "Welcome, pair.",
      on_delete: "leave",
    },
  };
  const write = () => ws.writeConfig({ version: 1, chats });

  beforeAll(async () => {
    ws = await createWorkspace();
    await write();
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(`initial apply failed\n${describeRun(r)}`);
    for (const c of await ws.emu.control.listChats()) {
      if (activeParticipants(c).includes(person(0))) ids.ops = c.id;
      if (activeParticipants(c).includes(person(3))) ids.pair = c.id;
    }
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("moving a group to another line plans -/+, creates it there and leaves the old one", async () => {
    chats.ops = { ...chats.ops, from: LINE_B };
    await write();
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/-\/\+.*chat\.ops|chat\.ops.*-\/\+/);

    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    expect(writes.filter((w) => w.method === "POST" && apiPath(w) === "/v3/chats")).toHaveLength(1);
    expect(writes.filter((w) => apiPath(w) === `/v3/chats/${ids.ops}/leave`)).toHaveLength(1);

    const account = (await ws.emu.control.state()) as {
      chats: Array<{ id: string; line: string }>;
    };
    const moved = account.chats.filter((c) => c.line === LINE_B);
    expect(moved).toHaveLength(1);
    const chat = await ws.emu.control.getChat(moved[0]!.id);
    expect(activeParticipants(chat)).toEqual([person(0), person(1), person(2)]);
    expect((await ws.emu.control.listMessages(chat.id)).map(messageText)).toEqual([
      "Welcome to Ops.",
    ]);
    ids.movedOps = chat.id;
  });

  it("moving a group too small to leave (3 counting us) plans -/+ with a warning and forgets the old chat", async () => {
    chats.pair = { ...chats.pair, from: LINE_B };
    await write();
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/-\/\+.*chat\.pair|chat\.pair.*-\/\+/);
    expect(plan.stdout + plan.stderr).toMatch(/warn/i);

    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    expect(writes.filter((w) => apiPath(w).includes(ids.pair!))).toEqual([]);
    const account = (await ws.emu.control.state()) as {
      chats: Array<{ id: string; line: string }>;
    };
    const newPair = account.chats.filter((c) => c.line === LINE_B && c.id !== ids.movedOps);
    expect(newPair).toHaveLength(1);
    const chat = await ws.emu.control.getChat(newPair[0]!.id);
    expect(activeParticipants(chat)).toEqual([person(3), person(4)]);
    expect((await ws.emu.control.listMessages(chat.id)).map(messageText)).toEqual([
      "Welcome, pair.",
    ]);
    ids.pair = chat.id;
  });

  it("turning a group into a direct chat creates the direct chat and forgets the group (direct declarations always forget)", async () => {
    chats.pair = {
      type: "direct",
      from: LINE_B,
      to: person(3),
      welcome_message: "Hi, just us now.",
    };
    await write();
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/-\/\+.*chat\.pair|chat\.pair.*-\/\+/);

    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    expect(writes.filter((w) => apiPath(w).includes(ids.pair!))).toEqual([]);
    const dm = (await ws.emu.control.listChats()).filter(
      (c) => !c.is_group && activeParticipants(c).join() === person(3),
    );
    expect(dm).toHaveLength(1);
    expect((await ws.emu.control.listMessages(dm[0]!.id)).map(messageText)).toEqual([
      "Hi, just us now.",
    ]);
  });

  it("afterwards nothing is left to do", async () => {
    await expectConverged(ws);
  });

  it("never prints or stores the API token", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
