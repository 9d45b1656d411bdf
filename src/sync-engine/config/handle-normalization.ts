/**
 * Handle normalization: phone numbers to E.164, emails lower-cased, so that two spellings of
 * one person are one participant before any diff.
 *
 * Decision (phone numbers): we parse with libphonenumber-js's `max` metadata. A number that
 * cannot be parsed or has an impossible length for its country is rejected. A number that is
 * possible but not assigned in the country's numbering plan gets a warning, not an error: the
 * metadata can lag behind new number ranges, and the API only checks the E.164 shape. (The
 * fictional 555-01xx numbers used in examples and tests, e.g. +14155550101, are valid.)
 * Numbers without a leading "+" are rejected: there is no default country.
 */
import {
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";
import { E164_PATTERN } from "../../api-wire/message-rules.js";
import { showValue } from "./shown-value.js";

export type Normalized =
  { ok: true; value: string; warning?: string } | { ok: false; reason: string };

const LENGTH_REASONS: Record<string, string> = {
  TOO_SHORT: "it has too few digits for its country code",
  TOO_LONG: "it has too many digits for its country code",
  INVALID_LENGTH: "its number of digits is not used by its country code",
  INVALID_COUNTRY: "the country code after '+' does not exist",
  NOT_A_NUMBER: "it is not a phone number",
};

function reasonFor(code: string): string {
  return LENGTH_REASONS[code] ?? `it could not be parsed (${code})`;
}

export const MAX_PHONE_TEXT_LENGTH = 40;

/** Only digits, spaces and the usual separators may appear after the leading "+". */
const PHONE_CHARACTERS = /^\+[0-9 ().\-/]+$/;

/**
 * Numbers copied from web pages, phones' contact cards or documents carry typography: no-break
 * and thin spaces, non-breaking hyphens and en dashes, invisible direction marks, full-width
 * digits. They mean the plain characters, so they are turned into them before parsing.
 */
export function plainText(input: string): string {
  return input
    .normalize("NFKC")
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g, "")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\p{Zs}/gu, " ")
    .trim();
}

/** The first character that is not allowed in a phone number, named so it can be found. */
function strayCharacter(text: string): string {
  const ch = [...text.slice(1)].find((c) => !/[0-9 ().\-/]/.test(c)) ?? "";
  const code = ch.codePointAt(0) ?? 0;
  return code > 0x7e || code < 0x20
    ? `it contains ${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, "0")}); `
    : "";
}

export function normalizePhoneNumber(input: string): Normalized {
  const text = plainText(input);
  if (!text.startsWith("+")) {
    return {
      ok: false,
      reason: `${showValue(input)} is not in international format: start it with "+" and the country code, e.g. "+14155550101" (there is no default country)`,
    };
  }
  // Far longer than any spelling of a 15-digit E.164 number; not worth parsing.
  if (text.length > MAX_PHONE_TEXT_LENGTH) {
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid phone number: it is ${text.length} characters long, and an E.164 number has at most 15 digits`,
    };
  }
  if (!/[0-9]/.test(text)) {
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid phone number: it has no digits, so it is not a phone number; write the country code and number after "+", e.g. "+14155550101"`,
    };
  }
  if (!PHONE_CHARACTERS.test(text)) {
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid phone number: ${strayCharacter(text)}only digits, spaces, "-", ".", "/" and parentheses may follow "+" (extensions are not allowed)`,
    };
  }
  const lengthProblem = validatePhoneNumberLength(text);
  if (lengthProblem !== undefined) {
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid phone number: ${reasonFor(lengthProblem)}`,
    };
  }
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text);
  } catch (err) {
    const code = err instanceof ParseError ? err.message : "NOT_A_NUMBER";
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid phone number: ${reasonFor(code)}`,
    };
  }
  const e164 = parsed.number;
  if (!E164_PATTERN.test(e164)) {
    return {
      ok: false,
      reason: `${showValue(input)} does not form an E.164 number (got "${e164}")`,
    };
  }
  if (!parsed.isValid()) {
    const region = parsed.country
      ? ` in ${parsed.country}`
      : ` for country code +${parsed.countryCallingCode}`;
    return {
      ok: true,
      value: e164,
      warning: `${showValue(input)} has a possible length but is not an assigned number${region} according to the phone-number metadata; check it for typos`,
    };
  }
  return { ok: true, value: e164 };
}

/**
 * Deliberately simple: one "@", a non-empty local part without spaces, and a domain with a
 * dot. iMessage addresses are ordinary email addresses; full RFC 5322 is not what users mean.
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** Control, format (bidi, soft hyphen, zero-width) and separator characters: never in an address. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Scripts whose letters look like Latin ones; mixing them in one address is the homoglyph trick. */
const LOOKALIKE_SCRIPTS = ["Latin", "Cyrillic", "Greek", "Armenian", "Cherokee"] as const;

function scriptsOf(text: string): string[] {
  return LOOKALIKE_SCRIPTS.filter((script) => new RegExp(`\\p{Script=${script}}`, "u").test(text));
}

export function normalizeEmail(input: string): Normalized {
  const text = plainText(input);
  const invisible = INVISIBLE.exec(text);
  if (invisible) {
    const code = invisible[0].codePointAt(0)!;
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid email address: it contains the invisible or control character U+${code.toString(16).toUpperCase().padStart(4, "0")}; retype the address`,
    };
  }
  if (!EMAIL.test(text)) {
    return {
      ok: false,
      reason: `${showValue(input)} is not a valid email address (expected name@example.com)`,
    };
  }
  const value = text.toLowerCase();
  const scripts = [value.split("@")[0]!, value.split("@")[1]!].map(scriptsOf);
  const mixed = scripts.find((s) => s.length > 1);
  if (mixed) {
    return {
      ok: true,
      value,
      warning: `${showValue(input)} mixes ${mixed.join(" and ")} letters, which can look identical (a homoglyph); check that it is the address you mean`,
    };
  }
  return { ok: true, value };
}

/** A participant handle: an email when it contains "@", a phone number otherwise. */
export function normalizeHandle(input: string): Normalized {
  if (plainText(input).includes("@")) return normalizeEmail(input);
  if (!plainText(input).startsWith("+") && /[a-z]/i.test(input)) {
    return {
      ok: false,
      reason: `${showValue(input)} is neither a phone number in international format (e.g. "+14155550101") nor an email address`,
    };
  }
  return normalizePhoneNumber(input);
}
