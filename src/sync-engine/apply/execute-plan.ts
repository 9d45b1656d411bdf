/**
 * The executor: the only code that writes to the API. It carries out a plan as decided —
 * never re-deciding — in dependency order (contact cards, then webhooks, then chats: a chat's
 * contact-card share needs the card), with at most `parallelism` addresses in flight. One
 * address failing does not stop the others; what succeeded is recorded, and the outcome names
 * every failed address so the next run finishes the job.
 */
import type { Address } from "../model/desired-state.js";
import {
  withoutKind,
  type Plan,
  type PlanMessage,
  type ResourceChange,
  type ResourceKind,
} from "../plan/plan-types.js";
import type { StateStore } from "../state/state-store.js";
import { isQueuedChange } from "../state/state-types.js";
import { applyChatChange, type ChatApplyApi } from "./apply-chat.js";
import type { ApplyContext } from "./apply-context.js";
import { applyContactCardChange, type ContactCardApplyApi } from "./apply-contact-card.js";
import {
  appliedWebhookForState,
  applyWebhookChange,
  type WebhookApplyApi,
} from "./apply-webhook.js";
import type { ConfirmOptions } from "./confirm-chat.js";
import type { ProgressReporter } from "./progress-reporter.js";
import { mapBounded } from "../refresh/refresh-live.js";
import { checkSecretFileTarget } from "./secret-file.js";
import { recordStateOnlySteps } from "./record-state-only.js";

export type ExecutorApi = ChatApplyApi & WebhookApplyApi & ContactCardApplyApi;

export interface ExecuteOptions {
  parallelism: number;
  progress: ProgressReporter;
  confirm: ConfirmOptions;
  writeSecret: (path: string, secret: string) => Promise<void>;
  /** Default: `checkSecretFileTarget` (secret-file.ts). */
  checkSecretTarget?: (path: string) => Promise<string | undefined>;
  now?: () => Date;
}

export interface ApplyOutcome {
  succeeded: Address[];
  failed: Array<{ address: Address; error: string }>;
  warnings: PlanMessage[];
}

const PHASES: ResourceKind[] = ["contact_card", "webhook", "chat"];

export async function executePlan(
  api: ExecutorApi,
  plan: Plan,
  store: StateStore,
  opts: ExecuteOptions,
): Promise<ApplyOutcome> {
  const ctx: ApplyContext = {
    store,
    progress: opts.progress,
    confirm: opts.confirm,
    warnings: [],
    writeSecret: opts.writeSecret,
    checkSecretTarget: opts.checkSecretTarget ?? ((path) => checkSecretFileTarget(path)),
    now: opts.now ?? (() => new Date()),
    cardsNotCreated: new Set(),
    claimedChatIds: new Set(),
    possibleDuplicates: new Map(),
  };
  const outcome: ApplyOutcome = { succeeded: [], failed: [], warnings: ctx.warnings };

  // Moves and imports: state only, before the records and the API calls that may build on them.
  const recorded = await recordStateOnlySteps(plan, store, ctx.claimedChatIds);

  // Settings that need no API call.
  if (plan.records.length > 0) {
    for (const r of plan.records) {
      const a = r.after;
      if (a.kind === "chat") {
        const res = store.chat(r.address);
        res.applied = withoutKind(a);
        // A record is planned only when the live chat already matches: queued changes an
        // interrupted run left in the journal are settled by that.
        res.intents = res.intents.filter((i) => !isQueuedChange(i.purpose));
      } else if (a.kind === "webhook")
        store.webhook(r.address).applied = appliedWebhookForState(withoutKind(a));
      else store.contactCard(r.address).applied = withoutKind(a);
    }
    await store.commit(plan.records.map((r) => r.address));
  }

  opts.progress.begin(plan.changes.length);
  const applyOne = async (change: ResourceChange): Promise<void> => {
    if (recorded.has(change)) {
      outcome.succeeded.push(change.address);
      opts.progress.addressDone(change.address, { ok: true });
      return;
    }
    try {
      if (change.kind === "chat") await applyChatChange(api, change, ctx);
      else if (change.kind === "webhook") await applyWebhookChange(api, change, ctx);
      else await applyContactCardChange(api, change, ctx);
      outcome.succeeded.push(change.address);
      opts.progress.addressDone(change.address, { ok: true });
    } catch (err) {
      const error = (err as Error).message;
      outcome.failed.push({ address: change.address, error });
      opts.progress.addressDone(change.address, { ok: false, error });
      // Chats run after cards: a share of a card that does not exist would only fail at the API.
      if (change.kind === "contact_card" && change.action === "create") {
        const phone = change.steps.find((s) => s.op === "create_contact_card");
        if (phone?.op === "create_contact_card") ctx.cardsNotCreated.add(phone.phone_number);
      }
      // Whatever the failed address journaled so far must reach the disk.
      await store.commit(change.address).catch(() => undefined);
    }
  };
  for (const kind of PHASES) {
    const batch = plan.changes.filter((c) => c.kind === kind);
    await mapBounded(batch, Math.max(1, opts.parallelism), applyOne);
  }
  for (const [id, address] of ctx.possibleDuplicates) {
    if (ctx.claimedChatIds.has(id)) continue;
    ctx.warnings.push({
      address,
      message: `chat ${id} also matches the create of ${address} (same line, participants and welcome message); chatsync does not manage it, leave it by hand if it is a duplicate`,
    });
  }
  opts.progress.end();
  return outcome;
}
