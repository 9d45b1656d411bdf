/**
 * A plan is data: what should change, per address, and why. The diff produces it, renderers
 * show it, the executor carries it out without re-deciding anything, and `--out` saves it for a
 * later `apply PLANFILE`. Keep it serializable and never put a secret in it.
 * `schemas/plan.schema.json` documents this shape; bump PLAN_FORMAT_VERSION on any
 * incompatible change.
 */
import type { Address } from "../model/desired-state.js";
import type { AppliedChat, AppliedContactCard, AppliedWebhook } from "../state/state-types.js";

export const PLAN_FORMAT_VERSION = "2";
export const PLAN_KIND = "chatsync-plan";

export type ResourceKind = "chat" | "webhook" | "contact_card";

/**
 * What happens to one address. `forget` drops it from state without touching the live object;
 * `import` records an existing live object and `move` re-keys the state, both with no API call.
 */
export type ChangeAction =
  "create" | "update" | "replace" | "leave" | "forget" | "delete" | "import" | "move";

interface StepBase {
  /** Why this step is needed, in words a reviewer understands. */
  reason: string;
  /** The API rule that shapes it (linq-api-v3.md section), when one does. */
  rule?: string;
}

export type Step =
  | (StepBase & {
      op: "create_chat";
      from: string;
      to: string[];
      is_group: boolean;
      welcome_message: string;
      /** Generation of the new chat; part of its idempotency key. */
      generation: number;
    })
  /**
   * An interrupted create did make its chat (found on the line, §12.1): record that chat for
   * the address instead of creating another. No API write.
   */
  | (StepBase & {
      op: "adopt_chat";
      chat_id: string;
      from: string;
      to: string[];
      /** Generation of the interrupted create. */
      generation: number;
    })
  | (StepBase & { op: "add_participant"; handle: string })
  | (StepBase & { op: "remove_participant"; handle: string })
  | (StepBase & { op: "rename_chat"; display_name: string })
  | (StepBase & { op: "set_chat_icon"; icon: string })
  | (StepBase & { op: "share_contact_card" })
  | (StepBase & { op: "request_location" })
  /** A one-shot send whose outcome a crash left unknown: record it as done, never resend. */
  | (StepBase & {
      op: "settle_interrupted_send";
      purpose: "share_contact_card" | "request_location";
    })
  | (StepBase & { op: "leave_chat"; chat_id: string })
  | (StepBase & { op: "forget_chat"; chat_id?: string })
  | (StepBase & {
      op: "create_webhook";
      target_url: string;
      events: string[];
      phone_numbers: string[];
      active: boolean;
      secret_file?: string;
    })
  | (StepBase & {
      op: "update_webhook";
      webhook_id: string;
      changes: {
        target_url?: string;
        subscribed_events?: string[];
        is_active?: boolean;
        phone_numbers?: string[] | null;
      };
    })
  | (StepBase & { op: "delete_webhook"; webhook_id: string })
  | (StepBase & { op: "adopt_webhook"; webhook_id: string })
  | (StepBase & {
      op: "create_contact_card";
      phone_number: string;
      first_name: string;
      last_name?: string;
      image_url?: string;
    })
  | (StepBase & {
      op: "update_contact_card";
      phone_number: string;
      changes: { first_name?: string; last_name?: string; image_url?: string };
    })
  | (StepBase & { op: "forget_contact_card" })
  /** `imports:`: record an existing live object under the address. No API write. */
  | (StepBase & { op: "import_chat"; chat_id: string; from: string })
  | (StepBase & { op: "import_webhook"; webhook_id: string })
  | (StepBase & { op: "import_contact_card"; phone_number: string })
  /** `moved:`: the state entry of `from` becomes this address. No API write. */
  | (StepBase & { op: "move_address"; from: Address; to: Address });

export type StepOp = Step["op"];

