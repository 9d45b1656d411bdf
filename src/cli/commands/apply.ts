/**
 * `chatsync apply [PATH... | PLANFILE]`: plan and apply, or apply a saved plan (refused when
 * the state or the live account moved on since). Without --auto-approve a terminal is asked;
 * without a terminal the apply is refused.
 */
import { escapeTerminal } from "../../sync-engine/output/inert-text.js";
import { redactUrlsInText } from "../../sync-engine/output/url-credentials.js";
import type { Command } from "commander";
import {
  addEngineOptions,
  addRemovalGuardOptions,
  checkReplace,
  checkTargets,
  parsePositiveInt,
  readRemovalGuard,
  useColor,
  type EngineFlags,
  type RemovalGuardFlags,
} from "../engine-options.js";
import { markWrittenAsJson } from "../cli-error.js";

interface ApplyFlags extends EngineFlags, RemovalGuardFlags {
  autoApprove?: boolean;
  parallelism?: string;
  confirmTimeout?: string;
}

export function registerApply(program: Command): void {
  const cmd = program
    .command("apply")
    .description("make the live account match the configuration (or apply a saved plan)")
    .argument(
      "[paths...]",
      "YAML files or folders, one .json manifest, or one saved plan (from plan --out)",
    )
    .option("--auto-approve", "do not ask for approval (required without a terminal)")
    .option("--parallelism <n>", "addresses applied at once (default 4)")
    .option(
      "--confirm-timeout <seconds>",
      "how long to wait for queued changes to show in a read (default 30)",
    );
  addRemovalGuardOptions(cmd);
  addEngineOptions(cmd).action(async (paths: string[], flags: ApplyFlags, command: Command) => {
    await runApplyCommand(paths, { ...flags, debug: command.optsWithGlobals().debug === true });
  });
}

async function runApplyCommand(paths: string[], flags: ApplyFlags): Promise<void> {
  const targets = checkTargets(flags.target);
  const replace = checkReplace(flags.replace);
  const parallelism = parsePositiveInt("--parallelism", flags.parallelism, 4);
  const { maxRemovals, allowRemovals } = readRemovalGuard(flags);
  const confirmTimeoutMs = parsePositiveInt("--confirm-timeout", flags.confirmTimeout, 30) * 1000;
  const { readEngineInput, openSessionFor } = await import("../engine-run.js");
  const cwd = process.cwd();
  const { input, lock } = await readEngineInput(paths, flags, {
    cwd,
    color: useColor(flags, process.stderr),
    allowPlanFile: true,
    command: "chatsync apply",
  });
  const [{ askApproval }, engine] = await Promise.all([
    import("../approval-prompt.js"),
    import("../../sync-engine/index.js"),
  ]);
  const colorOut = useColor(flags, process.stdout);
  const progress = process.stderr.isTTY
    ? engine.ttyProgress(process.stderr, useColor(flags, process.stderr))
    : engine.plainProgress(process.stderr, useColor(flags, process.stderr));

  let result;
  let session;
  try {
    session = await openSessionFor(input, flags);
    result = await engine.runApply({
      ...(input.desired ? { desired: input.desired } : {}),
      ...(input.savedPlan ? { savedPlan: input.savedPlan } : {}),
      api: session.api,
      stateBackend: input.backend,
      endpoint: session.endpoint,
      stateHints: input.stateHints,
      lockHeld: true,
      targets,
      destroy: flags.destroy === true,
      replace,
      parallelism,
      maxRemovals,
      allowRemovals,
      confirmTimeoutMs,
      progress,
      onPlan: (plan) => {
        if (!flags.json) process.stdout.write(engine.renderPlanHuman(plan, { color: colorOut }));
      },
      // A saved plan was reviewed when it was made: applying it is the approval (as in Terraform).
      approve: async () =>
        flags.autoApprove || input.savedPlan ? true : askApproval(process.stdin, process.stderr),
    });
  } catch (err) {
    if (err instanceof engine.ApplyFailedError && flags.json) {
      writeJson({
        format_version: engine.PLAN_FORMAT_VERSION,
        status: "failed",
        outcome: err.outcome,
      });
    } else if (flags.json) {
      // Stopped before any write, refused by a check or failed (e.g. the account could not be
      // read): a script reading stdout still gets one JSON document saying so.
      const refused =
        err instanceof engine.PlanHasErrorsError ||
        err instanceof engine.RemovalGuardError ||
        err instanceof engine.StalePlanError ||
        err instanceof engine.ApplyNotApprovedError;
      const error = {
        ...(hasCode(err) ? { code: err.code } : {}),
        message: (err as Error)?.message ?? String(err),
      };
      writeJson({
        format_version: engine.PLAN_FORMAT_VERSION,
        status: refused ? "refused" : "error",
        error,
      });
    }
    if (flags.json) markWrittenAsJson(err);
    // main prints the message (and, with --debug, this error's own stack).
    throw err;
  } finally {
    await session?.close();
    await lock.release();
  }

  const { plan, outcome } = result;
  for (const w of outcome.warnings)
    process.stderr.write(
      `warning: ${escapeTerminal(`${w.address ? `${w.address}: ` : ""}${w.message}`)}\n`,
    );
  if (flags.json) {
    writeJson({ format_version: engine.PLAN_FORMAT_VERSION, status: "applied", plan, outcome });
    return;
  }
  if (plan.changes.length === 0) return;
  const s = plan.summary;
  process.stdout.write(
    `\nApply complete! ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.leave} left${s.forget ? `, ${s.forget} forgotten` : ""}${s.delete ? `, ${s.delete} deleted` : ""}${s.import ? `, ${s.import} imported` : ""}${s.move ? `, ${s.move} moved` : ""}.\n`,
  );
}

/** Machine output on stdout, with URL credentials redacted like every other output. */
function writeJson(doc: unknown): void {
  process.stdout.write(redactUrlsInText(`${JSON.stringify(doc, null, 2)}\n`));
}

function hasCode(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string";
}
