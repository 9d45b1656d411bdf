/**
 * Every chat action end to end, in the order a team would live through them: create, add and
 * remove people, rename, change the icon, additive rosters, replacing a direct chat, refusing
 * to destroy a protected chat, and leaving vs forgetting chats that are no longer declared.
 * The steps share one account and build on each other, so they run in file order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Chat } from "../../src/api-wire/types.js";
import { describeRun } from "../support/cli.js";
import {
  activeParticipants,
  apiPath,
  messageText,
  type RecordedRequest,
} from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const ICON_1 = "https://cdn.example.com/icons/team-1.png";
const ICON_2 = "https://cdn.example.com/icons/team-2.png";

interface TeamDecl {
  participants: string[];
  display_name?: string;
  icon?: string;
  roster?: "authoritative" | "additive";
}

// on_delete is spelled out: the schema's built-in default is forget.
function teamChat(d: TeamDecl) {
  return { type: "group", welcome_message: "Welcome to the team.", on_delete: "leave", ...d };
}

function writesTo(reqs: RecordedRequest[], method: string, pathPattern: RegExp): RecordedRequest[] {
  return reqs.filter((r) => r.method.toUpperCase() === method && pathPattern.test(apiPath(r)));
}

describe("chat lifecycle", () => {
  let ws: Workspace;
  let teamId = "";
  const chats: Record<string, unknown> = {};

  async function applyChats(extraArgs: string[] = []) {
    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve", ...extraArgs]);
    const writes = await ws.emu.control.writesSince(before);
    return { r, writes };
  }

  async function team(): Promise<Chat> {
    return ws.emu.control.getChat(teamId);
  }

  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("creates a group chat with its name, icon and welcome message", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(2)],
      display_name: "Team",
      icon: ICON_1,
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "POST", /^\/v3\/chats$/)).toHaveLength(1);
    const live = await ws.emu.control.listChats();
    expect(live).toHaveLength(1);
    teamId = live[0]!.id;
    const t = await team();
    expect(t.is_group).toBe(true);
    expect(activeParticipants(t)).toEqual([person(0), person(1), person(2)]);
    expect(t.display_name).toBe("Team");
    expect(t.group_chat_icon).toBe(ICON_1);
    expect((await ws.emu.control.listMessages(teamId)).map(messageText)).toEqual([
      "Welcome to the team.",
    ]);
  });

  it("adds a declared participant with one add call and no new chat", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(2), person(3)],
      display_name: "Team",
      icon: ICON_1,
    });
    const plan = await (async () => {
      await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });
      return ws.plan(["--detailed-exitcode"]);
    })();
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toContain(person(3));
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "POST", /^\/v3\/chats\/[^/]+\/participants$/)).toHaveLength(1);
    expect(writesTo(writes, "POST", /^\/v3\/chats$/)).toHaveLength(0);
    expect(activeParticipants(await team())).toEqual([person(0), person(1), person(2), person(3)]);
  });

  it("removes an undeclared participant from an authoritative roster", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(3)],
      display_name: "Team",
      icon: ICON_1,
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "DELETE", /^\/v3\/chats\/[^/]+\/participants$/)).toHaveLength(1);
    expect(activeParticipants(await team())).toEqual([person(0), person(1), person(3)]);
  });

  it("renames the group", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(3)],
      display_name: "Team Renamed",
      icon: ICON_1,
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "PUT", new RegExp(`^/v3/chats/${teamId}$`))).toHaveLength(1);
    expect((await team()).display_name).toBe("Team Renamed");
  });

  it("changes the group icon", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(3)],
      display_name: "Team Renamed",
      icon: ICON_2,
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "PUT", new RegExp(`^/v3/chats/${teamId}$`))).toHaveLength(1);
    expect((await team()).group_chat_icon).toBe(ICON_2);
  });

  it("an additive roster leaves undeclared members alone and only adds the declared ones", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(4)],
      display_name: "Team Renamed",
      icon: ICON_2,
      roster: "additive",
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "DELETE", /participants$/)).toHaveLength(0);
    expect(writesTo(writes, "POST", /participants$/)).toHaveLength(1);
    expect(activeParticipants(await team())).toEqual([person(0), person(1), person(3), person(4)]);
  });

  it("switching the roster back to authoritative removes the member the file does not declare", async () => {
    chats.team = teamChat({
      participants: [person(0), person(1), person(4)],
      display_name: "Team Renamed",
      icon: ICON_2,
    });
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "DELETE", /participants$/)).toHaveLength(1);
    expect(writesTo(writes, "POST", /participants$/)).toHaveLength(0);
    expect(activeParticipants(await team())).toEqual([person(0), person(1), person(4)]);
  });

  it("replaces a direct chat whose recipient changed: plan shows -/+, apply creates the new chat", async () => {
    chats.bob = { type: "direct", to: person(5), welcome_message: "Hi Bob!" };
    const first = await applyChats();
    expect(first.r.code, describeRun(first.r)).toBe(0);

    chats.bob = { type: "direct", to: "bob@example.com", welcome_message: "Hi Bob!" };
    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/-\/\+.*chat\.bob|chat\.bob.*-\/\+/);

    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writesTo(writes, "POST", /^\/v3\/chats$/)).toHaveLength(1);
    const dms = (await ws.emu.control.listChats()).filter((c) => !c.is_group);
    const newDm = dms.filter((c) => activeParticipants(c).includes("bob@example.com"));
    expect(newDm).toHaveLength(1);
    expect((await ws.emu.control.listMessages(newDm[0]!.id)).map(messageText)).toEqual(["Hi Bob!"]);
  });

  it("prevent_destroy turns a plan that would replace the chat into an error", async () => {
    chats.carol = {
      type: "direct",
      to: person(2),
      welcome_message: "Hi Carol!",
      prevent_destroy: true,
    };
    const first = await applyChats();
    expect(first.r.code, describeRun(first.r)).toBe(0);

    chats.carol = {
      type: "direct",
      to: "carol@example.com",
      welcome_message: "Hi Carol!",
      prevent_destroy: true,
    };
    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });
    const before = await ws.emu.control.lastSeq();
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(1);
    expect(plan.stderr).toContain("chat.carol");
    expect(plan.stderr).toMatch(/prevent_destroy/);
    // A PR comment still gets a body that says why the plan cannot be applied.
    const md = await ws.plan(["--markdown", "--detailed-exitcode"]);
    expect(md.code, describeRun(md)).toBe(1);
    expect(md.stdout).toContain("#### ❌ Errors: this plan cannot be applied");
    expect(md.stdout).toMatch(/- `chat\.carol has prevent_destroy/);
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(1);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    chats.carol = {
      type: "direct",
      to: person(2),
      welcome_message: "Hi Carol!",
      prevent_destroy: true,
    };
  });

  it("leaves an undeclared iMessage group with 4+ members, forgets one declared on_delete: forget, and warns about one too small to leave", async () => {
    // Two more groups to delete: one big marked forget, one too small to leave (3 counting us).
    chats.keep = {
      type: "group",
      participants: [person(0), person(1), person(2)],
      welcome_message: "Kept.",
      on_delete: "forget",
    };
    chats.small = {
      type: "group",
      participants: [person(3), person(4)],
      welcome_message: "Small.",
      on_delete: "leave",
    };
    const setup = await applyChats();
    expect(setup.r.code, describeRun(setup.r)).toBe(0);
    const live = await ws.emu.control.listChats();
    const idOf = (members: string[]) =>
      live.find((c) => c.is_group && activeParticipants(c).join() === members.join())!.id;
    const keepId = idOf([person(0), person(1), person(2)]);
    const smallId = idOf([person(3), person(4)]);

    delete chats.team;
    delete chats.keep;
    delete chats.small;
    await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });
    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain("chat.team");
    expect(plan.stdout).toContain("chat.keep");
    expect(plan.stdout + plan.stderr).toMatch(/warn/i);
    expect(plan.stdout + plan.stderr).toContain("chat.small");

    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    const leaves = writesTo(writes, "POST", /^\/v3\/chats\/[^/]+\/leave$/);
    expect(leaves.map((l) => apiPath(l))).toEqual([`/v3/chats/${teamId}/leave`]);
    expect(writes.some((w) => apiPath(w).includes(keepId) || apiPath(w).includes(smallId))).toBe(
      false,
    );
  });

  it("after leaving and forgetting, a plan has nothing left to do and the next apply writes nothing", async () => {
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    const { r, writes } = await applyChats();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writes).toEqual([]);
  });

  it("never prints or stores the API token", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
