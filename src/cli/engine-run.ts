/**
 * What `plan` and `apply` do before the engine runs: read the desired state (or a saved plan),
 * settle the state path, open the API session. Kept in one place so both commands behave
 * identically.
 */
import { access, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { DesiredState } from "../sync-engine/model/desired-state.js";
import type { Plan } from "../sync-engine/plan/plan-types.js";
import type { HeldLock, StateBackend } from "../sync-engine/state/state-backend.js";
import { CliError } from "./cli-error.js";
import { openApiSession, type ApiSession } from "./api-session.js";
import { parseDuration, type EngineFlags } from "./engine-options.js";
import { defaultStatePath, isManifestPath, loadDesired } from "./load-desired.js";
import { missingFolders, removeIfEmpty } from "./new-folders.js";
import { checkSavedPlanState, savedPlanStatePath } from "./saved-plan.js";
import { explicitStateSpec, isPostgresUrl, openStateBackend } from "./state-location.js";

export interface EngineInput {
  desired?: DesiredState;
  savedPlan?: Plan;
  /** Where the state lives; the caller closes it. */
  backend: StateBackend;
  /** The project's `.chatsync` folder: the embedded emulator keeps its account there. */
  chatsyncDir: string;
  /** Other default states of the configuration's folders that exist (see RunPlanOptions.stateHints). */
  stateHints: string[];
}

/** The emulator's own state and secrets live here, apart from the live account's (SPEC §6a). */
export function emulatorStateDir(chatsyncDir: string): string {
  return join(chatsyncDir, "emulator");
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * With --emulator, every declared secret_file is written under the emulator's folder instead
 * (by webhook key, so two files never collide): an emulator subscription's secret must never
 * overwrite the live account's.
 */
function withEmulatorSecretFiles(desired: DesiredState, chatsyncDir: string): DesiredState {
  const webhooks = Object.fromEntries(
    Object.entries(desired.webhooks).map(([key, w]) => [
      key,
      w.secret_file === undefined
        ? w
        : { ...w, secret_file: join(emulatorStateDir(chatsyncDir), "secrets", `${key}.whsec`) },
    ]),
  );
  return { ...desired, webhooks };
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

interface UnlockedInput {
  desired?: DesiredState;
  savedPlan?: Plan;
  /** The default state's path, when no --state / CHATSYNC_STATE / saved plan says where (it may refuse: see defaultStatePath). */
  defaultState: () => string;
  chatsyncDir: string;
  stateHints: string[];
  /** A saved plan's own state location. */
  planState?: string;
}

async function readEngineInputUnlocked(
  paths: string[],
  flags: EngineFlags,
  opts: { cwd: string; color: boolean; allowPlanFile: boolean },
): Promise<UnlockedInput> {
  const pick = (files: readonly string[]) => {
    const chatsyncDir = resolve(files[0] ? dirname(files[0]) : opts.cwd, ".chatsync");
    return {
      chatsyncDir,
      // Only asked for when no --state says where: a manifest inside cdktf.out has no default.
      defaultState: () =>
        flags.emulator
          ? join(emulatorStateDir(chatsyncDir), "state.json")
          : defaultStatePath(files, opts.cwd),
    };
  };
  if (opts.allowPlanFile) {
    const savedPlan = await readSavedPlan(paths, opts.cwd);
    if (savedPlan) {
      if (flags.target?.length || flags.destroy || flags.replace?.length)
        throw new CliError(
          "--target, --destroy and --replace shape a new plan; a saved plan is applied exactly as it was made",
        );
      const planFile = resolve(opts.cwd, paths[0] as string);
      const planState = savedPlanStatePath(savedPlan, planFile);
      const spec = explicitStateSpec(flags.state);
      const statePath = spec ? (isPostgresUrl(spec) ? spec : resolve(opts.cwd, spec)) : planState;
      await checkSavedPlanState(savedPlan, planFile, statePath);
      return { savedPlan, ...pick([]), stateHints: [], planState };
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
    const where = pick([]);
    return {
      desired: flags.emulator ? withEmulatorSecretFiles(desired, where.chatsyncDir) : desired,
      ...where,
      stateHints: [],
    };
  }
  const loaded = await loadDesired(paths, {
    cwd: opts.cwd,
    cache: true,
    color: opts.color,
    warn: (t) => process.stderr.write(t),
  });
  const where = pick(loaded.files);
  // The default state moves with the first PATH; the others' defaults may hold this config's state.
  const hints: string[] = [];
  for (const f of loaded.files.slice(1)) {
    const other = join(
      pick([f]).chatsyncDir,
      flags.emulator ? "emulator/state.json" : "state.json",
    );
    const mine = join(where.chatsyncDir, flags.emulator ? "emulator/state.json" : "state.json");
    if (other !== mine && !hints.includes(other) && (await exists(other))) hints.push(other);
  }
  return {
    desired: flags.emulator
      ? withEmulatorSecretFiles(loaded.state, where.chatsyncDir)
      : loaded.state,
    ...where,
    stateHints: hints,
  };
}

/**
 * Reads the input and takes the state lock. With --state (or CHATSYNC_STATE) the lock is
 * taken first, so a second run fails fast instead of after parsing the configuration; the
 * caller releases the lock and closes the backend.
 */
export async function readEngineInput(
  paths: string[],
  flags: EngineFlags,
  opts: { cwd: string; color: boolean; allowPlanFile: boolean; command: string },
): Promise<{ input: EngineInput; lock: HeldLock }> {
  const timeoutMs = parseDuration("--lock-timeout", flags.lockTimeout);
  const lockOf = (b: StateBackend) => lockLeavingNoEmptyFolders(b, opts.command, timeoutMs);
  const spec = explicitStateSpec(flags.state);
  let backend = spec ? await openStateBackend(spec, opts.cwd) : undefined;
  let lock: HeldLock | undefined;
  try {
    lock = backend ? await lockOf(backend) : undefined;
    const read = await readEngineInputUnlocked(paths, flags, opts);
    backend ??= await openStateBackend(read.planState ?? read.defaultState(), opts.cwd);
    lock ??= await lockOf(backend);
    const was = lock.tookOver;
    if (was) {
      process.stderr.write(
        `Note: took over a stale state lock left by pid ${was.pid} on ${was.hostname} ("${was.operation}", since ${was.created}).\n`,
      );
    }
    const input: EngineInput = {
      ...(read.desired ? { desired: read.desired } : {}),
      ...(read.savedPlan ? { savedPlan: read.savedPlan } : {}),
      backend,
      chatsyncDir: read.chatsyncDir,
      stateHints: read.stateHints,
    };
    return { input, lock: releasedOnSignal(lock, backend) };
  } catch (err) {
    await lock?.release();
    await backend?.close();
    throw err;
  }
}

/**
 * The state lock; for a file state, releasing it also removes the folders taking it created
 * when they are still empty, so a refused run leaves the project as it found it.
 */
async function lockLeavingNoEmptyFolders(
  backend: StateBackend,
  operation: string,
  timeoutMs: number,
): Promise<HeldLock> {
  const created = backend.kind === "file" ? await missingFolders(dirname(backend.location)) : [];
  const lock = await backend.lock({ operation, timeoutMs }).catch(async (err: unknown) => {
    await removeIfEmpty(created);
    throw err;
  });
  return {
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
function releasedOnSignal(lock: HeldLock, backend: StateBackend): HeldLock {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    // A second Ctrl-C while the lock is being released stops at once.
    if (interrupted) process.exit(code);
    interrupted = true;
    process.stderr.write(
      `\nInterrupted (${signal}); releasing the state lock. Run the command again to finish.\n`,
    );
    void lock
      .release()
      .then(() => backend.close())
      .finally(() => process.exit(code));
  };
  // `on`, not `once`: a library's signal-exit hook (write-file-atomic) re-raises the signal,
  // killing the process before the lock is released, when it finds no other listener left.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    tookOver: lock.tookOver,
    async release() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      try {
        await lock.release();
      } finally {
        await backend.close();
      }
    },
  };
}

export function openSessionFor(input: EngineInput, flags: EngineFlags): Promise<ApiSession> {
  return openApiSession({
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    emulator: flags.emulator === true,
    emulatorDataFile: join(input.chatsyncDir, "emulator.json"),
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

/**
 * One read-only engine run (plan, import): reads the input under the state lock, opens the API
 * session, runs `body`, then closes the session and releases the lock whatever happens.
 */
export async function withEngineSession<T>(
  paths: string[],
  flags: EngineFlags,
  opts: { cwd: string; color: boolean; command: string },
  body: (input: EngineInput, session: ApiSession) => Promise<T>,
): Promise<T> {
  const { input, lock } = await readEngineInput(paths, flags, { ...opts, allowPlanFile: false });
  try {
    const session = await openSessionFor(input, flags);
    try {
      return await body(input, session);
    } finally {
      await session.close();
    }
  } finally {
    await lock.release();
  }
}
