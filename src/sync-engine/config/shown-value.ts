/**
 * A value as quoted inside a diagnostic. Long values are cut, so a pasted megabyte or a
 * binary file does not flood the terminal; the length says how much was left out.
 */
import { quoteInert } from "../output/inert-text.js";

export const MAX_SHOWN_CHARACTERS = 80;

export function showValue(text: string): string {
  if (text.length <= MAX_SHOWN_CHARACTERS) return quoteInert(text);
  return `${quoteInert(`${text.slice(0, MAX_SHOWN_CHARACTERS - 20)}…`)} (${text.length} characters)`;
}
