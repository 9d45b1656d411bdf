/**
 * Participant, rename and icon changes are queued by the API (202) and only become visible
 * later. With the emulator delaying them (`--async-ms 300`), apply must confirm each change by
 * reading it back before it returns and records it (SPEC §6): reading the chat right after
 * apply exits shows the new values, and the next apply has nothing to write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { activeParticipants } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  expectConverged,
  person,
  findLeaks,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("queued changes are confirmed by reading back (emulator async-ms 300)", () => {
  let ws: Workspace;
  let chatId = "";
  const write = (decl: Record<string, unknown>) =>
    ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: { squad: { type: "group", welcome_message: "Welcome, squad.", ...decl } },
    });

  beforeAll(async () => {
    ws = await createWorkspace({ asyncMs: 300 });
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("creates the group; name and icon set after creation are visible once apply returns", async () => {
    await write({
      participants: [person(0), person(1), person(2)],
      display_name: "Squad",
      icon: "https://cdn.example.com/squad.png",
    });
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const chats = await ws.emu.control.listChats();
    expect(chats).toHaveLength(1);
    chatId = chats[0]!.id;
    const live = await ws.emu.control.getChat(chatId);
    expect(live.display_name).toBe("Squad");
    expect(live.group_chat_icon).toBe("https://cdn.example.com/squad.png");
  });

  it("an add, a removal, a rename and an icon change are all visible once apply returns", async () => {
    await write({
      participants: [person(0), person(1), person(3)],
      display_name: "Squad Two",
      icon: "https://cdn.example.com/squad-2.png",
    });
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const live = await ws.emu.control.getChat(chatId);
    expect(activeParticipants(live)).toEqual([person(0), person(1), person(3)]);
    expect(live.display_name).toBe("Squad Two");
    expect(live.group_chat_icon).toBe("https://cdn.example.com/squad-2.png");
  });

  it("the next apply writes nothing and plan reports no changes", async () => {
    await expectConverged(ws);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
