/**
 * What a user gets without spelling everything out (SPEC §3): the default config and state
 * locations, folders of YAML files, the token and endpoint from the environment, the embedded
 * emulator (`--emulator`), and a saved plan refused once the state moved on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT, describeRun, runCli, type CliResult } from "../support/cli.js";
import {
  LINE_A,
  createWorkspace,
  exists,
  fileMode,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const groupDecl = (i: number) => ({
  type: "group",
  participants: [person(i), person(i + 1)],
  welcome_message: `Welcome to room ${i}.`,
});

describe("defaults and environment", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: { lobby: groupDecl(0) },
    });
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("without PATH uses ./chatsync.yaml and keeps state in .chatsync/state.json beside it", async () => {
    const r = await ws.run([
      "apply",
      "--endpoint",
      ws.emu.baseUrl,
      "--auto-approve",
      "--parallelism",
      "1",
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(await exists(join(ws.dir, ".chatsync", "state.json"))).toBe(true);
    expect(await ws.emu.control.listChats()).toHaveLength(1);
    // ws.statePath is that same default file, so an explicit run agrees nothing is left to do.
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(0);
  });

  it("reads the token from LINQ_API_V3_API_KEY and the endpoint from LINQ_API_BASE_URL", async () => {
    const r = await ws.run(
      ["plan", ws.configPath, "--state", ws.statePath, "--detailed-exitcode"],
      {
        env: {
          LINQ_API_TOKEN: undefined,
          LINQ_API_V3_API_KEY: ws.emu.token,
          LINQ_API_BASE_URL: ws.emu.baseUrl,
        },
      },
    );
    expect(r.code, describeRun(r)).toBe(0);
  });

  it("reads the endpoint from LINQ_API_V3_BASE_URL too", async () => {
    const r = await ws.run(
      ["plan", ws.configPath, "--state", ws.statePath, "--detailed-exitcode"],
      {
        env: { LINQ_API_V3_BASE_URL: ws.emu.baseUrl },
      },
    );
    expect(r.code, describeRun(r)).toBe(0);
  });

  it("without any token exits 1 naming the variable to set", async () => {
    const before = await ws.emu.control.lastSeq();
    const r = await ws.plan([], { env: { LINQ_API_TOKEN: undefined } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("LINQ_API_TOKEN");
    expect(await ws.emu.control.requestsSince(before)).toEqual([]);
  });

  it("a saved plan is refused once another apply moved the state on", async () => {
    const doc = {
      version: 1,
      defaults: { from: LINE_A },
      chats: { lobby: groupDecl(0), annex: groupDecl(2) },
    };
    await ws.writeConfig(doc);
    const planFile = join(ws.dir, "annex.plan.json");
    const plan = await ws.plan(["--out", planFile, "--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    const direct = await ws.apply(["--auto-approve"]);
    expect(direct.code, describeRun(direct)).toBe(0);
    const before = await ws.emu.control.lastSeq();
    const stale = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(stale.code, describeRun(stale)).toBe(1);
    expect(stale.stderr).toMatch(/stale/i);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    expect(await ws.emu.control.listChats()).toHaveLength(2);
  });

  it("a folder PATH merges its YAML files, and a key declared twice is an error naming both files", async () => {
    const folder = join(ws.dir, "chatsync.d");
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, "00-defaults.yaml"),
      stringify({ version: 1, defaults: { from: LINE_A } }),
    );
    await writeFile(
      join(folder, "10-rooms.yaml"),
      stringify({ version: 1, chats: { lobby: groupDecl(0) } }),
    );
    await writeFile(
      join(folder, "20-more.yml"),
      stringify({ version: 1, chats: { annex: groupDecl(2) } }),
    );
    const merged = await ws.run([
      "plan",
      folder,
      "--endpoint",
      ws.emu.baseUrl,
      "--state",
      ws.statePath,
      "--detailed-exitcode",
    ]);
    expect(merged.code, describeRun(merged)).toBe(0);

    await writeFile(
      join(folder, "30-dup.yaml"),
      stringify({ version: 1, chats: { annex: groupDecl(3) } }),
    );
    const dup = await ws.run([
      "plan",
      folder,
      "--endpoint",
      ws.emu.baseUrl,
      "--state",
      ws.statePath,
    ]);
    expect(dup.code, describeRun(dup)).toBe(1);
    expect(dup.stderr).toContain("20-more.yml");
    expect(dup.stderr).toContain("30-dup.yaml");
  });

  it("never prints or stores the API token", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});

describe("--emulator (the newcomer's path)", () => {
  let dir = "";
  const runs: CliResult[] = [];
  const run = async (args: string[]) => {
    const r = await runCli(args, { cwd: dir, env: { LINQ_API_TOKEN: undefined } });
    runs.push(r);
    return r;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "chatsync-e2e-emulator-"));
    await copyFile(join(REPO_ROOT, "examples", "quickstart.yaml"), join(dir, "quickstart.yaml"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("plans, applies and then has nothing left to do, with no token and no endpoint", async () => {
    const first = await run(["plan", "--emulator", "quickstart.yaml", "--detailed-exitcode"]);
    expect(first.code, describeRun(first)).toBe(2);
    const apply = await run(["apply", "--emulator", "quickstart.yaml", "--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    // The embedded account persists between runs, so the next plan sees what apply made.
    const again = await run(["plan", "--emulator", "quickstart.yaml", "--detailed-exitcode"]);
    expect(again.code, describeRun(again)).toBe(0);
    // The emulator keeps its own state: the live account's default state is never made.
    expect(await exists(join(dir, ".chatsync", "emulator", "state.json"))).toBe(true);
    expect(await exists(join(dir, ".chatsync", "state.json"))).toBe(false);
    expect(await exists(join(dir, ".chatsync", "emulator.json"))).toBe(true);
  });

  it("writes the quickstart webhook's secret to its secret_file at mode 0600 and prints it nowhere", async () => {
    // Under the emulator's folder, by webhook key: never over the live account's secret file.
    const secretFile = join(dir, ".chatsync", "emulator", "secrets", "location-events.whsec");
    expect(await exists(join(dir, ".chatsync", "secrets", "location-events.whsec"))).toBe(false);
    expect(await fileMode(secretFile)).toBe(0o600);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain("whsec_");
  });

  it("the examples/full folder applies and converges too", async () => {
    const folder = join(dir, "full");
    await cp(join(REPO_ROOT, "examples", "full"), folder, { recursive: true });
    const state = join(dir, "full-state", "state.json");
    const apply = await run(["apply", "--emulator", "full", "--state", state, "--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    const again = await run([
      "plan",
      "--emulator",
      "full",
      "--state",
      state,
      "--detailed-exitcode",
    ]);
    expect(again.code, describeRun(again)).toBe(0);
  });

  it("refuses --emulator together with --endpoint", async () => {
    const r = await run([
      "plan",
      "--emulator",
      "--endpoint",
      "http://127.0.0.1:9/api/partner",
      "quickstart.yaml",
    ]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/--emulator/);
  });
});
