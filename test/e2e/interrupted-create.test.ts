/**
 * A create whose outcome a crash left unknown, against an API that does NOT deduplicate chat
 * creation by idempotency key (the pessimistic reading of the open question §12.1): the next
 * plan finds the chat the create made and records it (`adopt_chat`) instead of sending the
 * create again, which on such an API would make a second chat with a second welcome message.
 * The crash is set up exactly: the state is what an apply killed right after the API made the
 * chat leaves behind — the journaled create, no chat id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { describeRun } from "../support/cli.js";
import { messageText } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  expectConverged,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const WELCOME = "Welcome to the launch room.";

describe("an interrupted create on an API without chat dedup", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace({ chatCreateDedup: false });
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: {
        launch: {
          type: "group",
          participants: [person(0), person(1)],
          welcome_message: WELCOME,
          display_name: "Launch",
        },
      },
    });
  });
  afterAll(async () => {
    await ws?.close();
  });

  /** Rewrites the state as a kill between the API's answer and the state commit leaves it. */
  async function forgetTheAnswer(): Promise<string> {
    const doc = JSON.parse(await readFile(ws.statePath, "utf8"));
    const res = doc.resources["chat.launch"];
    const chatId: string = res.id;
    const key = `replayed-key-${res.generation}`;
    delete res.id;
    delete res.applied;
    res.intents = [
      {
        purpose: "create_chat",
        generation: res.generation,
        idempotency_key: key,
        request: { from: LINE_A, to: [person(0), person(1)], welcome_message: WELCOME },
        started_at: new Date(Date.now() - 60_000).toISOString(),
      },
    ];
    await writeFile(ws.statePath, JSON.stringify(doc));
    return chatId;
  }

  it("the plan records the chat the create made instead of creating another", async () => {
    const first = await ws.apply(["--auto-approve"]);
    expect(first.code, describeRun(first)).toBe(0);
    const chatId = await forgetTheAnswer();

    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain(`record chat ${chatId}, which the interrupted create made`);
    expect(plan.stdout).not.toMatch(/create group chat/);

    const before = await ws.emu.control.lastSeq();
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    expect(writes.filter((w) => w.method === "POST" && w.path.endsWith("/v3/chats"))).toEqual([]);

    const chats = await ws.emu.control.listChats();
    expect(chats.map((c) => c.id)).toEqual([chatId]);
    expect((await ws.emu.control.listMessages(chatId)).map(messageText)).toEqual([WELCOME]);
    const state = JSON.parse(await readFile(ws.statePath, "utf8"));
    expect(state.resources["chat.launch"]).toMatchObject({ id: chatId, intents: [] });
    await expectConverged(ws);
  });

  it("when the create made nothing, the plan sends it again — once", async () => {
    const chatId = await forgetTheAnswer();
    // The chat is gone from the line (as if the first attempt had never been carried out).
    await ws.emu.control.reset();

    const plan = await ws.plan();
    expect(plan.stdout, describeRun(plan)).toContain("shows no chat it made; it is sent again");
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    const chats = await ws.emu.control.listChats();
    expect(chats).toHaveLength(1);
    expect(chats[0]!.id).not.toBe(chatId);
    expect((await ws.emu.control.listMessages(chats[0]!.id)).map(messageText)).toEqual([WELCOME]);
    await expectConverged(ws);
  });
});
