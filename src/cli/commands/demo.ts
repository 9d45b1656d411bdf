/**
 * `chatsync demo` — the main job behind `npm start`. Runs the quickstart example against an
 * emulator embedded in this process: plan, apply (auto-approved), then plan again to show
 * nothing is left to do. Each step is the real `chatsync` binary in a child process, so the
 * demo shows exactly what a user would type and see.
 *
 * Every run starts over: `.chatsync/demo/` under the current directory is wiped, the emulator
 * account starts empty, and the example is copied there so secret files and state land in that
 * gitignored folder instead of next to the example. Running it twice gives the same output.
 */
import type { Command } from "commander";
import { CliError } from "../cli-error.js";

export interface DemoOptions {
  /** Example config to run. Default: the package's examples/quickstart.yaml. */
  config?: string;
  /** Working folder, wiped at start. Default: `.chatsync/demo` under the current directory. */
  dir?: string;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the quickstart example against an embedded emulator: plan, apply, plan again")
    .option(
      "--config <file>",
      "example config to run (default: examples/quickstart.yaml of this package)",
    )
    .option(
      "--dir <folder>",
      "working folder for state and secrets, wiped first (default: .chatsync/demo)",
    )
    .action(async (opts: DemoOptions) => {
      await runDemo(opts);
    });
}

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const { cp, mkdir, rm, readFile, access } = await import("node:fs/promises");
  const { basename, join, resolve } = await import("node:path");
  const { fileURLToPath } = await import("node:url");

  const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
  const source = resolve(options.config ?? join(packageRoot, "examples", "quickstart.yaml"));
  try {
    await access(source);
  } catch {
    throw new CliError(
      `demo: example config ${source} not found; pass --config FILE or restore examples/quickstart.yaml`,
    );
  }
  const dir = resolve(options.dir ?? join(process.cwd(), ".chatsync", "demo"));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config = join(dir, basename(source));
  await cp(source, config);
  const statePath = join(dir, "state.json");

  const lines = linesDeclaredIn(await readFile(config, "utf8"), (await import("yaml")).parse);
  // Loaded lazily so `chatsync --version` never pays for the emulator.
  const { startEmulator } = await import("../../emulator/index.js");
  const emulator = await startEmulator({
    port: 0,
    host: "127.0.0.1",
    ...(lines.length > 0 ? { phoneNumbers: lines } : {}),
  });

  const say = (text: string) => process.stdout.write(`${text}\n`);
  const common = [config, "--endpoint", emulator.baseUrl, "--state", statePath];
  try {
    say(`chatsync demo: ${source}`);
    say(
      `embedded emulator at ${emulator.baseUrl} (lines ${emulator.phoneNumbers.join(", ")}); state in ${dir}\n`,
    );

    say("== 1/3  chatsync plan ==");
    const first = await runChild(["plan", ...common, "--detailed-exitcode"], emulator.token);
    if (first !== 0 && first !== 2)
      throw new CliError(`demo: the first plan failed (exit ${first}); see the output above`);

    say("\n== 2/3  chatsync apply --auto-approve ==");
    const applied = await runChild(["apply", ...common, "--auto-approve"], emulator.token);
    if (applied !== 0)
      throw new CliError(`demo: apply failed (exit ${applied}); see the output above`);

    say("\n== 3/3  chatsync plan (again) ==");
    const second = await runChild(["plan", ...common, "--detailed-exitcode"], emulator.token);
    if (second !== 0) {
      throw new CliError(
        `demo: the plan after apply still has changes (exit ${second}); apply did not converge — this is a bug`,
      );
    }
    say("\nDemo complete: the account matches the declared state; nothing is left to do.");
  } finally {
    await emulator.close();
  }
}

/**
 * The E.164 lines a config sends from (defaults.from, each chat's from, contact-card keys,
 * webhook phone_numbers), so the embedded emulator owns exactly those lines.
 */
export function linesDeclaredIn(yamlText: string, parse: (text: string) => unknown): string[] {
  const lines = new Set<string>();
  const doc = parse(yamlText) as Record<string, unknown> | null;
  // The loader accepts "+1 (202) 555-0100"; strip the punctuation it allows to get E.164.
  const add = (v: unknown) => {
    const e164 = typeof v === "string" ? v.replace(/[\s().-]/g, "") : "";
    if (/^\+[1-9]\d{1,14}$/.test(e164)) lines.add(e164);
  };
  const asRecord = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  add(asRecord(doc?.defaults).from);
  for (const chat of Object.values(asRecord(doc?.chats))) add(asRecord(chat).from);
  for (const phone of Object.keys(asRecord(doc?.contact_cards))) add(phone);
  for (const hook of Object.values(asRecord(doc?.webhooks))) {
    const numbers = asRecord(hook).phone_numbers;
    if (Array.isArray(numbers)) numbers.forEach(add);
  }
  return [...lines].sort();
}

/** Runs the chatsync binary with output passed straight through; resolves to its exit code. */
async function runChild(args: string[], token: string): Promise<number> {
  const { spawn } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const bin = fileURLToPath(new URL("../main.js", import.meta.url));
  // The token travels in the environment only, as for any user; it is never on a command line.
  const env: NodeJS.ProcessEnv = { ...process.env, LINQ_API_TOKEN: token };
  delete env.LINQ_API_V3_API_KEY;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ["ignore", "inherit", "inherit"],
      env,
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}
