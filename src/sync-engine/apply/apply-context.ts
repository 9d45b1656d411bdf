/** What every per-kind apply function shares: the state it journals to, progress, clocks, and the warnings it collects. */
import type { PlanMessage } from "../plan/plan-types.js";
import type { StateStore } from "../state/state-file.js";
import type { ConfirmOptions } from "./confirm-chat.js";
import type { ProgressReporter } from "./progress-reporter.js";

export interface ApplyContext {
  store: StateStore;
  progress: ProgressReporter;
  confirm: ConfirmOptions;
  warnings: PlanMessage[];
  writeSecret: (path: string, secret: string) => Promise<void>;
  now: () => Date;
}

/** True for an API error with this HTTP status and (when given) API code. */
export function isApiError(err: unknown, status: number, code?: number): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { status?: unknown; code?: unknown };
  return e.status === status && (code === undefined || e.code === code);
}
