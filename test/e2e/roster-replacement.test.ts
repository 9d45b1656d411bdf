/**
 * A roster the API's add/remove rules cannot reach (linq-api-v3.md §5.2: people are added only
 * to groups of at least 3 counting us) is reached by a replacement: a new chat with the declared
 * roster and its own welcome message; the old one, too small to leave, is forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { activeParticipants, apiPath, messageText } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  expectConverged,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("replacement forced by an unreachable roster", () => {
  let ws: Workspace;
  let oldId = "";
  const duo = (participants: string[]) =>
    ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: {
        duo: {
          type: "group",
          participants,
          welcome_message: "Welcome, duo.",
          on_delete: "leave",
        },
      },
    });

  beforeAll(async () => {
    ws = await createWorkspace();
    await duo([person(0), person(1)]);
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(`initial apply failed\n${describeRun(r)}`);
    oldId = (await ws.emu.control.listChats())[0]!.id;
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("someone leaving a group of 3 (counting us) makes an add unreachable: the plan replaces the chat", async () => {
    await ws.emu.control.simulate({ type: "participant.left", chat_id: oldId, handle: person(1) });
    await duo([person(0), person(2)]);
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(
      /^ {2}-\/\+ chat\.duo \(replace\) — the declared roster cannot be reached/m,
    );
    expect(plan.stdout).toMatch(/adds people only to groups of at least 3/);
    expect(plan.stdout + plan.stderr).toMatch(/forgotten, not left/);

    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    // No doomed add to the old chat, no leave the API would refuse: one create, nothing else there.
    expect(writes.filter((w) => apiPath(w).includes(oldId))).toEqual([]);
    expect(writes.filter((w) => w.method === "POST" && apiPath(w) === "/v3/chats")).toHaveLength(1);

    const fresh = (await ws.emu.control.listChats()).filter((c) => c.id !== oldId);
    expect(fresh).toHaveLength(1);
    expect(activeParticipants(fresh[0]!)).toEqual([person(0), person(2)]);
    expect((await ws.emu.control.listMessages(fresh[0]!.id)).map(messageText)).toEqual([
      "Welcome, duo.",
    ]);
  });

  it("afterwards a second apply writes nothing and the plan is empty", async () => {
    await expectConverged(ws);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
