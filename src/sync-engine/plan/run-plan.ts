/**
 * `chatsync plan` as a function: lock the state, refresh the live account, diff. Writes
 * nothing — neither to the API nor to the state file.
 */
import { access } from "node:fs/promises";
import type { DesiredState } from "../model/desired-state.js";
import { fingerprintLive } from "../refresh/live-fingerprint.js";
import { refreshLive, type RefreshApi } from "../refresh/refresh-live.js";
import { StateStore } from "../state/state-file.js";
import { acquireStateLock } from "../state/state-lock.js";
import { buildPlan, planScope, type PlanOptions } from "./build-plan.js";
import type { Plan } from "./plan-types.js";

export interface RunPlanOptions extends PlanOptions {
  desired: DesiredState;
  api: RefreshApi;
  statePath: string;
  /** Shown to a second process that finds the state locked. */
  command?: string;
  /** The caller already holds the state lock (the CLI takes it as early as it can). */
  lockHeld?: boolean;
  fileExists?: (path: string) => Promise<boolean>;
  now?: () => Date;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Refresh + diff against an open state. Shared by plan and apply. */
export async function refreshAndPlan(
  store: StateStore,
  opts: Omit<RunPlanOptions, "statePath" | "command">,
): Promise<Plan> {
  const scope = planScope(opts.desired, store.doc, opts.targets, opts.destroy === true);
  const secretFiles = Object.values(opts.desired.webhooks)
    .map((w) => w.secret_file)
    .filter((f): f is string => f !== undefined);
  const live = await refreshLive(opts.api, {
    state: store.doc,
    addresses: new Set(scope),
    secretFiles,
    fileExists: opts.fileExists ?? fileExists,
  });
  return buildPlan({
    desired: opts.desired,
    live,
    state: store.doc,
    statePath: store.path,
    liveFingerprint: fingerprintLive(live),
    options: {
      targets: opts.targets ?? [],
      destroy: opts.destroy ?? false,
      refreshOnly: opts.refreshOnly ?? false,
      replace: opts.replace ?? [],
      ...(opts.removalGuard ? { removalGuard: opts.removalGuard } : {}),
    },
    now: (opts.now ?? (() => new Date()))(),
  });
}

/** Makes a plan. The caller decides what to do with `plan.errors` (the CLI exits 1). */
export async function runPlan(opts: RunPlanOptions): Promise<Plan> {
  const lock = opts.lockHeld
    ? undefined
    : await acquireStateLock(opts.statePath, { command: opts.command ?? "chatsync plan" });
  try {
    const store = await StateStore.open(opts.statePath);
    return await refreshAndPlan(store, opts);
  } finally {
    await lock?.release();
  }
}
