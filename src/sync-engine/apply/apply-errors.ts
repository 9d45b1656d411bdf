/** Errors of a plan/apply run. Each carries a `code` and says what to do next. */
import type { PlanMessage } from "../plan/plan-types.js";
import { describeViolation, type RemovalGuardViolation } from "../plan/removal-guard.js";
import type { ApplyOutcome } from "./execute-plan.js";

export class PlanHasErrorsError extends Error {
  readonly code = "PLAN_HAS_ERRORS";
  constructor(readonly errors: PlanMessage[]) {
    super(`The plan cannot be applied:\n${errors.map((e) => `  - ${e.message}`).join("\n")}`);
    this.name = "PlanHasErrorsError";
  }
}

export class StalePlanError extends Error {
  readonly code = "PLAN_STALE";
  constructor(why: string) {
    super(
      `The saved plan is stale: ${why}. Nothing was applied; run chatsync plan again and review the new plan.`,
    );
    this.name = "StalePlanError";
  }
}

export class RemovalGuardError extends Error {
  readonly code = "REMOVAL_GUARD";
  constructor(readonly violations: RemovalGuardViolation[]) {
    // Each violation names its own flag: --max-removals never lifts the half-roster rule.
    super(
      `Refusing to apply: the plan removes more than the removal guard allows:\n${violations.map((v) => `  - ${describeViolation(v)}`).join("\n")}\n` +
        "Check the configuration; if the removals are intended, rerun with the flag named above.",
    );
    this.name = "RemovalGuardError";
  }
}

export class ApplyNotApprovedError extends Error {
  readonly code = "APPLY_NOT_APPROVED";
  constructor(message = "Apply cancelled: the plan was not approved. Nothing was changed.") {
    super(message);
    this.name = "ApplyNotApprovedError";
  }
}

export class ApplyFailedError extends Error {
  readonly code = "APPLY_FAILED";
  constructor(readonly outcome: ApplyOutcome) {
    super(
      // A failed address may have finished some steps (a chat created, then a share refused);
      // those are journaled too, so "0 succeeded" must not read as "nothing happened".
      `Apply failed for ${outcome.failed.length} address(es); ${outcome.succeeded.length} completed. Every step that finished is recorded in state:\n` +
        outcome.failed.map((f) => `  - ${f.address}: ${f.error}`).join("\n") +
        "\nFix the cause above if it is not temporary, then run chatsync apply again to finish the job.",
    );
    this.name = "ApplyFailedError";
  }
}
