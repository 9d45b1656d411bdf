/**
 * The difference for one webhook subscription address. Pure.
 *
 * Decisions:
 * - A declared subscription without a state id adopts a live one with the same `target_url`
 *   (the API allows each URL once per account, §5.7.1, so creating would fail anyway).
 * - The API returns the signing secret only at creation. Once chatsync has written it to
 *   `secret_file`, a missing file is NOT a reason to replace the subscription: in CI the file
 *   was written on a runner that is gone, and the receiver already verifies with that secret,
 *   so a silent rotation would break live deliveries on every run. The plan warns instead;
 *   `--replace webhook.<key>` rotates the secret on purpose.
 * - A secret that never reached `secret_file` — the create's response was lost
 *   (`pending_create` in state, the subscription found by URL; replaced even when an older
 *   secret file exists, since that file holds a stale secret) or the run died between the
 *   create and the write (an id without `secret`) — is known to nobody, so the subscription is
 *   replaced to obtain one. An adopted subscription's secret belongs to whoever made it. Replacement deletes first because the URL must be free.
 */
import type { WebhookSubscription } from "../../api-wire/types.js";
import type { Address, DesiredWebhook } from "../model/desired-state.js";
import type { AppliedWebhook, WebhookResourceState } from "../state/state-types.js";
import { isAbsolute, relative } from "node:path";
import { redactUrl } from "../output/url-credentials.js";
import type { DiffOutcome } from "./diff-chats.js";
import type { Drift, PlanMessage, ResourceChange, Step } from "./plan-types.js";

export interface WebhookDiffInput {
  address: Address;
  desired: DesiredWebhook | undefined;
  state: WebhookResourceState | undefined;
  /** Every live subscription (one list call). */
  live: readonly WebhookSubscription[];
  /** Live ids other addresses' state already claims. */
  claimed: ReadonlySet<string>;
  /** Whether the declared secret_file exists. */
  secretFilePresent: boolean;
  /** `--replace` names this address: delete and create anew (rotates the signing secret). */
  forceReplace?: boolean;
  destroying?: boolean;
  /**
   * The state file's folder: the state records secret_file relative to it, so a moved
   * checkout or a CI runner's other path is not a changed setting. Absent: kept as declared.
   */
  stateDir?: string;
}

const RULE_CREATE =
  "§5.7.1 the signing secret is returned only at creation; written to secret_file (0600) and never shown";
const RULE_UPDATE = "§5.7.4 partial update; the secret cannot be changed";
const RULE_DELETE = "§5.7.5 delete subscription";

function appliedFrom(d: DesiredWebhook, stateDir?: string): AppliedWebhook {
  const secretFile =
    d.secret_file !== undefined && stateDir !== undefined && isAbsolute(d.secret_file)
      ? relative(stateDir, d.secret_file)
      : d.secret_file;
  return {
    target_url: d.target_url,
    events: [...d.events].sort(),
    phone_numbers: [...d.phone_numbers].sort(),
    active: d.active,
    ...(secretFile !== undefined ? { secret_file: secretFile } : {}),
  };
}

