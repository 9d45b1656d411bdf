/**
 * The removal guard (SPEC §6): apply refuses a plan that removes more than `--max-removals`
 * participants in total (default 10) or more than half of any chat's roster, unless
 * `--allow-removals`. A refused apply writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { activeParticipants } from "../support/emulator-control.js";
import {
  LINE_A,
  PEOPLE,
  createWorkspace,
  person,
  findLeaks,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("removal guard", () => {
  let ws: Workspace;
  let chatId = "";
  const write = (participants: readonly string[]) =>
    ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: { crowd: { type: "group", participants, welcome_message: "Welcome, crowd." } },
    });

  beforeAll(async () => {
    ws = await createWorkspace();
    await write(PEOPLE.slice(0, 7));
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(`initial apply failed\n${describeRun(r)}`);
    chatId = (await ws.emu.control.listChats())[0]!.id;
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("--max-removals 1 refuses a plan removing two participants, naming --allow-removals, and writes nothing", async () => {
    await write(PEOPLE.slice(0, 5));
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve", "--max-removals", "1"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("--allow-removals");
    // With --json the refusal is one JSON document on stdout too.
    const json = await ws.apply(["--auto-approve", "--max-removals", "1", "--json"]);
    expect(json.code, describeRun(json)).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: "refused",
      error: { code: "REMOVAL_GUARD" },
    });
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    expect(activeParticipants(await ws.emu.control.getChat(chatId))).toHaveLength(7);
  });

  it("the same plan goes through within a larger --max-removals", async () => {
    const r = await ws.apply(["--auto-approve", "--max-removals", "2"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(activeParticipants(await ws.emu.control.getChat(chatId))).toEqual(
      PEOPLE.slice(0, 5).slice().sort(),
    );
  });

  it("removing more than half of a chat's roster is refused by default even under the total limit", async () => {
    await write(PEOPLE.slice(0, 7));
    const grow = await ws.apply(["--auto-approve"]);
    expect(grow.code, describeRun(grow)).toBe(0);
    await write([person(0), person(1), person(2)]);
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("--allow-removals");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("plan warns about what apply will refuse, naming the one flag that lifts it, in every output format", async () => {
    // The input: two of three people removed from a group (one newcomer added). Apply
    // said "raise --max-removals N or pass --allow-removals", yet --max-removals 50 was refused.
    await write([person(0), person(1), person(2)]);
    const grow = await ws.apply(["--auto-approve", "--allow-removals"]);
    expect(grow.code, describeRun(grow)).toBe(0);
    await write([person(0), person(3)]);
    const human = await ws.plan();
    expect(human.code, describeRun(human)).toBe(0);
    expect(human.stdout).toContain(
      "warning: chat.crowd: removes 2 of 3 participants (more than half of the roster); apply refuses this unless --allow-removals",
    );
    const json = await ws.plan(["--json"]);
    expect(JSON.parse(json.stdout).warnings).toContainEqual(
      expect.objectContaining({
        address: "chat.crowd",
        code: "REMOVAL_GUARD",
        lifted_by: "--allow-removals",
      }),
    );
    const md = await ws.plan(["--markdown"]);
    expect(md.stdout).toMatch(/#### Warnings[\s\S]*chat\.crowd[\s\S]*unless --allow-removals/);

    const raised = await ws.apply(["--auto-approve", "--max-removals", "50"]);
    expect(raised.code, describeRun(raised)).toBe(1);
    expect(raised.stderr).toContain("apply refuses this unless --allow-removals");
    expect(raised.stderr).not.toContain("raise --max-removals");
    const allowed = await ws.apply(["--auto-approve", "--allow-removals"]);
    expect(allowed.code, describeRun(allowed)).toBe(0);
    // Back to the seven-person roster the next test starts from.
    await write(PEOPLE.slice(0, 7));
    expect((await ws.apply(["--auto-approve"])).code).toBe(0);
    await write([person(0), person(1), person(2)]);
  });

  it("a plan with more total removals than --max-removals names the exact value that lifts it", async () => {
    const r = await ws.plan(["--max-removals", "2"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(
      "the plan removes 4 participants in total (--max-removals is 2); apply refuses this unless --max-removals 4 or --allow-removals",
    );
  });

  it("--allow-removals lets the large removal through", async () => {
    const r = await ws.apply(["--auto-approve", "--allow-removals"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(activeParticipants(await ws.emu.control.getChat(chatId))).toEqual([
      person(0),
      person(1),
      person(2),
    ]);
  });

  it("more than 10 removals in total (the default --max-removals) are refused even when no chat loses more than half", async () => {
    // Three groups of 8; declaring 4 in each removes 12 people, 4 per chat (exactly half).
    const members = (g: number) =>
      Array.from({ length: 8 }, (_, i) => `+1415556${g}${String(i).padStart(3, "0")}`);
    const chats = (keep: number) =>
      Object.fromEntries(
        [1, 2, 3].map((g) => [
          `wide-${g}`,
          { type: "group", participants: members(g).slice(0, keep), welcome_message: `Wide ${g}.` },
        ]),
      );
    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats: chats(8) });
    const setup = await ws.apply(["--auto-approve"]);
    expect(setup.code, describeRun(setup)).toBe(0);

    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats: chats(4) });
    const before = await ws.emu.control.lastSeq();
    const refused = await ws.apply(["--auto-approve"]);
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toContain("--allow-removals");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);

    const allowed = await ws.apply(["--auto-approve", "--max-removals", "12"]);
    expect(allowed.code, describeRun(allowed)).toBe(0);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
