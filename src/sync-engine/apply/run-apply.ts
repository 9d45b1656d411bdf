/**
 * `chatsync apply` as a function: lock the state, plan (or check a saved plan is still
 * current), sanity-check the changes (errors, removal guard), get approval, execute.
 */
import { REDACTED } from "../output/url-credentials.js";
import type { DesiredState } from "../model/desired-state.js";
import { fingerprintLive } from "../refresh/live-fingerprint.js";
import { refreshLive, type RefreshApi } from "../refresh/refresh-live.js";
import { refreshAndPlan, fileExists } from "../plan/run-plan.js";
import { checkRemovals } from "../plan/removal-guard.js";
import type { Plan } from "../plan/plan-types.js";
import { StateStore } from "../state/state-file.js";
import { acquireStateLock } from "../state/state-lock.js";
import {
  ApplyFailedError,
  ApplyNotApprovedError,
  PlanHasErrorsError,
  RemovalGuardError,
  StalePlanError,
} from "./apply-errors.js";
import { executePlan, type ApplyOutcome, type ExecutorApi } from "./execute-plan.js";
import { silentProgress, type ProgressReporter } from "./progress-reporter.js";
import { writeSecretFile } from "./secret-file.js";

export const DEFAULT_PARALLELISM = 4;
export const DEFAULT_CONFIRM_TIMEOUT_MS = 30_000;

export interface RunApplyOptions {
  /** The configuration to plan from; leave out when applying `savedPlan`. */
  desired?: DesiredState;
  /** A plan made earlier (`plan --out`): applied exactly, refused when stale. */
  savedPlan?: Plan;
  api: RefreshApi & ExecutorApi;
  statePath: string;
  targets?: string[];
  destroy?: boolean;
  /** Addresses to delete and create anew (see PlanOptions.replace). */
  replace?: string[];
  parallelism?: number;
  maxRemovals?: number;
  allowRemovals?: boolean;
  confirmTimeoutMs?: number;
  /** Asked once the plan is known and has changes; false cancels. Default: approve. */
  approve?: (plan: Plan) => Promise<boolean>;
  /** Called with the plan before approval (to show it). */
  onPlan?: (plan: Plan) => void;
  progress?: ProgressReporter;
  command?: string;
  /** The caller already holds the state lock (the CLI takes it as early as it can). */
  lockHeld?: boolean;
  fileExists?: (path: string) => Promise<boolean>;
  writeSecret?: (path: string, secret: string) => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface ApplyResult {
  plan: Plan;
  outcome: ApplyOutcome;
}

async function checkSavedPlan(
  plan: Plan,
  store: StateStore,
  api: RefreshApi,
  opts: RunApplyOptions,
): Promise<void> {
  const redacted = plan.changes.filter((c) =>
    c.steps.some(
      (s) =>
        (s.op === "create_webhook" && s.target_url.includes(REDACTED)) ||
        (s.op === "update_webhook" && s.changes.target_url?.includes(REDACTED)),
    ),
  );
  if (redacted.length > 0) {
    throw new PlanHasErrorsError(
      redacted.map((c) => ({
        address: c.address,
        message: `${c.address}: the saved plan sends a target_url whose credential was redacted when the plan was saved (a saved plan never holds one); apply from the configuration instead: chatsync apply PATH`,
      })),
    );
  }
  // A plan made before any state existed carries the lineage that plan run drew; the state this
  // apply creates takes it over, so the plan's idempotency keys are the ones actually used.
  if (
    plan.state.serial === 0 &&
    store.serial === 0 &&
    Object.keys(store.doc.resources).length === 0
  ) {
    store.doc.lineage = plan.state.lineage;
  }
  if (plan.state.lineage !== store.lineage) {
    throw new StalePlanError(
      `it was made for state lineage ${plan.state.lineage}, but ${store.path} has lineage ${store.lineage}`,
    );
  }
  if (plan.state.serial !== store.serial) {
    throw new StalePlanError(
      `the state changed since the plan was made (serial ${plan.state.serial} → ${store.serial})`,
    );
  }
  const live = await refreshLive(api, {
    state: store.doc,
    addresses: new Set(plan.scope),
    secretFiles: [],
    fileExists: opts.fileExists ?? fileExists,
  });
  if (fingerprintLive(live) !== plan.live_fingerprint) {
    throw new StalePlanError("the live account changed since the plan was made");
  }
}

export async function runApply(opts: RunApplyOptions): Promise<ApplyResult> {
  if (!opts.desired && !opts.savedPlan) throw new TypeError("runApply needs desired or savedPlan");
  const lock = opts.lockHeld
    ? undefined
    : await acquireStateLock(opts.statePath, { command: opts.command ?? "chatsync apply" });
  try {
    const store = await StateStore.open(opts.statePath);

    // --- get the plan ---
    let plan: Plan;
    if (opts.savedPlan) {
      plan = opts.savedPlan;
      await checkSavedPlan(plan, store, opts.api, opts);
    } else {
      plan = await refreshAndPlan(store, {
        desired: opts.desired as DesiredState,
        api: opts.api,
        targets: opts.targets ?? [],
        destroy: opts.destroy ?? false,
        replace: opts.replace ?? [],
        ...(opts.fileExists ? { fileExists: opts.fileExists } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      });
    }
    if (plan.options.refresh_only)
      throw new PlanHasErrorsError([
        { message: "a --refresh-only plan proposes no changes and cannot be applied" },
      ]);
    if (plan.errors.length > 0) throw new PlanHasErrorsError(plan.errors);
    opts.onPlan?.(plan);

    const empty: ApplyOutcome = { succeeded: [], failed: [], warnings: [] };
    const execute = () =>
      executePlan(opts.api, plan, store, {
        parallelism: opts.parallelism ?? DEFAULT_PARALLELISM,
        progress: opts.progress ?? silentProgress,
        confirm: {
          timeoutMs: opts.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS,
          sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
          now: () => Date.now(),
        },
        writeSecret: opts.writeSecret ?? writeSecretFile,
        ...(opts.now ? { now: opts.now } : {}),
      });
    if (plan.changes.length === 0) {
      // Nothing to send; settings that need no API call are still recorded.
      return { plan, outcome: plan.records.length > 0 ? await execute() : empty };
    }

    // --- sanity-check the changes ---
    const guard = checkRemovals(plan, {
      ...(opts.maxRemovals !== undefined ? { maxRemovals: opts.maxRemovals } : {}),
      allowRemovals: opts.allowRemovals ?? false,
    });
    if (!guard.ok) throw new RemovalGuardError(guard.violations);
    if (opts.approve && !(await opts.approve(plan))) throw new ApplyNotApprovedError();

    // --- apply ---
    const outcome = await execute();
    if (outcome.failed.length > 0) throw new ApplyFailedError(outcome);
    return { plan, outcome };
  } finally {
    await lock?.release();
  }
}
