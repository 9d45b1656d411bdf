/**
 * The removal-delta guard (peribolos' "sanity-check the changes"): a plan that removes many
 * people or leaves many chats is more likely a broken file than an intent. Pure: `plan`
 * evaluates it to warn (every output format), `apply` to refuse.
 */
import type { Address } from "../model/desired-state.js";
import type { ResourceChange } from "./plan-types.js";

export interface RemovalGuardOptions {
  /** Most participants removed in total, and most chats left. Default 10. */
  maxRemovals?: number;
  /** Skip the guard. */
  allowRemovals?: boolean;
}

export interface RemovalGuardViolation {
  /** The chat concerned, for the per-roster rule; absent for the plan-wide totals. */
  address?: Address;
  /** What the plan does that the guard refuses, in one sentence. */
  message: string;
  /** The exact flag(s) that let apply through, e.g. `--max-removals 12 or --allow-removals`. */
  lifted_by: string;
}

export interface RemovalGuardResult {
  ok: boolean;
  /** One entry per violated limit. */
  violations: RemovalGuardViolation[];
}

export const DEFAULT_MAX_REMOVALS = 10;
export const REMOVAL_GUARD_CODE = "REMOVAL_GUARD";

export function checkRemovals(
  plan: { changes: readonly ResourceChange[] },
  opts: RemovalGuardOptions = {},
): RemovalGuardResult {
  if (opts.allowRemovals) return { ok: true, violations: [] };
  const max = opts.maxRemovals ?? DEFAULT_MAX_REMOVALS;
  const violations: RemovalGuardViolation[] = [];
  let removed = 0;
  let left = 0;
  for (const c of plan.changes) {
    const removes = c.steps.filter((s) => s.op === "remove_participant").length;
    removed += removes;
    left += c.steps.filter((s) => s.op === "leave_chat").length;
    const roster = Array.isArray(c.before?.participants)
      ? (c.before.participants as unknown[]).length
      : 0;
    if (removes > 0 && removes * 2 > roster) {
      // No --max-removals value lifts this rule: it is about one roster, not the total.
      violations.push({
        address: c.address,
        message: `removes ${removes} of ${roster} participants (more than half of the roster)`,
        lifted_by: "--allow-removals",
      });
    }
  }
  if (removed > max)
    violations.push({
      message: `the plan removes ${removed} participants in total (--max-removals is ${max})`,
      lifted_by: `--max-removals ${removed} or --allow-removals`,
    });
  if (left > max)
    violations.push({
      message: `the plan leaves ${left} chats (--max-removals is ${max})`,
      lifted_by: `--max-removals ${left} or --allow-removals`,
    });
  return { ok: violations.length === 0, violations };
}

/** A violation as one sentence naming what lifts it; a plan warning carries the address apart. */
export function describeViolation(v: RemovalGuardViolation, withAddress = true): string {
  const where = withAddress && v.address ? `${v.address}: ` : "";
  return `${where}${v.message}; apply refuses this unless ${v.lifted_by}`;
}
