/**
 * Value helpers for participant handles. They normalize with the same functions the YAML
 * loader uses, so `Handle.phone("+1 415 555 0101")` gives exactly the E.164 string the YAML
 * path would put into the desired state, and a typo fails where it is written instead of at
 * synthesis.
 */
import {
  normalizeEmail,
  normalizePhoneNumber,
  type Normalized,
} from "../sync-engine/config/handle-normalization.js";
import { isUnresolvedToken } from "./unresolved-tokens.js";

export class InvalidHandleError extends Error {
  readonly code = "CHATSYNC_INVALID_HANDLE";
  constructor(message: string) {
    super(message);
    this.name = "InvalidHandleError";
  }
}

function valueOf(input: string, result: Normalized, helper: string): string {
  if (isUnresolvedToken(input)) {
    throw new InvalidHandleError(
      `${helper}: ${JSON.stringify(input)} is an unresolved CDK token; chatsync needs the literal handle when the app runs (e.g. from a constant, a file or process.env)`,
    );
  }
  if (!result.ok) throw new InvalidHandleError(`${helper}: ${result.reason}`);
  return result.value;
}

export const Handle = {
  /**
   * A phone number in international format ("+" and country code; spaces, dashes, dots and
   * parentheses allowed), returned in E.164. Throws `InvalidHandleError` when it cannot be one.
   */
  phone(input: string): string {
    return valueOf(input, normalizePhoneNumber(input), "Handle.phone");
  },
  /** An iMessage email address, returned lower-cased. Throws `InvalidHandleError` when malformed. */
  email(input: string): string {
    return valueOf(input, normalizeEmail(input), "Handle.email");
  },
} as const;
