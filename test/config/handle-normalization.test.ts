import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  MAX_PHONE_TEXT_LENGTH,
  normalizeEmail,
  normalizeHandle,
  normalizePhoneNumber,
  plainText,
} from "../../src/sync-engine/config/handle-normalization.js";
import { propertyRuns } from "../support/property-runs.js";

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

  it.each([
    ["no-break spaces", "+1\u00a0415\u00a0555\u00a00101"],
    ["en dashes and a non-breaking hyphen", "+1 415\u2013555\u20110101"],
    ["direction marks from a phone's contact card", "\u202a+1 (415) 555-0101\u202c"],
    ["a zero-width space", "+1 415 555 0101\u200b"],
    [
      "full-width plus and digits",
      "\uff0b\uff11 \uff14\uff11\uff15 \uff15\uff15\uff15 \uff10\uff11\uff10\uff11",
    ],
  ])("reads a number copied with %s as the plain number", (_, written) => {
    expect(normalizePhoneNumber(written)).toEqual({ ok: true, value: "+14155550101" });
    expect(normalizeHandle(written)).toEqual({ ok: true, value: "+14155550101" });
  });

  it("names a stray character it cannot read", () => {
    const n = normalizePhoneNumber("+1 415 555 0101 \u260e");
    expect(!n.ok && n.reason).toBe(
      '"+1 415 555 0101 \u260e" is not a valid phone number: it contains "\u260e" (U+260E); only digits, spaces, "-", ".", "/" and parentheses may follow "+" (extensions are not allowed)',
    );
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

describe("phone number reasons and warnings in words", () => {
  const reasonOf = (input: string): string | false => {
    const n = normalizePhoneNumber(input);
    return !n.ok && n.reason;
  };

  it("names a control character with its four-digit code point", () => {
    expect(reasonOf("+1 415\u0007555 0101")).toBe(
      '"+1 415\\u0007555 0101" is not a valid phone number: it contains "\\u0007" (U+0007); only digits, spaces, "-", ".", "/" and parentheses may follow "+" (extensions are not allowed)',
    );
  });

  it("does not name a printable ASCII character, the last one (~) included", () => {
    expect(reasonOf("+1 415 555 0101~")).toBe(
      '"+1 415 555 0101~" is not a valid phone number: only digits, spaces, "-", ".", "/" and parentheses may follow "+" (extensions are not allowed)',
    );
  });

  it(`reads a number spelled in exactly ${MAX_PHONE_TEXT_LENGTH} characters, rejects one more`, () => {
    const spaced = (n: number): string => `+1 415 555${" ".repeat(n - 14)}0101`;
    expect(spaced(MAX_PHONE_TEXT_LENGTH)).toHaveLength(MAX_PHONE_TEXT_LENGTH);
    expect(normalizePhoneNumber(spaced(MAX_PHONE_TEXT_LENGTH))).toEqual({
      ok: true,
      value: "+14155550101",
    });
    expect(reasonOf(spaced(MAX_PHONE_TEXT_LENGTH + 1))).toMatch(
      /is not a valid phone number: it is 41 characters long, and an E\.164 number has at most 15 digits$/,
    );
  });

  it("rejects a number of a possible length whose digits exceed E.164's fifteen", () => {
    expect(reasonOf("+62 644 5200 6060 268")).toBe(
      '"+62 644 5200 6060 268" does not form an E.164 number (got "+6264452006060268")',
    );
  });

  it("names the country of a possible but unassigned number when it is known", () => {
    expect(normalizePhoneNumber("+49 000 0000000")).toEqual({
      ok: true,
      value: "+49000000000",
      warning:
        '"+49 000 0000000" has a possible length but is not an assigned number in DE according to the phone-number metadata; check it for typos',
    });
  });

  it("names the country code of a possible but unassigned number without a country", () => {
    const n = normalizePhoneNumber("+1 111 555 0101");
    expect(n.ok && n.warning).toBe(
      '"+1 111 555 0101" has a possible length but is not an assigned number for country code +1 according to the phone-number metadata; check it for typos',
    );
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

  it("drops invisible characters around an email", () => {
    expect(normalizeHandle("\u200bAlice@Example.com\u00a0")).toEqual({
      ok: true,
      value: "alice@example.com",
    });
  });

  it("normalizeHandle is idempotent on any text, typography included (property)", () => {
    const piece = fc.oneof(
      fc.constantFrom("+1 415 555 01", "+44 20 7123 456", "alice", "@", "Example.COM", "x"),
      fc.constantFrom(
        "\u00a0",
        "\u2013",
        "\u2011",
        "\u200b",
        "\u202a",
        "\uff11",
        "\uff0b",
        "-",
        " ",
      ),
      fc.string({ maxLength: 3, unit: "grapheme" }),
      fc.integer({ min: 0, max: 9 }).map(String),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const once = normalizeHandle(pieces.join(""));
        if (!once.ok) return;
        expect(normalizeHandle(once.value)).toMatchObject({ ok: true, value: once.value });
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it("turns typographic dashes into a plain hyphen", () => {
    expect(plainText("a\u2010b\u2013c\u2015d\u2212e")).toBe("a-b-c-d-e");
    expect(normalizeEmail("Jean\u2013Luc@example.com")).toEqual({
      ok: true,
      value: "jean-luc@example.com",
    });
  });

  it("rejects an email with an invisible character, named by its upper-case code point", () => {
    const n = normalizeEmail("ali\u00adce@example.com");
    expect(!n.ok && n.reason).toBe(
      '"ali\\u00ADce@example.com" is not a valid email address: it contains the invisible or control character U+00AD; retype the address',
    );
  });

  it("warns about letters of two scripts mixed in the domain (a homoglyph)", () => {
    expect(normalizeEmail("alice@ex\u0430mple.com")).toEqual({
      ok: true,
      value: "alice@ex\u0430mple.com",
      warning:
        '"alice@ex\u0430mple.com" mixes Latin and Cyrillic letters, which can look identical (a homoglyph); check that it is the address you mean',
    });
  });

  it("does not warn about an address whose local part and domain each use one script", () => {
    expect(normalizeEmail("\u0430\u043b\u0438\u0441\u0430@example.com")).toEqual({
      ok: true,
      value: "\u0430\u043b\u0438\u0441\u0430@example.com",
    });
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
