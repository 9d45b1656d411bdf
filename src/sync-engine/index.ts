/**
 * The sync engine's programmatic API: what `chatsync plan` and `chatsync apply` run, for the
 * CLI, the demo, the bench and the CDK bridge.
 */
export { runPlan, refreshAndPlan, type RunPlanOptions } from "./plan/run-plan.js";
export {
  runApply,
  DEFAULT_PARALLELISM,
  DEFAULT_CONFIRM_TIMEOUT_MS,
  type RunApplyOptions,
  type ApplyResult,
} from "./apply/run-apply.js";
export {
  ApplyFailedError,
  ApplyNotApprovedError,
  PlanHasErrorsError,
  RemovalGuardError,
  StalePlanError,
} from "./apply/apply-errors.js";
export type { ApplyOutcome, ExecutorApi } from "./apply/execute-plan.js";
export {
  plainProgress,
  ttyProgress,
  silentProgress,
  type ProgressReporter,
} from "./apply/progress-reporter.js";
export { buildPlan, planScope, type PlanInput, type PlanOptions } from "./plan/build-plan.js";
export {
  checkRemovals,
  DEFAULT_MAX_REMOVALS,
  type RemovalGuardOptions,
} from "./plan/removal-guard.js";
export {
  renderPlanHuman,
  renderPlanJson,
  renderPlanMarkdown,
  MARKDOWN_LIMIT,
} from "./plan/render-plan.js";
export { summaryLine } from "./plan/describe-step.js";
export {
  hasChanges,
  PLAN_FORMAT_VERSION,
  PLAN_KIND,
  type Plan,
  type ResourceChange,
  type Step,
  type Drift,
  type PlanSummary,
} from "./plan/plan-types.js";
export { refreshLive, PER_OBJECT_MAX, type RefreshApi } from "./refresh/refresh-live.js";
export type { LiveSnapshot } from "./refresh/live-snapshot.js";
export { fingerprintLive } from "./refresh/live-fingerprint.js";
export { StateStore, newStateDocument } from "./state/state-store.js";
export { FileStateBackend, readStateFile } from "./state/backends/file.js";
export { StateError, StateConflictError, type StateBackend } from "./state/state-backend.js";
export { acquireStateLock, StateLockedError } from "./state/state-lock.js";
export { deriveIdempotencyKey } from "./state/idempotency-key.js";
export type { StateDocument } from "./state/state-types.js";
export { runImport, type RunImportOptions, type ImportResult } from "./apply/run-import.js";