function liveView(s: WebhookSubscription): AppliedWebhook {
  return {
    target_url: s.target_url,
    events: [...s.subscribed_events].sort(),
    phone_numbers: [...(s.phone_numbers ?? [])].sort(),
    active: s.is_active,
  };
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function updateChanges(
  want: AppliedWebhook,
  have: AppliedWebhook,
): Extract<Step, { op: "update_webhook" }>["changes"] {
  const c: Extract<Step, { op: "update_webhook" }>["changes"] = {};
  if (want.target_url !== have.target_url) c.target_url = want.target_url;
  if (!same(want.events, have.events)) c.subscribed_events = want.events;
  if (want.active !== have.active) c.is_active = want.active;
  // §5.7.4: [] or null removes the filter; null says so explicitly.
  if (!same(want.phone_numbers, have.phone_numbers))
    c.phone_numbers = want.phone_numbers.length ? want.phone_numbers : null;
  return c;
}

function createStep(d: DesiredWebhook, reason: string): Step {
  const w = appliedFrom(d);
  return {
    op: "create_webhook",
    target_url: w.target_url,
    events: w.events,
    phone_numbers: w.phone_numbers,
    active: w.active,
    ...(d.secret_file !== undefined ? { secret_file: d.secret_file } : {}),
    reason,
    rule: RULE_CREATE,
  };
}

function driftOf(
  address: Address,
  applied: AppliedWebhook | undefined,
  live: AppliedWebhook,
  want: AppliedWebhook | undefined,
): Drift[] {
  if (!applied) return [];
  const out: Drift[] = [];
  // The state keeps target_url with query credentials redacted; compare like with like.
  const url = (u: string | undefined) => (u === undefined ? undefined : redactUrl(u));
  const fields: Array<[string, unknown, unknown, unknown]> = [
    ["target_url", url(live.target_url), url(applied.target_url), url(want?.target_url)],
    ["events", live.events, applied.events, want?.events],
    ["phone_numbers", live.phone_numbers, applied.phone_numbers, want?.phone_numbers],
    ["active", live.active, applied.active, want?.active],
  ];
  for (const [field, l, a, w] of fields) {
    const eq = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
    if (!eq(l, a) && !eq(l, w))
      out.push({ address, field, live: l, last_applied: a, ...(want ? { declared: w } : {}) });
  }
  return out;
}

export function diffWebhook(input: WebhookDiffInput): DiffOutcome {
  const { address, state: st } = input;
  const warnings: PlanMessage[] = [];
  const errors: PlanMessage[] = [];
  const desired = input.destroying ? undefined : input.desired;
  const byId = st?.id ? input.live.find((s) => s.id === st.id) : undefined;

  // Not declared: delete the subscription chatsync made, or forget one that is already gone.
  if (!desired) {
    if (!st) return { drift: [], warnings, errors };
    const why = input.destroying ? "--destroy" : "removed from the configuration";
    const change: ResourceChange = byId
      ? {
          address,
          kind: "webhook",
          action: "delete",
          reason: why,
          live_id: byId.id,
          before: { ...liveView(byId) },
          after: null,
          steps: [{ op: "delete_webhook", webhook_id: byId.id, reason: why, rule: RULE_DELETE }],
        }
      : {
          address,
          kind: "webhook",
          action: "forget",
          reason: `${why}; the subscription no longer exists`,
          before: null,
          after: null,
          steps: [],
        };
    return { change, drift: [], warnings, errors };
  }

  const want = appliedFrom(desired, input.stateDir);
  const secretMissing = desired.secret_file !== undefined && !input.secretFilePresent;
  const adoptable = !byId
    ? input.live.find((s) => s.target_url === desired.target_url && !input.claimed.has(s.id))
    : undefined;
  const current = byId ?? adoptable;

  // Nothing live: create.
  if (!current) {
    const reason = st?.id
      ? `the subscription recorded in state (${st.id}) no longer exists`
      : "declared and not created yet";
    return {
      change: {
        address,
        kind: "webhook",
        action: "create",
        reason,
        before: null,
        after: { kind: "webhook", ...want },
        steps: [createStep(desired, reason)],
      },
      drift: [],
      warnings,
      errors,
    };
  }

  const have = liveView(current);
  const drift = byId ? driftOf(address, st?.applied, have, want) : [];

  // The secret can only be obtained by creating anew: do so when asked, or when nobody has it.
  // A create whose response was lost made a subscription whose secret nobody has, even when an
  // older secret file is still on disk (it holds the previous subscription's secret, and every
  // delivery would then fail verification): replace it whether or not the file exists.
  const lostCreate =
    desired.secret_file !== undefined &&
    !byId &&
    st?.pending_create !== undefined &&
    redactUrl(st.pending_create.target_url) === redactUrl(desired.target_url);
  const lostInFlight =
    lostCreate || (secretMissing && byId !== undefined && st?.secret === undefined);
  if (secretMissing && !lostInFlight && !input.forceReplace) {
    warnings.push({
      address,
      message: `secret_file ${desired.secret_file} does not exist; the API returns a signing secret only when a subscription is created, so chatsync cannot write it again. If the secret is lost, rotate it with: chatsync apply --replace ${address}`,
    });
  }
  if (input.forceReplace || lostInFlight) {
    const reason = input.forceReplace
      ? "--replace: a new subscription, with a new signing secret"
      : "an interrupted apply created this subscription but its signing secret never reached secret_file; only a new subscription returns one";
    return {
      change: {
        address,
        kind: "webhook",
        action: "replace",
        reason,
        live_id: current.id,
        before: { ...have },
        after: { kind: "webhook", ...want },
        steps: [
          {
            op: "delete_webhook",
            webhook_id: current.id,
            reason: "the target_url must be free before it is subscribed again",
            rule: "§5.7.1 each target_url once per account",
          },
          createStep(desired, reason),
        ],
      },
      drift,
      warnings,
      errors,
    };
  }

  const steps: Step[] = [];
  if (adoptable) {
    steps.push({
      op: "adopt_webhook",
      webhook_id: adoptable.id,
      reason: "a live subscription already uses this target_url (each URL once per account)",
      rule: "§5.7.1",
    });
    warnings.push({
      address,
      message: `adopting existing subscription ${adoptable.id} for ${desired.target_url}; its signing secret is unknown to chatsync`,
    });
  }
  const changes = updateChanges(want, have);
  if (Object.keys(changes).length > 0) {
    steps.push({
      op: "update_webhook",
      webhook_id: current.id,
      changes,
      reason: "the live subscription differs from the declaration",
      rule: RULE_UPDATE,
    });
  }
  const a = st?.applied;
  const recorded = a !== undefined && a.secret_file === want.secret_file;
  if (steps.length === 0) {
    return {
      drift,
      warnings,
      errors,
      ...(recorded ? {} : { record: { address, after: { kind: "webhook", ...want } } }),
    };
  }
  return {
    change: {
      address,
      kind: "webhook",
      action: "update",
      reason: adoptable
        ? "adopt the live subscription with this target_url"
        : "the live subscription differs from the declaration",
      live_id: current.id,
      before: { ...have },
      after: { kind: "webhook", ...want },
      steps,
    },
    drift,
    warnings,
    errors,
  };
}