/** Steps that change only the state; the executor records them before any API call. */
export const STATE_ONLY_OPS: ReadonlySet<StepOp> = new Set<StepOp>([
  "import_chat",
  "import_webhook",
  "import_contact_card",
  "move_address",
]);

export function isStateOnly(step: Step): boolean {
  return STATE_ONLY_OPS.has(step.op);
}

/** The declared spec recorded as last-applied once the change is confirmed. */
export type AppliedSpec =
  | ({ kind: "chat" } & AppliedChat)
  | ({ kind: "webhook" } & AppliedWebhook)
  | ({ kind: "contact_card" } & AppliedContactCard);

export interface ResourceChange {
  address: Address;
  kind: ResourceKind;
  action: ChangeAction;
  /** One line: why this address changes. */
  reason: string;
  /** The live object this change starts from (chat or subscription id), when there is one. */
  live_id?: string;
  /** A short view of the live object before the change (null when it does not exist). */
  before: Record<string, unknown> | null;
  /** What will be recorded as last-applied (null when the address goes away). */
  after: AppliedSpec | null;
  steps: Step[];
}

/** A difference between the live account and what chatsync last applied (a change made outside chatsync). */
export interface Drift {
  address: Address;
  field: string;
  live: unknown;
  last_applied: unknown;
  /** The declared value, when the address is still declared. */
  declared?: unknown;
}

export interface PlanMessage {
  address?: Address;
  message: string;
  /** Set on warnings a machine may act on, e.g. `REMOVAL_GUARD`. */
  code?: string;
  /** For `REMOVAL_GUARD`: the exact apply flag(s) that lift it. */
  lifted_by?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  leave: number;
  forget: number;
  delete: number;
  /** Addresses that import a live object (alone or before an update). */
  import: number;
  /** Addresses re-keyed by `moved:` (alone or before other changes). */
  move: number;
}

export interface Plan {
  kind: typeof PLAN_KIND;
  format_version: typeof PLAN_FORMAT_VERSION;
  created_at: string;
  /** Options the plan was made with. */
  options: { refresh_only: boolean; destroy: boolean; targets: string[]; replace?: string[] };
  /** Every address the refresh covered; applying a saved plan refreshes the same scope to compare fingerprints. */
  scope: string[];
  /**
   * The state the plan was made from; a saved plan is refused when it moved on. `location` is
   * the state file's path — relative to the plan file's folder in a saved plan, so the plan
   * finds its state wherever the checkout lives — or a backend URL (never with a password).
   */
  state: { location: string; lineage: string; serial: number };
  /** Hash of the refreshed live objects; a saved plan is refused when a new refresh differs. */
  live_fingerprint: string;
  changes: ResourceChange[];
  /** Last-applied updates that need no API call (e.g. a new prevent_destroy); recorded by apply, not counted as changes. */
  records: Array<{ address: Address; after: AppliedSpec }>;
  drift: Drift[];
  warnings: PlanMessage[];
  /** Problems that make the plan unusable (e.g. prevent_destroy); a plan with errors is never applied. */
  errors: PlanMessage[];
  summary: PlanSummary;
}

/** A last-applied spec without its `kind` tag, as the state stores it. */
export function withoutKind<T extends { kind: string }>(spec: T): Omit<T, "kind"> {
  const copy: Partial<T> = { ...spec };
  delete copy.kind;
  return copy as Omit<T, "kind">;
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}

export function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const s: PlanSummary = {
    create: 0,
    update: 0,
    replace: 0,
    leave: 0,
    forget: 0,
    delete: 0,
    import: 0,
    move: 0,
  };
  for (const c of changes) {
    // An import or a move comes with the change that follows it; count both.
    if (c.steps.some((st) => st.op.startsWith("import_"))) s.import += 1;
    if (c.steps.some((st) => st.op === "move_address")) s.move += 1;
    if (c.action !== "import" && c.action !== "move") s[c.action] += 1;
  }
  return s;
}
