/**
 * The command-line contract of plan/apply (SPEC §3): apply converges and a second apply is a
 * no-op, exit codes, machine and markdown output, approval without a TTY, and invalid input
 * stopping everything before the first API call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { activeParticipants, messageText } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  exists,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const config = {
  version: 1,
  defaults: { from: LINE_A },
  chats: {
    team: {
      type: "group",
      display_name: "Team Room",
      participants: [person(0), person(1), person(2)],
      welcome_message: "Welcome to the team room.",
    },
    alice: { type: "direct", to: "alice@example.com", welcome_message: "Hi Alice!" },
  },
};

describe("plan and apply against a fresh account", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(config);
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("plan --detailed-exitcode exits 2 when there are changes, names every address and writes nothing", async () => {
    const before = await ws.emu.control.lastSeq();
    const r = await ws.plan(["--detailed-exitcode"]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toContain("chat.team");
    expect(r.stdout).toContain("chat.alice");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("plan --json prints one valid JSON document with a format_version", async () => {
    const r = await ws.plan(["--json"]);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toHaveProperty("format_version");
    expect(JSON.stringify(doc)).toContain("chat.team");
  });

  it("plan --markdown renders a PR-comment body naming the addresses", async () => {
    const r = await ws.plan(["--markdown"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain("chat.team");
    expect(r.stdout).toMatch(/^(#{1,6} |\||```|[-*] )/m);
  });

  it("apply without --auto-approve and without a TTY is refused with exit 1 and writes nothing", async () => {
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply([]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/auto-approve/);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("apply --auto-approve creates the group and the direct chat, each with exactly one welcome message", async () => {
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const chats = await ws.emu.control.listChats();
    expect(chats).toHaveLength(2);
    const group = chats.find((c) => c.is_group);
    const direct = chats.find((c) => !c.is_group);
    expect(group && activeParticipants(group)).toEqual([person(0), person(1), person(2)]);
    expect(group?.display_name).toBe("Team Room");
    expect(direct && activeParticipants(direct)).toEqual(["alice@example.com"]);
    for (const [chat, text] of [
      [group!, "Welcome to the team room."],
      [direct!, "Hi Alice!"],
    ] as const) {
      const messages = await ws.emu.control.listMessages(chat.id);
      expect(messages.map(messageText)).toEqual([text]);
    }
  });

  it("a second apply right after sends zero write requests", async () => {
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("plan --detailed-exitcode exits 0 once the account matches", async () => {
    const r = await ws.plan(["--detailed-exitcode"]);
    expect(r.code, describeRun(r)).toBe(0);
  });

  it("handles written differently (formatted numbers, upper-case email) normalize to the same plan: no changes", async () => {
    const pretty = (e164: string) =>
      `+1 (${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
    await ws.writeConfig({
      ...config,
      chats: {
        team: {
          ...config.chats.team,
          participants: [pretty(person(2)), person(1), pretty(person(0))],
        },
        alice: { ...config.chats.alice, to: "Alice@Example.COM" },
      },
    });
    const r = await ws.plan(["--detailed-exitcode"]);
    await ws.writeConfig(config);
    expect(r.code, describeRun(r)).toBe(0);
  });

  it("--target with an address that matches nothing is an error", async () => {
    const r = await ws.plan(["--target", "chat.no-such-chat"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("chat.no-such-chat");
  });

  it("apply --json prints one JSON document with format_version on stdout, even when there is nothing to do", async () => {
    const r = await ws.apply(["--auto-approve", "--json"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("format_version");
  });

  it("plan --json of a converged account still carries format_version", async () => {
    const r = await ws.plan(["--json"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("format_version");
  });

  it("a rejected token is reported (exit 1) without echoing it, even with --debug", async () => {
    const wrong = `tok_e2e_wrong_${Date.now().toString(36)}`;
    const r = await ws.plan(["--debug"], { env: { LINQ_API_TOKEN: wrong } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/401|2004|unauthori[sz]ed|token/i);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("never prints or stores the API token", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});

describe("invalid input stops before any API call", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(async () => {
    await ws?.close();
  });

  const duplicateKeyYaml = [
    "version: 1",
    "chats:",
    "  team:",
    "    type: group",
    "    type: direct",
    `    from: "${LINE_A}"`,
    `    participants: ["${person(0)}", "${person(1)}"]`,
    "    welcome_message: hello",
    "",
  ].join("\n");

  const linkInWelcomeYaml = [
    "version: 1",
    "chats:",
    "  team:",
    "    type: group",
    `    from: "${LINE_A}"`,
    `    participants: ["${person(0)}", "${person(1)}"]`,
    "    welcome_message: See https://example.com/start for details",
    "",
  ].join("\n");

  for (const command of ["plan", "apply"] as const) {
    it(`${command} of malformed YAML exits 1 with file:line:column, creates no state and calls no API`, async () => {
      await ws.writeConfigText(duplicateKeyYaml);
      const r = command === "plan" ? await ws.plan() : await ws.apply(["--auto-approve"]);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/chatsync\.yaml:5:\d+/);
      expect(await exists(ws.statePath)).toBe(false);
      expect(await ws.emu.control.requests()).toEqual([]);
    });

    it(`${command} of a first message with a URL (API rule 1005) exits 1 pointing at the line`, async () => {
      await ws.writeConfigText(linkInWelcomeYaml);
      const r = command === "plan" ? await ws.plan() : await ws.apply(["--auto-approve"]);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/chatsync\.yaml:7:\d+/);
      expect(await exists(ws.statePath)).toBe(false);
      expect(await ws.emu.control.requests()).toEqual([]);
    });
  }

  it("reports errors without a stack trace", async () => {
    for (const r of ws.runs) expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
