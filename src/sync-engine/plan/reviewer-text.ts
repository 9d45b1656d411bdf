/**
 * A plan as a pull-request reviewer reads it (`--markdown`): references to sections of the
 * API reference (`§5.2.1`) mean nothing there, so they are dropped and a rule keeps only its
 * words ("add: group only, ≥3 participants before the add"). `--json` keeps them as they are.
 */
import type { Plan, PlanMessage } from "./plan-types.js";

/** "(§5.1.1)" and "§5.2.1 " — a section of linq-api-v3.md, with the space or brackets around it. */
const SECTION_REF = /\s*\(§\d+(?:\.\d+)*\)|§\d+(?:\.\d+)*\s*/g;

export function withoutSectionRefs(text: string): string {
  return text.replace(SECTION_REF, "").trim();
}

function message(m: PlanMessage): PlanMessage {
  return { ...m, message: withoutSectionRefs(m.message) };
}

export function planForReviewers(plan: Plan): Plan {
  return {
    ...plan,
    changes: plan.changes.map((c) => ({
      ...c,
      reason: withoutSectionRefs(c.reason),
      steps: c.steps.map((s) => {
        const rule = s.rule === undefined ? "" : withoutSectionRefs(s.rule);
        const step = { ...s, reason: withoutSectionRefs(s.reason) };
        if (rule === "") delete step.rule;
        else step.rule = rule;
        return step;
      }),
    })),
    warnings: plan.warnings.map(message),
    errors: plan.errors.map(message),
  };
}
