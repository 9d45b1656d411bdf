/**
 * What `plan` and `apply` do before the engine runs: read the desired state (or a saved plan),
 * settle the state path, open the API session. Kept in one place so both commands behave
 * identically.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { DesiredState } from "../sync-engine/model/desired-state.js";
import type { Plan } from "../sync-engine/plan/plan-types.js";
import { acquireStateLock, type StateLock } from "../sync-engine/state/state-lock.js";
import { CliError } from "./cli-error.js";
import { openApiSession, type ApiSession } from "./api-session.js";
import type { EngineFlags } from "./engine-options.js";
import { defaultStatePath, isManifestPath, loadDesired } from "./load-desired.js";
import { missingFolders, removeIfEmpty } from "./new-folders.js";
import { checkSavedPlanState, savedPlanStatePath } from "./saved-plan.js";

export interface EngineInput {
  desired?: DesiredState;
  savedPlan?: Plan;
  statePath: string;
}

/** Lines a desired state sends from or configures; the embedded emulator must own them. */
export function linesOf(desired: DesiredState): string[] {
  const lines = new Set<string>();
  for (const c of Object.values(desired.chats)) lines.add(c.from);
  for (const c of Object.values(desired.contact_cards)) lines.add(c.phone_number);
  for (const w of Object.values(desired.webhooks)) for (const p of w.phone_numbers) lines.add(p);
  return [...lines];
}

function linesOfPlan(plan: Plan): string[] {
  const lines = new Set<string>();
  for (const c of plan.changes) {
    for (const s of c.steps) {
      if (s.op === "create_chat") lines.add(s.from);
      if (s.op === "create_contact_card") lines.add(s.phone_number);
    }
    if (c.after?.kind === "chat") lines.add(c.after.from);
  }
  return [...lines];
}

/** A saved plan is a single `.json` argument whose document says it is one. */
export async function readSavedPlan(paths: string[], cwd: string): Promise<Plan | undefined> {
  if (paths.length !== 1 || !isManifestPath(paths[0] as string)) return undefined;
  const file = resolve(cwd, paths[0] as string);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const d = doc as Partial<Plan> | null;
  if (d && typeof d === "object" && d.kind === "chatsync-plan") {
    const { PLAN_FORMAT_VERSION } = await import("../sync-engine/plan/plan-types.js");
    if (d.format_version !== PLAN_FORMAT_VERSION) {
      throw new CliError(
        `${file} is a plan of format_version ${String(d.format_version)}; this chatsync applies format_version ${PLAN_FORMAT_VERSION}. Make the plan again with this version.`,
      );
    }
    return d as Plan;
  }
  return undefined;
}

async function readEngineInputUnlocked(
  paths: string[],
  flags: EngineFlags,
  opts: { cwd: string; color: boolean; allowPlanFile: boolean },
): Promise<EngineInput> {
  if (opts.allowPlanFile) {
    const savedPlan = await readSavedPlan(paths, opts.cwd);
    if (savedPlan) {
      if (flags.target?.length || flags.destroy || flags.replace?.length)
        throw new CliError(
          "--target, --destroy and --replace shape a new plan; a saved plan is applied exactly as it was made",
        );
      const planFile = resolve(opts.cwd, paths[0] as string);
      const statePath = flags.state
        ? resolve(opts.cwd, flags.state)
        : savedPlanStatePath(savedPlan, planFile);
      await checkSavedPlanState(savedPlan, planFile, statePath);
      return { savedPlan, statePath };
    }
  }
  if (flags.app !== undefined) {
    // `--app`: a construct app writes the manifest (src/cli/app-manifest.ts).
    if (paths.length > 0)
      throw new CliError(
        "--app and PATH exclude each other: the app's manifest is the whole desired state",
      );
    const { desiredStateFromApp } = await import("./app-manifest.js");
    let desired: DesiredState;
    try {
      desired = await desiredStateFromApp(flags.app, { cwd: opts.cwd });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    return {
      desired,
      statePath: flags.state ? resolve(opts.cwd, flags.state) : defaultStatePath([], opts.cwd),
    };
  }
  const loaded = await loadDesired(paths, {
    cwd: opts.cwd,
    color: opts.color,
    warn: (t) => process.stderr.write(t),
  });
  return {
    desired: loaded.state,
    statePath: flags.state
      ? resolve(opts.cwd, flags.state)
      : defaultStatePath(loaded.files, opts.cwd),
  };
}

/**
 * Reads the input and takes the state lock. With --state the lock is taken first, so a second
 * run fails fast instead of after parsing the configuration; the caller releases it.
 */
export async function readEngineInput(
  paths: string[],
  flags: EngineFlags,
  opts: { cwd: string; color: boolean; allowPlanFile: boolean; command: string },
): Promise<{ input: EngineInput; lock: StateLock }> {
  let lock = flags.state
    ? await lockLeavingNoEmptyFolders(resolve(opts.cwd, flags.state), opts.command)
    : undefined;
  try {
    const input = await readEngineInputUnlocked(paths, flags, opts);
    lock ??= await lockLeavingNoEmptyFolders(input.statePath, opts.command);
    const was = lock.tookOver;
    if (was) {
      process.stderr.write(
        `Note: took over a stale state lock left by pid ${was.pid} on ${was.hostname} ("${was.command}", since ${was.started_at}).\n`,
      );
    }
    return { input, lock: releasedOnSignal(lock) };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** The state lock; releasing it also removes the folders taking it created, when still empty. */
async function lockLeavingNoEmptyFolders(statePath: string, command: string): Promise<StateLock> {
  const created = await missingFolders(dirname(statePath));
  const lock = await acquireStateLock(statePath, { command });
  return {
    path: lock.path,
    tookOver: lock.tookOver,
    async release() {
      await lock.release();
      await removeIfEmpty(created);
    },
  };
}

/**
 * Ctrl-C or a TERM releases the lock before exiting, so the next run need not wait for stale
 * detection. Every write is journaled before it is sent, so stopping mid-apply is safe.
 */
function releasedOnSignal(lock: StateLock): StateLock {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    // A second Ctrl-C while the lock is being released stops at once.
    if (interrupted) process.exit(code);
    interrupted = true;
    process.stderr.write(
      `\nInterrupted (${signal}); releasing the state lock. Run the command again to finish.\n`,
    );
    void lock.release().finally(() => process.exit(code));
  };
  // `on`, not `once`: a library's signal-exit hook (write-file-atomic) re-raises the signal,
  // killing the process before the lock is released, when it finds no other listener left.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    path: lock.path,
    tookOver: lock.tookOver,
    async release() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await lock.release();
    },
  };
}

export function openSessionFor(input: EngineInput, flags: EngineFlags): Promise<ApiSession> {
  return openApiSession({
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    emulator: flags.emulator === true,
    statePath: input.statePath,
    lines: input.desired
      ? linesOf(input.desired)
      : input.savedPlan
        ? linesOfPlan(input.savedPlan)
        : [],
    debug: flags.debug === true,
    // On a terminal, clear the apply's status line first so a notice does not run into it.
    log: (t) => process.stderr.write(process.stderr.isTTY ? `\r\u001b[2K${t}` : t),
  });
}
