/**
 * A saved plan (`plan --out FILE`) and the state it belongs to. The plan records where its
 * state lives relative to the plan file, so it finds that state from any working directory
 * and in any checkout, and never reaches into another project's state through an absolute
 * path. Applying it checks, before anything is created on disk, that the state exists when
 * the plan needs one.
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Plan } from "../sync-engine/plan/plan-types.js";
import { fileExists } from "../sync-engine/plan/run-plan.js";
import { CliError } from "./cli-error.js";

/** A backend URL (postgres://…) is a location as it is, never a path. */
function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** The plan as written into a file in `dir` (or printed for `dir` = cwd): its state location relative to it. */
export function planRelativeTo(plan: Plan, dir: string): Plan {
  const { location } = plan.state;
  if (isUrl(location) || !isAbsolute(location)) return plan;
  return { ...plan, state: { ...plan.state, location: relative(dir, location) || "." } };
}

/** Where a saved plan's state is: its recorded location, resolved against the plan file's folder. */
export function savedPlanStatePath(plan: Plan, planFile: string): string {
  const { location } = plan.state;
  return isUrl(location) ? location : resolve(dirname(planFile), location);
}

/**
 * Refuses a saved plan whose state is not there: a plan made after some apply (serial > 0)
 * holds ids only that state knows. A plan made before any state existed may create it.
 * Lineage and serial are compared once the state is open (run-apply's checkSavedPlan).
 */
export async function checkSavedPlanState(
  plan: Plan,
  planFile: string,
  statePath: string,
): Promise<void> {
  if (isUrl(statePath) || plan.state.serial === 0 || (await fileExists(statePath))) return;
  throw new CliError(
    `the saved plan ${planFile} was made from the state ${plan.state.location} (lineage ${plan.state.lineage}, serial ${plan.state.serial}), but there is no state at ${statePath}. ` +
      "Apply the plan where it was made (its state location is relative to the plan file), pass --state FILE naming that state, or make a new plan here. Nothing was applied.",
  );
}

/** The flags that chose the API, repeated in the "apply it with" hint so the apply targets the same account. */
export function targetFlags(flags: { emulator?: boolean; endpoint?: string }): string[] {
  if (flags.emulator) return ["--emulator"];
  if (flags.endpoint) return ["--endpoint", withoutCredentials(flags.endpoint)];
  return [];
}

/** A URL as it may be shown: user and password dropped. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  } catch {
    return url;
  }
}

/** A command line a POSIX shell reads back as these words (for hints the user copies). */
export function shellLine(words: readonly string[]): string {
  return words
    .map((w) => (/^[\w./:@%+=,-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
