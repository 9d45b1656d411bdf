/** What every per-kind apply function shares: the state it journals to, progress, clocks, and the warnings it collects. */
import type { Address } from "../model/desired-state.js";
import { describeStep } from "../plan/describe-step.js";
import { isStateOnly, type PlanMessage, type Step } from "../plan/plan-types.js";
import type { StateStore } from "../state/state-store.js";
import type { ConfirmOptions } from "./confirm-chat.js";
import type { ProgressReporter } from "./progress-reporter.js";

export interface ApplyContext {
  store: StateStore;
  progress: ProgressReporter;
  confirm: ConfirmOptions;
  warnings: PlanMessage[];
  writeSecret: (path: string, secret: string) => Promise<void>;
  /** Throws when a secret could not be written to `path`; returns a warning to show, if any. */
  checkSecretTarget: (path: string) => Promise<string | undefined>;
  now: () => Date;
  /** Lines whose contact card was to be created in this run and was not: nothing to share yet. */
  cardsNotCreated: Set<string>;
  /** Chat ids an address of this run created or recorded: never another address's. */
  claimedChatIds: Set<string>;
  /** Other chats a search for a lost create found (chat id → address); see executePlan. */
  possibleDuplicates: Map<string, Address>;
}

/** True for an API error with this HTTP status and (when given) API code. */
export function isApiError(err: unknown, status: number, code?: number): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { status?: unknown; code?: unknown };
  return e.status === status && (code === undefined || e.code === code);
}

/**
 * Runs an address's steps in order, reporting each to the progress display; a failure names
 * the step it happened in (the API error's own message follows).
 */
export async function runSteps(
  ctx: ApplyContext,
  address: string,
  steps: readonly Step[],
  run: (step: Step) => Promise<void>,
): Promise<void> {
  for (const step of steps) {
    // Moves and imports were recorded before any API call (record-state-only).
    if (isStateOnly(step)) continue;
    const what = describeStep(step);
    ctx.progress.step(address, what);
    try {
      await run(step);
    } catch (err) {
      throw new Error(`${what} failed: ${(err as Error).message}`, { cause: err });
    }
    ctx.progress.stepDone(address, what);
  }
}
