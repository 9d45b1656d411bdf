/**
 * `moved:` (SPEC §5a): the plan is made from the state as it will be once every move is
 * recorded, so a renamed key diffs against its old chat instead of creating a new one. Pure:
 * the real state is re-keyed by the executor (StateStore.move), not here.
 */
import type { Address, DesiredMove } from "../model/desired-state.js";
import type { StateDocument } from "../state/state-types.js";
import type { DiffOutcome } from "./diff-chats.js";
import type { AppliedSpec, PlanMessage, Step } from "./plan-types.js";

export interface MovedState {
  /** The state with every applicable move done (the input itself when there is none). */
  state: StateDocument;
  /** Moves that will be recorded, by their new address. */
  moved: Map<string, DesiredMove>;
  warnings: PlanMessage[];
  errors: PlanMessage[];
}

export function movedState(state: StateDocument, moves: readonly DesiredMove[]): MovedState {
  const out: MovedState = { state, moved: new Map(), warnings: [], errors: [] };
  if (moves.length === 0) return out;
  const resources = { ...state.resources };
  for (const m of moves) {
    const from = resources[m.from];
    const to = resources[m.to];
    if (!from) {
      // Already done (`to` is there): like Terraform, an applied moved entry is a no-op.
      if (!to)
        out.warnings.push({
          address: m.to,
          message: `moved: ${m.from} is not in the state, so there is nothing to move to ${m.to}; remove the entry if the rename is done`,
        });
      continue;
    }
    if (to) {
      out.errors.push({
        address: m.to,
        message: `moved: ${m.from} → ${m.to}: ${m.to} is already managed by the state${idOf(to)}, and so is ${m.from}${idOf(from)}; remove one of them from the state (chatsync state rm ADDRESS) or drop the moved entry`,
      });
      continue;
    }
    resources[m.to] = from;
    delete resources[m.from];
    out.moved.set(m.to, m);
  }
  out.state = { ...state, resources };
  return out;
}

function idOf(r: StateDocument["resources"][string]): string {
  return "id" in r && r.id ? ` (live id ${r.id})` : "";
}

export function moveStep(m: DesiredMove): Step {
  return {
    op: "move_address",
    from: m.from,
    to: m.to,
    reason: `renamed in moved: ${m.from} → ${m.to}`,
  };
}

/**
 * Puts a state-only step (an import, a move) in front of an address's outcome: before its
 * change, or as a change of its own (`action`) that records what the diff would have recorded.
 */
export function withStateOnlyStep(
  out: DiffOutcome,
  step: Step,
  opts: {
    address: Address;
    kind: "chat" | "webhook" | "contact_card";
    action: "import" | "move";
    before: Record<string, unknown> | null;
    liveId?: string;
    /** Recorded when the diff proposes nothing (a move keeps what was applied). */
    after: AppliedSpec | null;
  },
): DiffOutcome {
  if (out.change) {
    out.change.steps.unshift(step);
    // The change line (and the markdown table) says both what is recorded and what follows.
    out.change.reason = `${step.reason}; then: ${out.change.reason}`;
    return out;
  }
  const { record, ...rest } = out;
  return {
    ...rest,
    change: {
      address: opts.address,
      kind: opts.kind,
      action: opts.action,
      reason: step.reason,
      ...(opts.liveId ? { live_id: opts.liveId } : {}),
      before: opts.before,
      after: record?.after ?? opts.after,
      steps: [step],
    },
  };
}
