/** Carrying out one contact card change (one card per line). */
import type { LinqApi } from "../client/linq-api.js";
import { withoutKind, type ResourceChange, type Step } from "../plan/plan-types.js";
import { isApiError, runSteps, type ApplyContext } from "./apply-context.js";

export type ContactCardApplyApi = Pick<LinqApi, "createContactCard" | "updateContactCard">;

export async function applyContactCardChange(
  api: ContactCardApplyApi,
  change: ResourceChange,
  ctx: ApplyContext,
): Promise<void> {
  const { address } = change;
  const res = ctx.store.contactCard(address);

  const run = async (step: Step): Promise<void> => {
    switch (step.op) {
      case "create_contact_card": {
        const body = {
          phone_number: step.phone_number,
          first_name: step.first_name,
          ...(step.last_name !== undefined ? { last_name: step.last_name } : {}),
          ...(step.image_url !== undefined ? { image_url: step.image_url } : {}),
        };
        try {
          await api.createContactCard(body);
        } catch (err) {
          // 409/2014: a card appeared since the refresh (or an earlier attempt landed); PATCH it instead.
          if (!isApiError(err, 409, 2014)) throw err;
          const { phone_number, ...fields } = body;
          await api.updateContactCard(phone_number, fields);
        }
        return;
      }
      case "update_contact_card":
        await api.updateContactCard(step.phone_number, step.changes);
        return;
      case "forget_contact_card":
        return;
      default:
        throw new Error(`${address}: step ${step.op} does not apply to a contact card`);
    }
  };

  await runSteps(ctx, address, change.steps, run);
  if (change.after === null) ctx.store.remove(address);
  else if (change.after.kind === "contact_card") {
    res.applied = withoutKind(change.after);
  }
  await ctx.store.commit(address);
}
