/**
 * Whose state it is and where it lives (SPEC §6a), through the built CLI: the three ways a
 * state used to duplicate chats are refused with zero writes; a PostgreSQL state shared by two
 * working folders (one runs, the other fails fast naming the holder; a SIGKILLed runner's lock
 * frees itself and the other folder converges with no duplicate); `chatsync state` round-trips.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describeRun, runCli, type CliResult } from "../support/cli.js";
import { startE2eEmulator, type E2eEmulator } from "../support/e2e-emulator.js";
import {
  LINE_A,
  createWorkspace,
  startApplyHoldingLock,
  exists,
  findLeaks,
  person,
  roomsConfig,
  type Workspace,
} from "../support/e2e-workspace.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

describe("account binding: the three duplication paths are refused with zero writes", () => {
  let ws: Workspace;
  let other: E2eEmulator;
  beforeAll(async () => {
    ws = await createWorkspace();
    other = await startE2eEmulator({ phoneNumbers: ["+12025550177"] });
  });
  afterAll(async () => {
    await ws?.close();
    await other?.close();
  });

  it(
    "apply on the account, then --emulator in the same folder, then the account again: no second chat",
    { timeout: 120_000 },
    async () => {
      await ws.writeConfig(roomsConfig(2));
      const first = await ws.apply(["--auto-approve"]);
      expect(first.code, describeRun(first)).toBe(0);
      const stateBefore = await readFile(ws.statePath, "utf8");

      // The embedded emulator, in the same folder, with the default state: its own state.
      const emu = await ws.run(["apply", ws.configPath, "--emulator", "--auto-approve"]);
      expect(emu.code, describeRun(emu)).toBe(0);
      expect(await exists(join(ws.dir, ".chatsync", "emulator", "state.json"))).toBe(true);
      expect(await readFile(ws.statePath, "utf8")).toBe(stateBefore);

      const before = await ws.emu.control.lastSeq();
      const again = await ws.apply(["--auto-approve"]);
      expect(again.code, describeRun(again)).toBe(0);
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
      expect(await ws.emu.control.listChats()).toHaveLength(2);
    },
  );

  it("--emulator pointed at the live account's state is refused (an emulator is never that account)", async () => {
    const r = await ws.run(["plan", ws.configPath, "--emulator", "--state", ws.statePath]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("an emulator and a live account are never the same account");
  });

  it("--state of another account (no line in common) is refused before any write, naming both", async () => {
    const before = await other.control.lastSeq();
    const r = await runCli(
      [
        "apply",
        ws.configPath,
        "--endpoint",
        other.baseUrl,
        "--state",
        ws.statePath,
        "--auto-approve",
      ],
      { cwd: ws.dir, env: { LINQ_API_TOKEN: other.token } },
    );
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("belongs to another account");
    expect(r.stderr).toContain(LINE_A);
    expect(r.stderr).toContain("+12025550177");
    expect(await other.control.writesSince(before)).toEqual([]);
    expect(r.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
  });

  it(
    "apply a/x.yaml b/y.yaml, then plan b/y.yaml a/x.yaml: the new default state is refused and the old one named",
    { timeout: 120_000 },
    async () => {
      await ws.emu.control.reset();
      const a = join(ws.dir, "a");
      const b = join(ws.dir, "b");
      await mkdir(a, { recursive: true });
      await mkdir(b, { recursive: true });
      await writeFile(
        join(a, "x.yaml"),
        stringify({
          version: 1,
          defaults: { from: LINE_A },
          chats: {
            xa: { type: "group", participants: [person(0), person(1)], welcome_message: "X." },
          },
        }),
      );
      await writeFile(
        join(b, "y.yaml"),
        stringify({
          version: 1,
          defaults: { from: LINE_A },
          chats: { yb: { type: "direct", to: person(2), welcome_message: "Y." } },
        }),
      );
      const env = { LINQ_API_TOKEN: ws.emu.token };
      const common = ["--endpoint", ws.emu.baseUrl];
      const applied = await runCli(["apply", "a/x.yaml", "b/y.yaml", ...common, "--auto-approve"], {
        cwd: ws.dir,
        env,
      });
      expect(applied.code, describeRun(applied)).toBe(0);
      const before = await ws.emu.control.lastSeq();
      for (const cmd of ["plan", "apply"]) {
        const r = await runCli(
          [cmd, "b/y.yaml", "a/x.yaml", ...common, ...(cmd === "apply" ? ["--auto-approve"] : [])],
          { cwd: ws.dir, env },
        );
        expect(r.code, describeRun(r)).toBe(1);
        expect(r.stdout + r.stderr).toContain(
          "is new, but the account already has chats like the declared ones",
        );
        expect(r.stdout + r.stderr).toContain(join(a, ".chatsync", "state.json"));
      }
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
      expect(await exists(join(b, ".chatsync", "state.json"))).toBe(false);
    },
  );
});

describe("a PostgreSQL state shared by two working folders", () => {
  let ws: Workspace;
  let db: TestDatabase;
  let dirB: string;
  const runsB: CliResult[] = [];
  /** The same configuration and state URL, from another folder (another CI runner). */
  const fromB = async (args: string[]) => {
    const r = await runCli(
      [...args, "--endpoint", ws.emu.baseUrl, "--state", ws.statePath, "--no-color"],
      { cwd: dirB, env: { LINQ_API_TOKEN: ws.emu.token, PGPASSWORD: db.password } },
    );
    runsB.push(r);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase("shared");
    ws = await createWorkspace();
    ws.statePath = db.stateUrl("team-a");
    ws.env = { PGPASSWORD: db.password };
    dirB = await mkdtemp(join(tmpdir(), "chatsync-runner-b-"));
    await ws.writeConfig(roomsConfig(6));
    await cp(ws.configPath, join(dirB, "chatsync.yaml"));
  });
  afterAll(async () => {
    await ws?.close();
    await rm(dirB, { recursive: true, force: true });
    await db?.drop();
  });

  it(
    "two applies at once: one runs, the other fails fast naming the holder",
    { timeout: 120_000 },
    async () => {
      await ws.emu.control.setFaults({ probability: 0, latency_ms: [500, 700] });
      const { first, done: firstEnded } = await startApplyHoldingLock(ws, [
        "--auto-approve",
        "--parallelism",
        "1",
      ]);
      const t0 = Date.now();
      const second = await fromB(["apply", "chatsync.yaml", "--auto-approve"]);
      const tookMs = Date.now() - t0;
      expect(firstEnded(), "the first apply ended before the second could start").toBe(false);
      expect(second.code, describeRun(second)).toBe(1);
      expect(second.stderr).toContain("is locked by");
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
      expect(second.stderr).toContain('"chatsync apply"');
      expect(tookMs).toBeLessThan(15_000);
      const done = await first.result;
      expect(done.code, describeRun(done)).toBe(0);
      await ws.emu.control.setFaults({ probability: 0 });
      expect(await ws.emu.control.listChats()).toHaveLength(6);
      // Converged, seen from the other folder too.
      const plan = await fromB(["plan", "chatsync.yaml", "--detailed-exitcode"]);
      expect(plan.code, describeRun(plan)).toBe(0);
    },
  );

  it(
    "SIGKILL mid-apply: the other folder starts at once and converges with no duplicate chat or welcome",
    { timeout: 120_000 },
    async () => {
      await ws.emu.control.reset();
      ws.statePath = db.stateUrl("team-kill");
      await ws.writeConfig(roomsConfig(6));
      await cp(ws.configPath, join(dirB, "chatsync.yaml"));
      await ws.emu.control.setFaults({ probability: 0, latency_ms: [60, 100] });
      const start = await ws.emu.control.lastSeq();
      const running = ws.startApply(["--auto-approve", "--parallelism", "2"]);
      // Kill once some chats exist and more are coming.
      for (let i = 0; i < 20_000; i++) {
        const writes = (await ws.emu.control.writesSince(start)).length;
        if (writes >= 4) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      running.child.kill("SIGKILL");
      const killed = await running.result;
      expect(killed.signal, describeRun(killed)).toBe("SIGKILL");
      await ws.emu.control.setFaults({ probability: 0 });

      const t0 = Date.now();
      const rerun = await fromB(["apply", "chatsync.yaml", "--auto-approve"]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(Date.now() - t0, "the lock of the killed runner held the rerun up").toBeLessThan(
        30_000,
      );
      const chats = await ws.emu.control.listChats();
      expect(chats).toHaveLength(6);
      for (const c of chats) {
        const welcomes = (await ws.emu.control.listMessages(c.id)).filter((m) =>
          JSON.stringify(m.parts).includes("Room "),
        );
        expect(welcomes, `welcome messages in ${c.id}`).toHaveLength(1);
      }
      const before = await ws.emu.control.lastSeq();
      const again = await fromB(["apply", "chatsync.yaml", "--auto-approve"]);
      expect(again.code, describeRun(again)).toBe(0);
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
    },
  );

  it(
    "state list/show/mv/rm/pull/push round-trip, each edit bumping the serial",
    { timeout: 180_000 },
    async () => {
      const state = ["--state", ws.statePath];
      const list = await ws.run(["state", "list", ...state]);
      expect(list.code, describeRun(list)).toBe(0);
      const rows = list.stdout.trim().split("\n");
      expect(rows).toHaveLength(6);
      expect(rows[0]).toMatch(/^chat\.room-0\t[0-9a-f-]{36}$/);

      const show = await ws.run(["state", "show", "chat.room-1", ...state]);
      expect(JSON.parse(show.stdout)).toMatchObject({
        address: "chat.room-1",
        kind: "chat",
        generation: 1,
      });

      const pulled = await ws.run(["state", "pull", ...state]);
      const doc = JSON.parse(pulled.stdout) as { serial: number; lineage: string };
      const mv = await ws.run(["state", "mv", "chat.room-1", "chat.lobby", ...state]);
      expect(mv.code, describeRun(mv)).toBe(0);
      const rm1 = await ws.run(["state", "rm", "chat.room-2", ...state]);
      expect(rm1.code, describeRun(rm1)).toBe(0);
      const after = JSON.parse((await ws.run(["state", "pull", ...state])).stdout) as {
        serial: number;
        resources: Record<string, unknown>;
      };
      expect(after.serial).toBe(doc.serial + 2);
      expect(Object.keys(after.resources)).toContain("chat.lobby");
      expect(Object.keys(after.resources)).not.toContain("chat.room-1");
      expect(Object.keys(after.resources)).not.toContain("chat.room-2");
      // Every serial is kept: the one before the edits reads back as it was.
      const old = await ws.run(["state", "pull", "--serial", String(doc.serial), ...state]);
      expect(JSON.parse(old.stdout)).toEqual(doc);

      // push: the old version back in (same lineage, but older: needs --force), then to a new name.
      const file = join(ws.dir, "pulled.json");
      await writeFile(file, old.stdout);
      const refused = await ws.run(["state", "push", file, ...state]);
      expect(refused.code, describeRun(refused)).toBe(1);
      expect(refused.stderr).toContain("older than serial");
      const forced = await ws.run(["state", "push", file, "--force", ...state]);
      expect(forced.code, describeRun(forced)).toBe(0);
      const plan = await ws.plan(["--detailed-exitcode"]);
      expect(plan.code, describeRun(plan)).toBe(0);

      // A file state moves into PostgreSQL with push; another lineage is refused without --force.
      const foreign = join(ws.dir, "foreign.json");
      await writeFile(
        foreign,
        JSON.stringify({ ...JSON.parse(old.stdout), lineage: "another-lineage" }),
      );
      const lineage = await ws.run(["state", "push", foreign, ...state]);
      expect(lineage.code, describeRun(lineage)).toBe(1);
      expect(lineage.stderr).toContain("different states");
      const moved = await ws.run(["state", "push", file, "--state", db.stateUrl("team-b")]);
      expect(moved.code, describeRun(moved)).toBe(0);
      const planB = await ws.run([
        "plan",
        ws.configPath,
        "--endpoint",
        ws.emu.baseUrl,
        "--state",
        db.stateUrl("team-b"),
        "--detailed-exitcode",
      ]);
      expect(planB.code, describeRun(planB)).toBe(0);
      for (const bad of [
        ["state", "show", "chat.nope", ...state],
        ["state", "rm", "nonsense", ...state],
      ]) {
        const r = await ws.run(bad);
        expect(r.code, describeRun(r)).toBe(1);
        expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      }
    },
  );

  it(
    "a password in the URL never shows in any output, plan file or state",
    { timeout: 120_000 },
    async () => {
      const withPassword = db.stateUrl("team-a", true);
      const out = join(ws.dir, "plan.json");
      const r = await ws.run([
        "plan",
        ws.configPath,
        "--endpoint",
        ws.emu.baseUrl,
        "--state",
        withPassword,
        "--out",
        out,
      ]);
      expect(r.code, describeRun(r)).toBe(0);
      const wrong = await ws.run(
        [
          "state",
          "list",
          "--state",
          withPassword.replace(encodeURIComponent(db.password), "N0tThePassw0rd"),
        ],
        {
          env: { PGPASSWORD: undefined },
        },
      );
      expect(wrong.code, describeRun(wrong)).toBe(1);
      expect(wrong.stderr).toContain("refused user");
      expect(wrong.stderr).not.toContain("N0tThePassw0rd");
      expect(await findLeaks(ws, [db.password, encodeURIComponent(db.password)])).toEqual([]);
      for (const r2 of runsB) expect(r2.stdout + r2.stderr).not.toContain(db.password);
      const rows = await db.query<{ snapshot: unknown }>(
        "SELECT snapshot FROM chatsync_state_versions",
      );
      expect(JSON.stringify(rows)).not.toContain(db.password);
    },
  );

  it("an unreachable database is one message, exit 1, no stack trace", async () => {
    const r = await ws.run([
      "plan",
      ws.configPath,
      "--endpoint",
      ws.emu.baseUrl,
      "--state",
      "postgres://chatsync@127.0.0.1:1/nodb?name=x",
    ]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("nothing accepts PostgreSQL connections at 127.0.0.1:1");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
