/**
 * The removal-delta guard (peribolos' "sanity-check the changes"): a plan that removes many
 * people or leaves many chats is more likely a broken file than an intent. Pure.
 */
import type { Plan } from "./plan-types.js";

export interface RemovalGuardOptions {
  /** Most participants removed in total, and most chats left. Default 10. */
  maxRemovals?: number;
  /** Skip the guard. */
  allowRemovals?: boolean;
}

export interface RemovalGuardResult {
  ok: boolean;
  /** One sentence per violated limit. */
  violations: string[];
}

export const DEFAULT_MAX_REMOVALS = 10;

export function checkRemovals(plan: Plan, opts: RemovalGuardOptions = {}): RemovalGuardResult {
  if (opts.allowRemovals) return { ok: true, violations: [] };
  const max = opts.maxRemovals ?? DEFAULT_MAX_REMOVALS;
  const violations: string[] = [];
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
      violations.push(
        `${c.address}: removes ${removes} of ${roster} participants (more than half of the roster)`,
      );
    }
  }
  if (removed > max)
    violations.push(`the plan removes ${removed} participants in total (limit ${max})`);
  if (left > max) violations.push(`the plan leaves ${left} chats (limit ${max})`);
  return { ok: violations.length === 0, violations };
}
