#!/usr/bin/env node
/**
 * chatsync command line. Kept thin: each command lives in ./commands and imports its heavy
 * modules lazily inside the action, so `chatsync --version` stays fast.
 */
import { Command, CommanderError } from "commander";
import tab from "@bomb.sh/tab/commander";
import { readFileSync } from "node:fs";
import { registerValidate } from "./commands/validate.js";
import { registerPlan } from "./commands/plan.js";
import { registerApply } from "./commands/apply.js";
import { registerEmulator } from "./commands/emulator.js";
import { registerDemo } from "./commands/demo.js";
import { registerState } from "./commands/state.js";
import { registerImport } from "./commands/import.js";
import { registerExport } from "./commands/export.js";
import { CliError, jsonErrorDocument } from "./cli-error.js";
import { PLAN_FORMAT_VERSION } from "../sync-engine/plan/plan-types.js";
import { escapeTerminal } from "../sync-engine/output/inert-text.js";
import { redactUrlsInText } from "../sync-engine/output/url-credentials.js";

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
    // One line and where to look, not the whole help (inherited by every subcommand).
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerValidate(program);
  registerPlan(program);
  registerApply(program);
  registerEmulator(program);
  registerDemo(program);
  registerImport(program);
  registerExport(program);
  registerState(program);
  // Last: tab reads the finished command tree. `completion bash|zsh|fish|powershell` prints the
  // script; the script asks `chatsync complete -- <words>` (hidden) for suggestions.
  tab(program, { completionCommandName: "completion" });
  program.commands
    .find((c) => c.name() === "completion")
    ?.description(
      "print a shell completion script (bash, zsh, fish or powershell), e.g. `chatsync completion bash > ~/.local/share/bash-completion/completions/chatsync`",
    );
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  const options = argv.slice(2, argv.includes("--") ? argv.indexOf("--") : undefined);
  const json = options.includes("--json");
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const failed = !(err instanceof CommanderError && err.exitCode === 0);
    // --json: a program reading stdout gets one document, whatever stopped the command.
    if (json && failed) {
      const doc = jsonErrorDocument(err, PLAN_FORMAT_VERSION);
      if (doc !== undefined) process.stdout.write(doc);
    }
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : 1;
      return;
    }
    // Messages quote YAML values, API errors and server bodies: never let them drive the terminal.
    if (err instanceof CliError) {
      process.stderr.write(
        `Error: ${escapeTerminal(redactUrlsInText(err.message), { keepNewlines: true })}\n`,
      );
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const e = err as Error;
    process.stderr.write(
      `Error: ${escapeTerminal(redactUrlsInText(e?.message ?? String(err)), { keepNewlines: true })}\n`,
    );
    if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
