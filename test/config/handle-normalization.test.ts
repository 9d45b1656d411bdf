import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  normalizeEmail,
  normalizeHandle,
  normalizePhoneNumber,
} from "../../src/sync-engine/config/handle-normalization.js";

/** A valid US number in the fictional 555-01xx range, written with random separators. */
const usNumber = fc
  .tuple(
    fc.constantFrom("202", "415", "212", "617"),
    fc.integer({ min: 100, max: 199 }),
    fc.constantFrom("", " ", "-", "."),
    fc.boolean(),
  )
  .map(([area, line, sep, parens]) => {
    const a = parens ? `(${area})` : area;
    return {
      e164: `+1${area}5550${line}`,
      written: `+1${sep || (parens ? " " : "")}${a}${sep}555${sep}0${line}`,
    };
  });

describe("phone numbers", () => {
  it("formats every spelling of a number to the same E.164 (property)", () => {
    fc.assert(
      fc.property(usNumber, ({ e164, written }) => {
        const n = normalizePhoneNumber(written);
        expect(n).toEqual({ ok: true, value: e164 });
      }),
    );
  });

  it("is idempotent (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          usNumber.map((x) => x.written),
          fc.string({ maxLength: 20 }).map((s) => `+${s}`),
        ),
        (input) => {
          const once = normalizePhoneNumber(input);
          if (!once.ok) return;
          expect(normalizePhoneNumber(once.value)).toMatchObject({ ok: true, value: once.value });
        },
      ),
    );
  });

  it("accepts the fictional 555-01xx numbers used in examples as valid", () => {
    expect(normalizePhoneNumber("+14155550101")).toEqual({ ok: true, value: "+14155550101" });
    expect(normalizePhoneNumber("+1 (202) 555-0100")).toEqual({ ok: true, value: "+12025550100" });
    expect(normalizePhoneNumber("+44 20 7123 4567")).toEqual({ ok: true, value: "+442071234567" });
  });

  it("keeps a possible but unassigned number with a warning", () => {
    const n = normalizePhoneNumber("+1 111 555 0101");
    expect(n.ok && n.value).toBe("+11115550101");
    expect(n.ok && n.warning).toMatch(/not an assigned number/);
  });

  it.each([
    ["4155550101", /not in international format: start it with "\+".*there is no default country/],
    ["+1415555", /too few digits/],
    ["+1 415 555 0101 0101", /too many digits/],
    ["+999 123 4567", /country code after '\+' does not exist/],
    ["+()", /it is not a phone number/],
    ["+1 415 555 0101 x7", /extensions are not allowed/],
    [
      `+1${"5".repeat(200)}`,
      /it is 202 characters long, and an E\.164 number has at most 15 digits/,
    ],
  ])("rejects %s with the reason in words", (input, reason) => {
    const n = normalizePhoneNumber(input);
    expect(n.ok).toBe(false);
    expect(!n.ok && n.reason).toMatch(reason);
  });
});

describe("emails and handles", () => {
  it("lower-cases emails, idempotently (property)", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const once = normalizeEmail(email);
        if (!once.ok) return;
        expect(once.value).toBe(email.toLowerCase());
        expect(normalizeEmail(once.value)).toEqual(once);
      }),
    );
  });

  it("rejects malformed emails", () => {
    expect(normalizeEmail("alice@example").ok).toBe(false);
    expect(normalizeEmail("a b@example.com").ok).toBe(false);
  });

  it("routes handles by shape", () => {
    expect(normalizeHandle("Alice@Example.com")).toEqual({ ok: true, value: "alice@example.com" });
    expect(normalizeHandle("+1 415 555 0101")).toEqual({ ok: true, value: "+14155550101" });
    const bad = normalizeHandle("alice");
    expect(!bad.ok && bad.reason).toMatch(/neither a phone number .* nor an email address/);
  });
});
