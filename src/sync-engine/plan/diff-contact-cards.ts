/**
 * The difference for one contact card (one per line). Pure.
 *
 * Decisions:
 * - `image_url` is compared with the last-applied value, not with the live one: Linq re-hosts
 *   the image on its CDN (§5.9.2), so the live URL never equals the declared one.
 * - Fields left out of the declaration are not managed (PATCH merges; there is no documented
 *   way to clear a field).
 * - The API cannot delete a card: removing the declaration only forgets it.
 */
import type { ContactCard } from "../../api-wire/types.js";
import type { Address, DesiredContactCard } from "../model/desired-state.js";
import type { AppliedContactCard, ContactCardResourceState } from "../state/state-types.js";
import type { DiffOutcome } from "./diff-chats.js";
import type { Drift, PlanMessage, Step } from "./plan-types.js";

export interface ContactCardDiffInput {
  address: Address;
  desired: DesiredContactCard | undefined;
  state: ContactCardResourceState | undefined;
  /** The live card for this line, if any. */
  live: ContactCard | undefined;
  destroying?: boolean;
}

function appliedFrom(d: DesiredContactCard): AppliedContactCard {
  return {
    phone_number: d.phone_number,
    first_name: d.first_name,
    ...(d.last_name !== undefined ? { last_name: d.last_name } : {}),
    ...(d.image_url !== undefined ? { image_url: d.image_url } : {}),
  };
}

export function diffContactCard(input: ContactCardDiffInput): DiffOutcome {
  const { address, state: st, live } = input;
  const warnings: PlanMessage[] = [];
  const errors: PlanMessage[] = [];
  const d = input.destroying ? undefined : input.desired;

  if (!d) {
    if (!st) return { drift: [], warnings, errors };
    warnings.push({
      address,
      message: `the API cannot delete a contact card; ${address} stays on the line and chatsync stops managing it`,
    });
    return {
      change: {
        address,
        kind: "contact_card",
        action: "forget",
        reason: "removed from the configuration (no delete endpoint exists)",
        before: live ? { ...live } : null,
        after: null,
        steps: [{ op: "forget_contact_card", reason: "stop managing the card" }],
      },
      drift: [],
      warnings,
      errors,
    };
  }

  const want = appliedFrom(d);
  if (!live) {
    const step: Step = {
      op: "create_contact_card",
      ...want,
      reason: "no card on this line",
      rule: "§5.9.2 one card per line; image re-hosted by Linq",
    };
    return {
      change: {
        address,
        kind: "contact_card",
        action: "create",
        reason: "no contact card on this line",
        before: null,
        after: { kind: "contact_card", ...want },
        steps: [step],
      },
      drift: [],
      warnings,
      errors,
    };
  }

  const applied = st?.applied;
  const drift: Drift[] = [];
  if (applied) {
    if (live.first_name !== applied.first_name && live.first_name !== want.first_name) {
      drift.push({
        address,
        field: "first_name",
        live: live.first_name,
        last_applied: applied.first_name,
        declared: want.first_name,
      });
    }
    if (
      applied.last_name !== undefined &&
      (live.last_name ?? undefined) !== applied.last_name &&
      (live.last_name ?? undefined) !== want.last_name
    ) {
      drift.push({
        address,
        field: "last_name",
        live: live.last_name ?? null,
        last_applied: applied.last_name,
        declared: want.last_name ?? null,
      });
    }
  }
  const changes: Extract<Step, { op: "update_contact_card" }>["changes"] = {};
  if (live.first_name !== want.first_name) changes.first_name = want.first_name;
  if (want.last_name !== undefined && (live.last_name ?? undefined) !== want.last_name)
    changes.last_name = want.last_name;
  if (want.image_url !== undefined) {
    const known = applied?.image_url ?? live.image_url ?? undefined;
    if (known !== want.image_url) changes.image_url = want.image_url;
  }
  const steps: Step[] = [];
  if (Object.keys(changes).length > 0) {
    steps.push({
      op: "update_contact_card",
      phone_number: want.phone_number,
      changes,
      reason: "the live card differs from the declaration",
      rule: "§5.9.3 PATCH merges; needs an active card",
    });
    if (!live.is_active)
      warnings.push({
        address,
        message: "the live card is not active yet; the API may refuse the update until it is",
      });
  }
  if (steps.length === 0) {
    return {
      drift,
      warnings,
      errors,
      ...(applied ? {} : { record: { address, after: { kind: "contact_card", ...want } } }),
    };
  }
  return {
    change: {
      address,
      kind: "contact_card",
      action: "update",
      reason: "the live card differs from the declaration",
      before: { ...live },
      after: { kind: "contact_card", ...want },
      steps,
    },
    drift,
    warnings,
    errors,
  };
}
