/** Runs the built chatsync binary for a benchmark and measures its wall time. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** With `nodeArgs`, leading `--import X` pairs in `args` go to node, before the CLI script. */
export function runCliTimed(
  args: string[],
  env: Record<string, string> = {},
  options: { nodeArgs?: boolean } = {},
): Promise<TimedRun> {
  const nodeArgs: string[] = [];
  let rest = args;
  while (options.nodeArgs && rest[0] === "--import") {
    nodeArgs.push("--import", rest[1] as string);
    rest = rest.slice(2);
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, CLI_BIN, ...rest], {
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnv,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

export class BenchRunError extends Error {
  readonly code = "BENCH_RUN_FAILED";
  constructor(what: string, run: TimedRun) {
    super(
      `${what} failed with exit ${run.code}:\n${run.stderr.slice(-2000) || run.stdout.slice(-2000)}`,
    );
    this.name = "BenchRunError";
  }
}
