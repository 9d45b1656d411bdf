/**
 * Changes made outside chatsync (SPEC §6), made with the emulator's `simulate` control call:
 * a renamed group is shown as "live vs declared" and put back; a person who left is not
 * re-added unless `readd_left`; an undeclared member is removed from an authoritative roster.
 * Also the flags that narrow or freeze a plan: --refresh-only, --target, --out + apply PLANFILE
 * and its refusal once the live account moved on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import type { Chat } from "../../src/api-wire/types.js";
import { describeRun } from "../support/cli.js";
import { activeParticipants, apiPath } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("drift, targeting and saved plans", () => {
  let ws: Workspace;
  const chats: Record<string, Record<string, unknown>> = {
    ops: {
      type: "group",
      display_name: "Ops",
      participants: [person(0), person(1), person(2), person(3)],
      welcome_message: "Welcome to Ops.",
    },
    dev: {
      type: "group",
      display_name: "Dev",
      participants: [person(2), person(3), person(4)],
      welcome_message: "Welcome to Dev.",
    },
  };
  const ids: Record<string, string> = {};
  const chat = (key: string): Promise<Chat> => ws.emu.control.getChat(ids[key]!);
  const writeConfig = () => ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats });

  beforeAll(async () => {
    ws = await createWorkspace();
    await writeConfig();
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(`initial apply failed\n${describeRun(r)}`);
    for (const c of await ws.emu.control.listChats()) {
      if (c.display_name === "Ops") ids.ops = c.id;
      if (c.display_name === "Dev") ids.dev = c.id;
    }
    if (!ids.ops || !ids.dev)
      throw new Error("initial apply did not create the Ops and Dev groups");
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("a group renamed outside chatsync shows as 'live: X, declared: Y' and apply puts the name back", async () => {
    await ws.emu.control.simulate({
      type: "group.renamed",
      chat_id: ids.ops!,
      display_name: "Hijacked",
    });
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toMatch(/live: "?Hijacked"?, declared: "?Ops"?/);
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect((await chat("ops")).display_name).toBe("Ops");
  });

  it("--refresh-only shows drift but proposes no change and writes nothing", async () => {
    await ws.emu.control.simulate({
      type: "group.renamed",
      chat_id: ids.dev!,
      display_name: "Dev (renamed on a phone)",
    });
    const before = await ws.emu.control.lastSeq();
    const plan = await ws.plan(["--refresh-only"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain("Dev (renamed on a phone)");
    const json = await ws.plan(["--refresh-only", "--json"]);
    expect(json.code, describeRun(json)).toBe(0);
    expect((JSON.parse(json.stdout) as { changes?: unknown[] }).changes ?? []).toEqual([]);
    // Like terraform plan -refresh-only -detailed-exitcode: 2 means drift was found.
    const detailed = await ws.plan(["--refresh-only", "--detailed-exitcode"]);
    expect(detailed.code, describeRun(detailed)).toBe(2);
    expect(detailed.stdout).toMatch(/live: "Dev \(renamed on a phone\)", declared: "Dev"/);
    expect(detailed.stdout).toMatch(/No changes proposed \(--refresh-only\)/);
    // A refresh-only plan saved to a file is a report, not something to apply.
    const planFile = join(ws.dir, "refresh-only.plan.json");
    const saved = await ws.plan(["--refresh-only", "--out", planFile]);
    expect(saved.code, describeRun(saved)).toBe(0);
    const applied = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(applied.code, describeRun(applied)).toBe(1);
    expect(applied.stderr).toMatch(/--refresh-only plan proposes no changes and cannot be applied/);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("--target limits the plan, and a saved targeted plan applied later touches only that address", async () => {
    await ws.emu.control.simulate({
      type: "group.renamed",
      chat_id: ids.ops!,
      display_name: "Ops (renamed again)",
    });
    const planFile = join(ws.dir, "ops.plan.json");
    const plan = await ws.plan(["--target", "chat.ops", "--out", planFile, "--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toContain("chat.ops");
    expect(plan.stdout).not.toContain("chat.dev");

    const before = await ws.emu.control.lastSeq();
    const r = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = await ws.emu.control.writesSince(before);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((w) => apiPath(w).includes(ids.ops!))).toBe(true);
    expect((await chat("ops")).display_name).toBe("Ops");
    expect((await chat("dev")).display_name).toBe("Dev (renamed on a phone)");
  });

  it("a saved plan is refused when the live account changed after it was made", async () => {
    const planFile = join(ws.dir, "dev.plan.json");
    const plan = await ws.plan(["--out", planFile, "--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    await ws.emu.control.simulate({
      type: "group.renamed",
      chat_id: ids.dev!,
      display_name: "Dev (third name)",
    });
    const before = await ws.emu.control.lastSeq();
    const r = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/stale|changed since/i);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    expect((await chat("dev")).display_name).toBe("Dev (third name)");
  });

  it("a fresh saved plan applies, then the account matches", async () => {
    const planFile = join(ws.dir, "fresh.plan.json");
    const plan = await ws.plan(["--out", planFile]);
    expect(plan.code, describeRun(plan)).toBe(0);
    const r = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect((await chat("dev")).display_name).toBe("Dev");
    const again = await ws.plan(["--detailed-exitcode"]);
    expect(again.code, describeRun(again)).toBe(0);
  });

  it("a declared person who left on their own is not re-added, and the plan warns to remove them from the file", async () => {
    await ws.emu.control.simulate({
      type: "participant.left",
      chat_id: ids.ops!,
      handle: person(3),
    });
    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(0);
    const out = plan.stdout + plan.stderr;
    expect(out).toMatch(/warn/i);
    expect(out).toContain(person(3));
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(
      (await ws.emu.control.writesSince(before)).filter((w) =>
        apiPath(w).endsWith("/participants"),
      ),
    ).toEqual([]);
    expect(activeParticipants(await chat("ops"))).toEqual([person(0), person(1), person(2)]);
  });

  it("with readd_left: true the person who left is added back once", async () => {
    chats.ops = { ...chats.ops, readd_left: true };
    await writeConfig();
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const adds = (await ws.emu.control.writesSince(before)).filter(
      (w) => w.method === "POST" && apiPath(w) === `/v3/chats/${ids.ops}/participants`,
    );
    expect(adds).toHaveLength(1);
    expect(activeParticipants(await chat("ops"))).toEqual([
      person(0),
      person(1),
      person(2),
      person(3),
    ]);
  });

  it("someone added outside chatsync to an authoritative roster is removed", async () => {
    await ws.emu.control.simulate({
      type: "participant.added",
      chat_id: ids.dev!,
      handle: person(5),
    });
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toContain(person(5));
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(activeParticipants(await chat("dev"))).toEqual([person(2), person(3), person(4)]);
    const again = await ws.plan(["--detailed-exitcode"]);
    expect(again.code, describeRun(again)).toBe(0);
  });

  it("never prints or stores the API token", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
