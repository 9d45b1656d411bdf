/**
 * Saved plans and the state they belong to (issue 11, item 3): the hint after `plan --out`
 * repeats the flags that chose the account; applying a saved plan does not ask again; the plan
 * records its state relative to the plan file, so applying it from elsewhere finds that state
 * or refuses naming it; and a refused apply leaves no folder behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describeRun, runCli } from "../support/cli.js";
import { LINE_A, createWorkspace, person, type Workspace } from "../support/e2e-workspace.js";

const config = (n: number) =>
  stringify({
    version: 1,
    defaults: { from: LINE_A },
    chats: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `room-${i}`,
        { type: "group", participants: [person(i), person(i + 1)], welcome_message: `Room ${i}.` },
      ]),
    ),
  });

describe("saved plans and their state", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), "chatsync-saved-plan-"));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("after plan --emulator --out, the printed hint is a command that works as printed", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "chatsync.yaml"), config(1));
    const plan = await runCli(["plan", "--emulator", "--out", "plan.json"], { cwd: dir });
    expect(plan.code, describeRun(plan)).toBe(0);
    const hint = /apply it with: (.+)$/m.exec(plan.stderr)?.[1];
    expect(hint).toBe("chatsync apply plan.json --emulator");
    // The hint's words, as a user would paste them (no token in the environment).
    const apply = await runCli(hint!.split(" ").slice(1), { cwd: dir });
    expect(apply.code, describeRun(apply)).toBe(0);
    expect(apply.stdout).toContain("Apply complete! 1 created");
    // Applied without --auto-approve and without a terminal: the saved plan was the approval.
    expect(apply.stderr).not.toMatch(/approve|confirm/i);
  });

  it("the hint repeats --endpoint", async () => {
    const ws = await createWorkspace();
    try {
      await ws.writeConfig({ version: 1, defaults: { from: LINE_A }, chats: {} });
      const r = await ws.plan(["--out", "p.json"]);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stderr).toContain(
        `apply it with: chatsync apply p.json --endpoint ${ws.emu.baseUrl}`,
      );
    } finally {
      await ws.close();
    }
  });

  describe("a plan applied away from where it was made", () => {
    let ws: Workspace;
    let planText = "";
    beforeAll(async () => {
      ws = await createWorkspace();
      await ws.writeConfigText(config(1));
      const first = await ws.apply(["--auto-approve"]);
      if (first.code !== 0) throw new Error(describeRun(first));
      await ws.writeConfigText(config(2));
      // Default state (.chatsync/state.json beside the config): no --state, like the p5.json.
      const plan = await ws.run([
        "plan",
        "--endpoint",
        ws.emu.baseUrl,
        "--out",
        "p5.json",
        "--no-color",
      ]);
      if (plan.code !== 0) throw new Error(describeRun(plan));
      planText = await readFile(join(ws.dir, "p5.json"), "utf8");
    });
    afterAll(async () => {
      await ws?.close();
    });

    it("records the state as a location relative to the plan file, with lineage and serial", async () => {
      const state = JSON.parse(await readFile(ws.statePath, "utf8"));
      expect(JSON.parse(planText).state).toEqual({
        location: join(".chatsync", "state.json"),
        lineage: state.lineage,
        serial: state.serial,
      });
    });

    it("copied into another project without a state: refused naming the state, and no folder is created", async () => {
      const other = await tempDir();
      await writeFile(join(other, "p5.json"), planText);
      const before = await ws.emu.control.lastSeq();
      const stateBefore = await readFile(ws.statePath, "utf8");
      const r = await ws.run(["apply", "p5.json", "--endpoint", ws.emu.baseUrl], { cwd: other });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toContain(`no state at ${join(other, ".chatsync", "state.json")}`);
      expect(r.stderr).toContain("made from the state .chatsync/state.json");
      expect(await readdir(other)).toEqual(["p5.json"]);
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
      // The project the plan came from is untouched (the old absolute path rewrote it).
      expect(await readFile(ws.statePath, "utf8")).toBe(stateBefore);
    });

    it("copied into another project with its own state: refused naming both lineages", async () => {
      const other = await tempDir();
      // Another project's own chat (other people: the same chat would be refused as a duplicate).
      await writeFile(
        join(other, "chatsync.yaml"),
        stringify({
          version: 1,
          defaults: { from: LINE_A },
          chats: { lobby: { type: "direct", to: person(7), welcome_message: "Hi." } },
        }),
      );
      const own = await ws.run(["apply", "--endpoint", ws.emu.baseUrl, "--auto-approve"], {
        cwd: other,
      });
      expect(own.code, describeRun(own)).toBe(0);
      await writeFile(join(other, "p5.json"), planText);
      const r = await ws.run(["apply", "p5.json", "--endpoint", ws.emu.baseUrl], { cwd: other });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(
        /made for state lineage \S+, but .*\.chatsync\/state\.json has lineage/,
      );
    });

    it("applied from another working directory: finds its own state and applies", async () => {
      const elsewhere = await tempDir();
      const chatsBefore = (await ws.emu.control.listChats()).length;
      const r = await ws.run(
        ["apply", join(ws.dir, "p5.json"), "--endpoint", ws.emu.baseUrl, "--no-color"],
        { cwd: elsewhere },
      );
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toContain("Apply complete! 1 created");
      expect(await readdir(elsewhere)).toEqual([]);
      expect(await ws.emu.control.listChats()).toHaveLength(chatsBefore + 1);
    });
  });

  it("a refused apply of a fresh --emulator plan without --emulator leaves no .chatsync folder", async () => {
    const made = await tempDir();
    await writeFile(join(made, "chatsync.yaml"), config(1));
    const plan = await runCli(["plan", "--emulator", "--out", "plan.json"], { cwd: made });
    expect(plan.code, describeRun(plan)).toBe(0);
    const other = await tempDir();
    await copyFile(join(made, "plan.json"), join(other, "plan.json"));
    const r = await runCli(["apply", "plan.json"], { cwd: other });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("LINQ_API_TOKEN");
    expect(await readdir(other)).toEqual(["plan.json"]);
  });
});
