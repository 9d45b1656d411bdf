/**
 * `chatsync import ADDRESS ID` as a function: the same as an `imports:` entry, recorded now.
 * The import is planned for ADDRESS alone (so every refusal is the plan's: unknown id, managed
 * elsewhere, other line, other type) and only its state-only step is carried out — no API
 * write. What the live object still needs (roster, name, icon) is left for plan/apply.
 */
import type { Address, DesiredState } from "../model/desired-state.js";
import { backendOf, refreshAndPlanWithLive, type RunPlanOptions } from "../plan/run-plan.js";
import type { ResourceChange } from "../plan/plan-types.js";
import { StateStore } from "../state/state-store.js";
import { PlanHasErrorsError } from "./apply-errors.js";
import { recordStateOnlySteps } from "./record-state-only.js";
import { recordAccount } from "./run-apply.js";

export interface RunImportOptions extends Omit<
  RunPlanOptions,
  "targets" | "destroy" | "refreshOnly" | "replace"
> {
  address: Address;
  id: string;
}

export interface ImportResult {
  /** The planned import change (null when the address already manages `id`). */
  change: ResourceChange | null;
  /** Steps that remain for plan/apply once the import is recorded. */
  remaining: number;
  stateLocation: string;
}

/** Whether `desired` declares `address`, for the "not declared" message. */
function declares(desired: DesiredState, address: string): boolean {
  const dot = address.indexOf(".");
  const sections: Record<string, Record<string, unknown>> = {
    chat: desired.chats,
    webhook: desired.webhooks,
    contact_card: desired.contact_cards,
  };
  const section = sections[address.slice(0, dot)];
  return section !== undefined && Object.hasOwn(section, address.slice(dot + 1));
}

export async function runImport(opts: RunImportOptions): Promise<ImportResult> {
  const { address, id } = opts;
  if (!declares(opts.desired, address))
    throw new PlanHasErrorsError([
      {
        message: `${address} is not declared in the configuration; declare it first (an import records a live object for a declaration), then run chatsync import ${address} ${id} again`,
      },
    ]);
  // The command line's import replaces any imports: entry for the same address.
  const desired: DesiredState = {
    ...opts.desired,
    imports: [...(opts.desired.imports ?? []).filter((i) => i.to !== address), { to: address, id }],
  };
  const { backend, owned } = backendOf(opts);
  try {
    const lock = opts.lockHeld ? undefined : await backend.lock({ operation: "chatsync import" });
    try {
      const store = await StateStore.open(backend);
      const { plan, live } = await refreshAndPlanWithLive(store, {
        ...opts,
        desired,
        targets: [address],
      });
      if (plan.errors.length > 0) throw new PlanHasErrorsError(plan.errors);
      const change = plan.changes.find(
        (c) => c.address === address && c.steps.some((s) => s.op.startsWith("import_")),
      );
      if (!change) return { change: null, remaining: 0, stateLocation: store.location };
      recordAccount(store, live, opts.endpoint, (opts.now ?? (() => new Date()))());
      // Only the import itself: the rest of the change is plan/apply's to show and do.
      const importOnly: ResourceChange = {
        ...change,
        steps: change.steps.filter((s) => s.op.startsWith("import_")),
        after: change.steps.every((s) => s.op.startsWith("import_")) ? change.after : null,
      };
      await recordStateOnlySteps({ ...plan, changes: [importOnly] }, store, new Set());
      await store.compact();
      return {
        change,
        remaining: change.steps.length - importOnly.steps.length,
        stateLocation: store.location,
      };
    } finally {
      await lock?.release();
    }
  } finally {
    if (owned) await backend.close();
  }
}
