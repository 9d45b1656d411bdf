/**
 * Carrying out one webhook subscription change. The signing secret exists only in the create
 * response: it goes straight to `secret_file` (0600) and nowhere else — not the state, not the
 * plan, not a log line.
 */
import type { WebhookEventType } from "../../api-wire/event-types.js";
import type { LinqApi } from "../client/linq-api.js";
import { withoutKind, type ResourceChange, type Step } from "../plan/plan-types.js";
import type { AppliedWebhook } from "../state/state-types.js";
import { redactUrl } from "../output/url-credentials.js";
import { isApiError, runSteps, type ApplyContext } from "./apply-context.js";

/**
 * What the state keeps of a subscription: the target_url with credential-looking query values
 * redacted (the state is not a place for secrets; diff-webhooks compares redacted forms).
 */
export function appliedWebhookForState(after: AppliedWebhook): AppliedWebhook {
  return { ...after, target_url: redactUrl(after.target_url) };
}

export type WebhookApplyApi = Pick<
  LinqApi,
  "createWebhookSubscription" | "updateWebhookSubscription" | "deleteWebhookSubscription"
>;

export async function applyWebhookChange(
  api: WebhookApplyApi,
  change: ResourceChange,
  ctx: ApplyContext,
): Promise<void> {
  const { address } = change;
  const res = ctx.store.webhook(address);

  const run = async (step: Step): Promise<void> => {
    switch (step.op) {
      case "create_webhook": {
        // The secret comes only with this response: make sure it can be written before asking.
        if (step.secret_file) {
          const warning = await ctx.checkSecretTarget(step.secret_file);
          if (warning) ctx.warnings.push({ address, message: warning });
        }
        // Journal first: a create has no idempotency key, and if its response is lost the next
        // run must know that the subscription found by URL is ours, with a secret nobody has.
        res.pending_create = {
          target_url: redactUrl(step.target_url),
          started_at: ctx.now().toISOString(),
        };
        delete res.secret;
        await ctx.store.commit(address);
        const created = await api.createWebhookSubscription({
          target_url: step.target_url,
          subscribed_events: step.events as WebhookEventType[],
          ...(step.phone_numbers.length ? { phone_numbers: step.phone_numbers } : {}),
        });
        res.id = created.id;
        delete res.pending_create;
        await ctx.store.commit(address);
        if (step.secret_file) {
          await ctx.writeSecret(step.secret_file, created.signing_secret);
          res.secret = "written";
          await ctx.store.commit(address);
        }
        // Creation has no is_active field; an inactive declaration is switched off right after.
        if (!step.active && created.is_active)
          await api.updateWebhookSubscription(created.id, { is_active: false });
        return;
      }
      case "update_webhook":
        await api.updateWebhookSubscription(step.webhook_id, {
          ...step.changes,
          subscribed_events: step.changes.subscribed_events as WebhookEventType[] | undefined,
        });
        return;
      case "delete_webhook":
        try {
          await api.deleteWebhookSubscription(step.webhook_id);
        } catch (err) {
          // Already gone: the goal is reached.
          if (!isApiError(err, 404)) throw err;
        }
        if (res.id === step.webhook_id) delete res.id;
        await ctx.store.commit(address);
        return;
      case "adopt_webhook":
        res.id = step.webhook_id;
        res.secret = "adopted";
        await ctx.store.commit(address);
        return;
      default:
        throw new Error(`${address}: step ${step.op} does not apply to a webhook`);
    }
  };

  await runSteps(ctx, address, change.steps, run);
  if (change.after === null) ctx.store.remove(address);
  else if (change.after.kind === "webhook") {
    res.applied = appliedWebhookForState(withoutKind(change.after));
  }
  await ctx.store.commit(address);
}
