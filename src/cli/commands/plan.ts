/**
 * `chatsync plan [PATH...]`: refresh, diff, print. Writes nothing. Exit codes (SPEC §3): 0,
 * 1 on error (a plan with errors such as prevent_destroy included), and with
 * --detailed-exitcode 2 when there are changes (or drift, with --refresh-only).
 */
import type { Command } from "commander";
import {
  addEngineOptions,
  addRemovalGuardOptions,
  checkReplace,
  checkTargets,
  readRemovalGuard,
  useColor,
  type EngineFlags,
  type RemovalGuardFlags,
} from "../engine-options.js";
import { CliError, markWrittenAsJson } from "../cli-error.js";

interface PlanFlags extends EngineFlags, RemovalGuardFlags {
  out?: string;
  detailedExitcode?: boolean;
  markdown?: boolean;
  refreshOnly?: boolean;
}

export function registerPlan(program: Command): void {
  const cmd = program
    .command("plan")
    .description(
      "refresh the live account, diff it with the configuration, print the plan; writes nothing",
    )
    .argument(
      "[paths...]",
      "YAML files or folders, or one .json manifest (default: ./chatsync.yaml, else ./chatsync/)",
    )
    .option("--out <file>", "save the plan (JSON) for a later `chatsync apply FILE`")
    .option("--detailed-exitcode", "exit 0 = no changes, 2 = changes, 1 = error")
    .option("--markdown", "render the plan as a pull-request comment")
    .option("--refresh-only", "show drift only; propose no changes");
  addRemovalGuardOptions(cmd);
  addEngineOptions(cmd).action(async (paths: string[], flags: PlanFlags, command: Command) => {
    await runPlanCommand(paths, { ...flags, debug: command.optsWithGlobals().debug === true });
  });
}

async function runPlanCommand(paths: string[], flags: PlanFlags): Promise<void> {
  if (flags.json && flags.markdown)
    throw new CliError("--json and --markdown exclude each other; pick one output format");
  const targets = checkTargets(flags.target);
  const replace = checkReplace(flags.replace);
  const removalGuard = readRemovalGuard(flags);
  const { withEngineSession } = await import("../engine-run.js");
  const cwd = process.cwd();
  const engine = await import("../../sync-engine/index.js");
  const plan = await withEngineSession(
    paths,
    flags,
    { cwd, color: useColor(flags, process.stderr), command: "chatsync plan" },
    (input, session) =>
      engine.runPlan({
        desired: input.desired!,
        api: session.api,
        stateBackend: input.backend,
        endpoint: session.endpoint,
        stateHints: input.stateHints,
        lockHeld: true,
        targets,
        destroy: flags.destroy === true,
        replace,
        refreshOnly: flags.refreshOnly === true,
        removalGuard,
      }),
  );

  const { planRelativeTo, targetFlags, shellLine } = await import("../saved-plan.js");
  // Printed for the working directory: a plan piped into a file there applies as it is.
  const planJson = () => engine.renderPlanJson(planRelativeTo(plan, cwd));
  if (plan.errors.length > 0) {
    // Machine and PR-comment outputs still get their document, so CI can show the errors.
    if (flags.json) process.stdout.write(planJson());
    else if (flags.markdown) process.stdout.write(engine.renderPlanMarkdown(plan));
    const err = new CliError(
      `the plan has ${plan.errors.length} error(s):\n${plan.errors.map((e) => `  - ${e.message}`).join("\n")}`,
    );
    // The plan document (with its errors) is the --json answer.
    if (flags.json) markWrittenAsJson(err);
    throw err;
  }
  if (flags.out) {
    const [{ default: writeFileAtomic }, { dirname, resolve }] = await Promise.all([
      import("write-file-atomic"),
      import("node:path"),
    ]);
    const out = resolve(cwd, flags.out);
    await writeFileAtomic(out, engine.renderPlanJson(planRelativeTo(plan, dirname(out))), {
      mode: 0o600,
    });
    // The hint repeats what chose the account: without --emulator the apply would look for a token.
    const again = shellLine(["chatsync", "apply", flags.out, ...targetFlags(flags)]);
    process.stderr.write(`Saved the plan to ${out}; apply it with: ${again}\n`);
  }
  if (flags.json) process.stdout.write(planJson());
  else if (flags.markdown) process.stdout.write(engine.renderPlanMarkdown(plan));
  else
    process.stdout.write(engine.renderPlanHuman(plan, { color: useColor(flags, process.stdout) }));

  const changed = flags.refreshOnly ? plan.drift.length > 0 : plan.changes.length > 0;
  if (flags.detailedExitcode && changed) process.exitCode = 2;
}
