/**
 * `chatsync apply` as a function: lock the state, plan (or check a saved plan is still
 * current), sanity-check the changes (errors, removal guard), get approval, execute.
 */
import { REDACTED } from "../output/url-credentials.js";
import type { DesiredState } from "../model/desired-state.js";
import { fingerprintLive } from "../refresh/live-fingerprint.js";
import { refreshLive, type RefreshApi } from "../refresh/refresh-live.js";
import {
  backendOf,
  checkStateAccount,
  fileExists,
  refreshAndPlanWithLive,
  type StateTarget,
} from "../plan/run-plan.js";
import type { LiveSnapshot } from "../refresh/live-snapshot.js";
import { accountRecord, checkAccountBinding } from "../state/account-binding.js";
import { checkRemovals } from "../plan/removal-guard.js";
import { movedState } from "../plan/plan-moves.js";
import type { Plan } from "../plan/plan-types.js";
import { StateStore } from "../state/state-store.js";
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

export interface RunApplyOptions extends StateTarget {
  /** The configuration to plan from; leave out when applying `savedPlan`. */
  desired?: DesiredState;
  /** A plan made earlier (`plan --out`): applied exactly, refused when stale. */
  savedPlan?: Plan;
  api: RefreshApi & ExecutorApi;
  /** The API base URL, recorded in the state and compared with it (see RunPlanOptions.endpoint). */
  endpoint?: string;
  stateHints?: readonly string[];
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
): Promise<LiveSnapshot> {
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
      `it was made for state lineage ${plan.state.lineage}, but ${store.location} has lineage ${store.lineage}`,
    );
  }
  if (plan.state.serial !== store.serial) {
    throw new StalePlanError(
      `the state changed since the plan was made (serial ${plan.state.serial} → ${store.serial})`,
    );
  }
  // The plan's own moves and imports shaped what its refresh read; read the same again.
  const steps = plan.changes.flatMap((c) => c.steps);
  const { state } = movedState(
    store.doc,
    steps.flatMap((s) => (s.op === "move_address" ? [{ from: s.from, to: s.to }] : [])),
  );
  const live = await refreshLive(api, {
    state,
    addresses: new Set(plan.scope),
    secretFiles: [],
    fileExists: opts.fileExists ?? fileExists,
    importChatIds: steps.flatMap((s) => (s.op === "import_chat" ? [s.chat_id] : [])),
  });
  checkStateAccount(store, live, opts.endpoint);
  if (fingerprintLive(live) !== plan.live_fingerprint) {
    throw new StalePlanError("the live account changed since the plan was made");
  }
  return live;
}

/** Records (or updates) whose account this state is, with the run's first write. */
export function recordAccount(
  store: StateStore,
  live: LiveSnapshot,
  endpoint: string | undefined,
  now: Date,
): void {
  if (endpoint === undefined) return;
  const seen = { endpoint, lines: live.lines };
  const verdict = checkAccountBinding(store.doc.account, seen, store.location);
  if (verdict.ok && verdict.record) store.setAccount(accountRecord(seen, now));
}

export async function runApply(opts: RunApplyOptions): Promise<ApplyResult> {
  if (!opts.desired && !opts.savedPlan) throw new TypeError("runApply needs desired or savedPlan");
  const { backend, owned } = backendOf(opts);
  let store: StateStore | undefined;
  const lock = opts.lockHeld
    ? undefined
    : await backend.lock({ operation: opts.command ?? "chatsync apply" });
  try {
    store = await StateStore.open(backend);
    // What an interrupted run left in the journal becomes the snapshot before anything else.
    await store.compact();
    const result = await planAndExecute(store, opts);
    await store.compact();
    return result;
  } finally {
    try {
      // Folds this run's journal into the snapshot, whatever happened (nothing to do on success).
      await store?.compact().catch(() => undefined);
      await lock?.release();
    } finally {
      if (owned) await backend.close();
    }
  }
}

async function planAndExecute(store: StateStore, opts: RunApplyOptions): Promise<ApplyResult> {
  const guardOptions = {
    ...(opts.maxRemovals !== undefined ? { maxRemovals: opts.maxRemovals } : {}),
    allowRemovals: opts.allowRemovals ?? false,
  };

  // --- get the plan ---
  let plan: Plan;
  let live: LiveSnapshot;
  if (opts.savedPlan) {
    plan = opts.savedPlan;
    live = await checkSavedPlan(plan, store, opts.api, opts);
  } else {
    ({ plan, live } = await refreshAndPlanWithLive(store, {
      desired: opts.desired as DesiredState,
      api: opts.api,
      targets: opts.targets ?? [],
      destroy: opts.destroy ?? false,
      replace: opts.replace ?? [],
      removalGuard: guardOptions,
      ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
      ...(opts.stateHints ? { stateHints: opts.stateHints } : {}),
      ...(opts.fileExists ? { fileExists: opts.fileExists } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    }));
  }
  if (plan.options.refresh_only)
    throw new PlanHasErrorsError([
      { message: "a --refresh-only plan proposes no changes and cannot be applied" },
    ]);
  if (plan.errors.length > 0) throw new PlanHasErrorsError(plan.errors);
  opts.onPlan?.(plan);

  const empty: ApplyOutcome = { succeeded: [], failed: [], warnings: [] };
  const execute = () => {
    recordAccount(store, live, opts.endpoint, (opts.now ?? (() => new Date()))());
    return executePlan(opts.api, plan, store, {
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
  };
  if (plan.changes.length === 0) {
    // Nothing to send; settings that need no API call are still recorded.
    return { plan, outcome: plan.records.length > 0 ? await execute() : empty };
  }

  // --- sanity-check the changes ---
  const guard = checkRemovals(plan, guardOptions);
  if (!guard.ok) throw new RemovalGuardError(guard.violations);
  if (opts.approve && !(await opts.approve(plan))) throw new ApplyNotApprovedError();

  // --- apply ---
  const outcome = await execute();
  if (outcome.failed.length > 0) throw new ApplyFailedError(outcome);
  return { plan, outcome };
}
