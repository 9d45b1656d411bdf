/**
 * The steps that change only the state (`moved:` and `imports:`), recorded before any API call:
 * every move first (a later step of the same run may address the new key), then every import.
 * A change made of nothing else is finished here, with its last-applied spec; the others go on
 * to the API phases, which skip these steps.
 */
import { isStateOnly, withoutKind, type Plan, type ResourceChange } from "../plan/plan-types.js";
import type { StateStore } from "../state/state-store.js";
import { forgetChatId } from "./apply-chat.js";

export async function recordStateOnlySteps(
  plan: Plan,
  store: StateStore,
  claimedChatIds: Set<string>,
): Promise<Set<ResourceChange>> {
  const touched = new Set<string>();
  for (const change of plan.changes) {
    for (const step of change.steps) {
      if (step.op !== "move_address") continue;
      store.move(step.from, step.to);
      touched.add(step.from).add(step.to);
    }
  }
  for (const change of plan.changes) {
    for (const step of change.steps) {
      if (step.op === "import_chat") {
        const res = store.chat(change.address);
        // A chat this address replaced and now imports back is current, not retired.
        forgetChatId(res, step.chat_id);
        res.id = step.chat_id;
        res.from = step.from;
        claimedChatIds.add(step.chat_id);
      } else if (step.op === "import_webhook") {
        const res = store.webhook(change.address);
        res.id = step.webhook_id;
        // Whoever made the subscription holds its signing secret.
        res.secret = "adopted";
      } else if (step.op === "import_contact_card") {
        store.contactCard(change.address);
      } else continue;
      touched.add(change.address);
    }
  }
  const done = new Set<ResourceChange>();
  for (const change of plan.changes) {
    if (change.steps.length === 0 || !change.steps.every(isStateOnly)) continue;
    const a = change.after;
    if (a?.kind === "chat") store.chat(change.address).applied = withoutKind(a);
    else if (a?.kind === "webhook") store.webhook(change.address).applied = withoutKind(a);
    else if (a?.kind === "contact_card") store.contactCard(change.address).applied = withoutKind(a);
    touched.add(change.address);
    done.add(change);
  }
  if (touched.size > 0) await store.commit([...touched]);
  return done;
}
