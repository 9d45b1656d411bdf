#!/usr/bin/env node
/**
 * chatsync command line. Kept thin: each command lives in ./commands and imports its heavy
 * modules lazily inside the action, so `chatsync --version` stays fast.
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { registerValidate } from "./commands/validate.js";
import { registerPlan } from "./commands/plan.js";
import { registerApply } from "./commands/apply.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerDemo } from "./commands/demo.js";
import { registerImport } from "./commands/import.js";
import { registerExport } from "./commands/export.js";
import { CliError } from "./cli-error.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("chatsync")
    .description(
      "Keep Linq group chats, rosters, contact cards and webhooks equal to a declared state.",
    )
    .version(pkg.version, "-v, --version")
    .option("--debug", "print stack traces for errors and a log of API requests (never the token)")
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerPlan(program);
  registerApply(program);
  registerEmulator(program);
  registerDemo(program);
  registerImport(program);
  registerExport(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : 1;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`Error: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const e = err as Error;
    process.stderr.write(`Error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
