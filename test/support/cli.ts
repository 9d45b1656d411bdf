/**
 * Runs the built `chatsync` binary (dist/cli/main.js) as a child process, the way a user or CI
 * job does. Always asynchronous: the emulator a test talks to may live in this process, so a
 * synchronous spawn would block the very server the CLI is waiting on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CliResult {
  /** Exit code; null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  args: string[];
}

export interface CliRunOptions {
  cwd?: string;
  /** Added on top of a scrubbed copy of process.env (see `cliEnv`). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. stdin is a pipe, never a TTY. */
  input?: string;
  /** Kill the process (SIGKILL) after this long; a safety net, never an assertion. Default 60 s. */
  killAfterMs?: number;
}

export class CliBinaryMissingError extends Error {
  readonly code = "E2E_CLI_NOT_BUILT";
  constructor() {
    super(`${CLI_BIN} does not exist; run \`npm run build\` before the end-to-end tests`);
    this.name = "CliBinaryMissingError";
  }
}

/** Environment for a child CLI: the parent's, minus anything that would redirect it to a real API. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const name of [
    "LINQ_API_TOKEN",
    "LINQ_API_V3_API_KEY",
    "LINQ_API_BASE_URL",
    "LINQ_API_V3_BASE_URL",
    "FORCE_COLOR",
  ]) {
    delete env[name];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunningCli {
  child: ChildProcess;
  result: Promise<CliResult>;
}

/** Starts the CLI and returns at once; `result` settles when the process ends (by exit or signal). */
export function startCli(args: string[], options: CliRunOptions = {}): RunningCli {
  if (!existsSync(CLI_BIN)) throw new CliBinaryMissingError();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cliEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.on("error", () => {
    /* the CLI may exit before reading stdin; EPIPE is expected then */
  });
  child.stdin!.end(options.input ?? "");
  const safety = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 60_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", (err) => {
      clearTimeout(safety);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(safety);
      resolve({ code, signal, stdout, stderr, args });
    });
  });
  return { child, result };
}

export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** A readable dump of a run, for assertion messages. */
export function describeRun(r: CliResult): string {
  return [
    `$ chatsync ${r.args.join(" ")}`,
    `exit=${r.code} signal=${r.signal}`,
    `--- stdout ---\n${r.stdout}`,
    `--- stderr ---\n${r.stderr}`,
  ].join("\n");
}
