/**
 * `contact_cards:` entries: the key is the card's phone number, the fields become the card,
 * and an unusable image_url drops the card after reporting it.
 */
import { describe, expect, it } from "vitest";
import {
  normalizeContactCardKey,
  resolveContactCard,
} from "../../src/sync-engine/config/resolve-contact-card.js";
import { KEY_COLUMN, recordingContext } from "../support/recording-context.js";

describe("normalizeContactCardKey", () => {
  it("turns the key into the E.164 line without a word", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(normalizeContactCardKey(ctx, "+1 (415) 555-0101")).toBe("+14155550101");
    expect(diagnostics).toEqual([]);
  });

  it("warns at the key about a number that is not assigned, and still uses it", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "cards.yaml" });
    expect(normalizeContactCardKey(ctx, "+1 415 000 0000")).toBe("+14150000000");
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        file: "cards.yaml",
        line: 2,
        column: KEY_COLUMN,
        path: "/contact_cards/+1 415 000 0000",
        message:
          'contact card key: "+1 415 000 0000" has a possible length but is not an assigned number for country code +1 according to the phone-number metadata; check it for typos',
      },
    ]);
  });

  it("reports a key that is not a phone number at the key", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "cards.yaml" });
    expect(normalizeContactCardKey(ctx, "reception")).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        severity: "error",
        file: "cards.yaml",
        line: 2,
        column: KEY_COLUMN,
        path: "/contact_cards/reception",
        message:
          'contact card key: "reception" is not in international format: start it with "+" and the country code, e.g. "+14155550101" (there is no default country); a contact card is keyed by its line\'s phone number',
      },
    ]);
  });
});

describe("resolveContactCard", () => {
  it("has only the fields that were written", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      resolveContactCard(ctx, "+1 415 555 0101", "+14155550101", { first_name: "Front desk" }),
    ).toStrictEqual({ phone_number: "+14155550101", first_name: "Front desk" });
    expect(diagnostics).toEqual([]);
  });

  it("carries last_name and image_url when they are written", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      resolveContactCard(ctx, "+14155550101", "+14155550101", {
        first_name: "Ada",
        last_name: "Lovelace",
        image_url: "https://example.com/ada.png",
      }),
    ).toStrictEqual({
      phone_number: "+14155550101",
      first_name: "Ada",
      last_name: "Lovelace",
      image_url: "https://example.com/ada.png",
    });
    expect(diagnostics).toEqual([]);
  });

  it("carries last_name without image_url, and image_url without last_name", () => {
    const { ctx } = recordingContext();
    expect(
      resolveContactCard(ctx, "k", "+14155550101", { first_name: "Ada", last_name: "Lovelace" }),
    ).toStrictEqual({ phone_number: "+14155550101", first_name: "Ada", last_name: "Lovelace" });
    expect(
      resolveContactCard(ctx, "k", "+14155550101", {
        first_name: "Ada",
        image_url: "https://example.com/a.png",
      }),
    ).toStrictEqual({
      phone_number: "+14155550101",
      first_name: "Ada",
      image_url: "https://example.com/a.png",
    });
  });

  it("drops a card whose image_url has no host, reporting it under the key as written", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      resolveContactCard(ctx, "+1 415 555 0101", "+14155550101", {
        first_name: "Ada",
        image_url: "https:///ada.png",
      }),
    ).toBeUndefined();
    expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ["error", "/contact_cards/+1 415 555 0101/image_url"],
    ]);
  });
});
