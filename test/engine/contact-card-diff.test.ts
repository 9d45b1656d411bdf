/**
 * A line's contact card: created when missing, patched field by field, drift reported, and
 * forgotten (never deleted: the API has no delete) when its declaration goes. Pure.
 */
import { describe, expect, it } from "vitest";
import { diffContactCard } from "../../src/sync-engine/plan/diff-contact-cards.js";
import {
  CARD_ADDRESS as address,
  appliedCard as applied,
  liveCard as card,
  CARD as want,
} from "./fixtures.js";

const PATCH = "§5.9.3 PATCH merges; needs an active card";

describe("diffContactCard", () => {
  it("creates a missing card with every declared field", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, image_url: "https://i" },
      state: undefined,
      live: undefined,
    });
    expect(out.change).toEqual({
      address,
      kind: "contact_card",
      action: "create",
      reason: "no contact card on this line",
      before: null,
      after: { kind: "contact_card", ...want, image_url: "https://i" },
      steps: [
        {
          op: "create_contact_card",
          ...want,
          image_url: "https://i",
          reason: "no card on this line",
          rule: "§5.9.2 one card per line; image re-hosted by Linq",
        },
      ],
    });
  });

  it("a matching card needs nothing; its first sight is recorded, later ones are not", () => {
    const first = diffContactCard({ address, desired: want, state: undefined, live: card() });
    expect(first.change).toBeUndefined();
    expect(first.record).toEqual({ address, after: { kind: "contact_card", ...want } });
    const later = diffContactCard({ address, desired: want, state: applied(), live: card() });
    expect(later).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("patches only the fields that differ", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, first_name: "Bo" },
      state: applied({ first_name: "Bo" }),
      live: card(),
    });
    expect(out.change).toMatchObject({ action: "update", before: card() });
    expect(out.change?.steps).toEqual([
      {
        op: "update_contact_card",
        phone_number: "+1",
        changes: { first_name: "Bo" },
        reason: "the live card differs from the declaration",
        rule: PATCH,
      },
    ]);
    const last = diffContactCard({
      address,
      desired: { ...want, last_name: "Q" },
      state: applied({ last_name: "Q" }),
      live: card({ last_name: null }),
    });
    expect(last.change?.steps[0]).toMatchObject({ changes: { last_name: "Q" } });
  });

  it("an undeclared last name or image is left alone", () => {
    const out = diffContactCard({
      address,
      desired: { phone_number: "+1", first_name: "Ann" },
      state: undefined,
      live: card({ last_name: "Other", image_url: "https://x" }),
    });
    expect(out.change).toBeUndefined();
  });

  it("an image is compared with the one last applied (Linq re-hosts it), else the live one", () => {
    const img = { ...want, image_url: "https://mine" };
    const rehosted = card({ image_url: "https://cdn.linq/rehosted" });
    expect(
      diffContactCard({
        address,
        desired: img,
        state: applied({ image_url: "https://mine" }),
        live: rehosted,
      }).change,
    ).toBeUndefined();
    expect(
      diffContactCard({ address, desired: img, state: applied(), live: rehosted }).change?.steps[0],
    ).toMatchObject({
      changes: { image_url: "https://mine" },
    });
    expect(
      diffContactCard({
        address,
        desired: img,
        state: undefined,
        live: card({ image_url: "https://mine" }),
      }).change,
    ).toBeUndefined();
  });

  it("warns when the card to patch is not active yet", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, first_name: "Bo" },
      state: undefined,
      live: card({ is_active: false }),
    });
    expect(out.warnings).toEqual([
      {
        address,
        message: "the live card is not active yet; the API may refuse the update until it is",
      },
    ]);
    expect(
      diffContactCard({
        address,
        desired: want,
        state: undefined,
        live: card({ is_active: false }),
      }).warnings,
    ).toEqual([]);
  });

  it("reports drift of first and last name as live vs last applied vs declared", () => {
    const out = diffContactCard({
      address,
      desired: want,
      state: applied(),
      live: card({ first_name: "X", last_name: null }),
    });
    expect(out.drift).toEqual([
      { address, field: "first_name", live: "X", last_applied: "Ann", declared: "Ann" },
      { address, field: "last_name", live: null, last_applied: "Lee", declared: "Lee" },
    ]);
    // A live value that already matches the new declaration is no drift.
    const now = diffContactCard({
      address,
      desired: { ...want, first_name: "X" },
      state: applied(),
      live: card({ first_name: "X" }),
    });
    expect(now.drift).toEqual([]);
    // Without a last-applied card there is nothing to drift from.
    expect(
      diffContactCard({ address, desired: want, state: undefined, live: card({ first_name: "X" }) })
        .drift,
    ).toEqual([]);
  });

  it("forgets a card whose declaration is gone, or on --destroy, with a warning; nothing when never managed", () => {
    const gone = diffContactCard({ address, desired: undefined, state: applied(), live: card() });
    expect(gone.change).toEqual({
      address,
      kind: "contact_card",
      action: "forget",
      reason: "removed from the configuration (no delete endpoint exists)",
      before: card(),
      after: null,
      steps: [{ op: "forget_contact_card", reason: "stop managing the card" }],
    });
    expect(gone.warnings).toEqual([
      {
        address,
        message:
          "the API cannot delete a contact card; contact_card.+1 stays on the line and chatsync stops managing it",
      },
    ]);
    expect(
      diffContactCard({
        address,
        desired: want,
        state: applied(),
        live: undefined,
        destroying: true,
      }).change,
    ).toMatchObject({
      action: "forget",
      before: null,
    });
    expect(
      diffContactCard({ address, desired: undefined, state: undefined, live: card() }),
    ).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("a newly declared first name is an update, not drift: the live card still has the applied one", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, first_name: "Anna" },
      state: applied(),
      live: card(),
    });
    expect(out.drift).toEqual([]);
    expect(out.change?.steps).toMatchObject([
      { op: "update_contact_card", changes: { first_name: "Anna" } },
    ]);
  });
});
