/**
 * One end-to-end scene: a temp folder holding the YAML config, the state file and any plan or
 * secret files, an emulator on a free loopback port, and a record of every CLI run made
 * against them (so the secret-hygiene check can grep all of it at the end).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import {
  describeRun,
  runCli,
  startCli,
  type CliResult,
  type CliRunOptions,
  type RunningCli,
} from "./cli.js";
import { startE2eEmulator, type E2eEmulator, type E2eEmulatorOptions } from "./e2e-emulator.js";

export const LINE_A = "+12025550100";
export const LINE_B = "+12025550101";
/** Recipients used across the suites; all iMessage unless a test says otherwise. */
export const PEOPLE = [
  "+14155550101",
  "+14155550102",
  "+14155550103",
  "+14155550104",
  "+14155550105",
  "+14155550106",
  "+14155550107",
  "+14155550108",
] as const;

export function person(i: number): string {
  const p = PEOPLE[i];
  if (!p) throw new RangeError(`PEOPLE has no index ${i}`);
  return p;
}

/** A configuration of `n` small groups (`room-0`…) from LINE_A, for runs that just need work to do. */
export function roomsConfig(n: number): Record<string, unknown> {
  const chats: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    chats[`room-${i}`] = {
      type: "group",
      participants: [person(i), person(i + 1)],
      welcome_message: `Room ${i}.`,
    };
  }
  return { version: 1, defaults: { from: LINE_A }, chats };
}

export interface Workspace {
  dir: string;
  configPath: string;
  /** `--state` of every run (a path or a postgres:// URL); assign a new one to start over with no state. */
  statePath: string;
  /** Extra environment for every run (e.g. PGPASSWORD for a PostgreSQL state). */
  env: Record<string, string | undefined>;
  emu: E2eEmulator;
  /** Every CLI run made through this workspace, in order. */
  runs: CliResult[];
  /** Writes the config (an object, serialized as YAML) to `configPath`. */
  writeConfig(doc: unknown): Promise<void>;
  writeConfigText(text: string): Promise<void>;
  /** `chatsync plan <config> --endpoint … --state … [args]` with the token in the environment. */
  plan(args?: string[], options?: CliRunOptions): Promise<CliResult>;
  /** `chatsync apply <config> --endpoint … --state … [args]`. Add `--auto-approve` yourself. */
  apply(args?: string[], options?: CliRunOptions): Promise<CliResult>;
  /** `chatsync apply PLANFILE --endpoint … --state … [args]`: applies a saved plan. */
  applyPlan(planFile: string, args?: string[], options?: CliRunOptions): Promise<CliResult>;
  /** Any chatsync command with the workspace's token env; `args` are passed as given. */
  run(args: string[], options?: CliRunOptions): Promise<CliResult>;
  startApply(args?: string[], options?: CliRunOptions): RunningCli;
  /** Paths of every regular file under `dir` (state, plans, secrets, lock files). */
  files(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createWorkspace(options: E2eEmulatorOptions = {}): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "chatsync-e2e-"));
  const emu = await startE2eEmulator({ phoneNumbers: [LINE_A, LINE_B], ...options });
  const configPath = join(dir, "chatsync.yaml");
  const statePath = join(dir, ".chatsync", "state.json");
  const runs: CliResult[] = [];
  const env = (extra?: CliRunOptions["env"]) => ({
    LINQ_API_TOKEN: emu.token,
    ...ws.env,
    ...extra,
  });
  // Reads ws.statePath at call time so a test can point later runs at a fresh state file.
  const common = () => ["--endpoint", emu.baseUrl, "--state", ws.statePath, "--no-color"];
  const record = async (p: Promise<CliResult>) => {
    const r = await p;
    runs.push(r);
    return r;
  };

  const ws: Workspace = {
    dir,
    configPath,
    statePath,
    env: {},
    emu,
    runs,
    async writeConfig(doc) {
      await writeFile(configPath, stringify(doc));
    },
    async writeConfigText(text) {
      await writeFile(configPath, text);
    },
    plan(args = [], o = {}) {
      return record(
        runCli(["plan", configPath, ...common(), ...args], { cwd: dir, ...o, env: env(o.env) }),
      );
    },
    apply(args = [], o = {}) {
      return record(
        runCli(["apply", configPath, ...common(), ...args], { cwd: dir, ...o, env: env(o.env) }),
      );
    },
    applyPlan(planFile, args = [], o = {}) {
      return record(
        runCli(["apply", planFile, ...common(), ...args], { cwd: dir, ...o, env: env(o.env) }),
      );
    },
    run(args, o = {}) {
      return record(runCli(args, { cwd: dir, ...o, env: env(o.env) }));
    },
    startApply(args = [], o = {}) {
      const running = startCli(["apply", configPath, ...common(), ...args], {
        cwd: dir,
        ...o,
        env: env(o.env),
      });
      void running.result.then(
        (r) => runs.push(r),
        () => undefined,
      );
      return running;
    },
    async files() {
      return listFiles(dir);
    },
    async close() {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await mkdir(dirname(statePath), { recursive: true });
  return ws;
}

/**
 * Starts an apply and waits until it talks to the API: by then it holds the state lock. Slow
 * the emulator down first (latency faults) so the apply is still running when this returns;
 * `done()` says whether it has ended since.
 */
export async function startApplyHoldingLock(
  ws: Workspace,
  args: string[],
): Promise<{ first: RunningCli; done: () => boolean }> {
  const start = await ws.emu.control.lastSeq();
  const first = ws.startApply(args);
  let ended = false;
  void first.result.then(() => (ended = true));
  for (let i = 0; i < 2_000 && !ended; i++) {
    if ((await ws.emu.control.requestsSince(start)).length > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { first, done: () => ended };
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const p = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

export async function fileMode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where any of `needles` shows up in the workspace: every run's stdout/stderr and every file
 * under the workspace except those in `allowedFiles` (the secret files themselves).
 */
export async function findLeaks(
  ws: Workspace,
  needles: string[],
  allowedFiles: string[] = [],
): Promise<string[]> {
  const leaks: string[] = [];
  const wanted = needles.filter((n) => n.length > 0);
  for (const r of ws.runs) {
    for (const n of wanted) {
      if (r.stdout.includes(n))
        leaks.push(`stdout of \`chatsync ${r.args.join(" ")}\` contains ${label(n)}`);
      if (r.stderr.includes(n))
        leaks.push(`stderr of \`chatsync ${r.args.join(" ")}\` contains ${label(n)}`);
    }
  }
  for (const f of await ws.files()) {
    if (allowedFiles.includes(f)) continue;
    const text = await readFile(f, "utf8").catch(() => "");
    for (const n of wanted) if (text.includes(n)) leaks.push(`${f} contains ${label(n)}`);
  }
  return leaks;
}

function label(needle: string): string {
  return needle.startsWith("whsec_")
    ? "a webhook signing secret"
    : needle.startsWith("tok_")
      ? "the API token"
      : JSON.stringify(needle);
}

/** Converged: another apply sends no write request and `plan --detailed-exitcode` exits 0. */
export async function expectConverged(ws: Workspace): Promise<void> {
  const before = await ws.emu.control.lastSeq();
  const r = await ws.apply(["--auto-approve"]);
  expect(r.code, describeRun(r)).toBe(0);
  expect(await ws.emu.control.writesSince(before)).toEqual([]);
  const plan = await ws.plan(["--detailed-exitcode"]);
  expect(plan.code, describeRun(plan)).toBe(0);
}
