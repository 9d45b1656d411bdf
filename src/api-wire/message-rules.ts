/**
 * Message content rules (linq-api-v3.md §7) as one pure implementation, used by the emulator
 * to answer like the API and by `chatsync validate` to catch the same mistakes before any
 * network call.
 */
import type { MessageContent, RequestPart } from "./types.js";
import { ErrorCode } from "./error-codes.js";

export const E164_PATTERN = /^\+[1-9][0-9]{1,14}$/;
export const MAX_PARTS = 100;
export const MAX_URL_MEDIA_PARTS = 40;
export const MAX_URL_LENGTH = 2048;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const SCREEN_EFFECTS = [
  "confetti",
  "fireworks",
  "lasers",
  "sparkles",
  "celebration",
  "hearts",
  "love",
  "balloons",
  "happy_birthday",
  "echo",
  "spotlight",
] as const;
export const BUBBLE_EFFECTS = ["slam", "loud", "gentle", "invisible"] as const;

/**
 * What counts as "a URL inside text" for the first-message rule (§5.1.1) is not specified.
 * Decision: a scheme URL (`http://`, `https://`), a `www.` host, or a bare host name ending in
 * a common top-level domain (`example.com/x`). Emails are not URLs. The emulator and the
 * static checks share this, so a file that validates is accepted by the emulator.
 */
const URL_IN_TEXT =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/\S+)|(?:\bwww\.\S+)|(?:(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|app|dev|ai|me|us|uk|de|fr|gg|ly|link|info|biz|xyz|tv)\b(?:\/\S*)?)/i;

export function findUrlInText(text: string): string | undefined {
  const m = URL_IN_TEXT.exec(text);
  return m ? m[0] : undefined;
}

export interface RuleViolation {
  /** HTTP status the API answers with. */
  status: number;
  /** API error code (§2.3). */
  code: number;
  message: string;
  /** Index of the offending part, when the violation is about one part. */
  partIndex?: number;
}

function violation(code: number, message: string, partIndex?: number): RuleViolation {
  return { status: 400, code, message, ...(partIndex === undefined ? {} : { partIndex }) };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Checks a MessageContent against §7.3. `firstMessage` adds the §5.1.1 rule (no link part and
 * no URL in text when creating a chat). Returns the first violation, or undefined.
 */
export function checkMessageContent(
  content: MessageContent,
  opts: { firstMessage?: boolean } = {},
): RuleViolation | undefined {
  const parts: RequestPart[] = content.parts;
  if (!Array.isArray(parts) || parts.length === 0) {
    return violation(
      ErrorCode.MissingRequiredField,
      "message.parts must contain at least one part",
    );
  }
  if (parts.length > MAX_PARTS) {
    return violation(
      ErrorCode.InvalidMessageContent,
      `A message may have at most ${MAX_PARTS} parts (got ${parts.length})`,
    );
  }
  if (
    content.idempotency_key !== undefined &&
    content.idempotency_key.length > MAX_IDEMPOTENCY_KEY_LENGTH
  ) {
    return violation(
      ErrorCode.InvalidParameterValue,
      `idempotency_key may be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    );
  }
  if (content.effect) {
    const { type, name } = content.effect;
    const names: readonly string[] =
      type === "screen" ? SCREEN_EFFECTS : type === "bubble" ? BUBBLE_EFFECTS : [];
    if (type !== undefined && type !== "screen" && type !== "bubble") {
      return violation(ErrorCode.InvalidParameterValue, `effect.type must be "screen" or "bubble"`);
    }
    if (name !== undefined && type !== undefined && !names.includes(name)) {
      return violation(ErrorCode.InvalidParameterValue, `Unknown ${type} effect "${name}"`);
    }
  }
  let urlMedia = 0;
  for (const [i, part] of parts.entries()) {
    switch (part.type) {
      case "text": {
        if (typeof part.value !== "string" || part.value.length === 0) {
          return violation(
            ErrorCode.MissingRequiredField,
            "A text part needs a non-empty value",
            i,
          );
        }
        if (part.value.length > MAX_TEXT_LENGTH) {
          return violation(
            ErrorCode.InvalidMessageContent,
            `A text part may have at most ${MAX_TEXT_LENGTH} characters`,
            i,
          );
        }
        if (i > 0 && parts[i - 1]?.type === "text") {
          return violation(
            ErrorCode.InvalidMessageContent,
            "Consecutive text parts are not allowed; merge them into one",
            i,
          );
        }
        if (opts.firstMessage) {
          const url = findUrlInText(part.value);
          if (url !== undefined) {
            return violation(
              ErrorCode.InvalidParameterValue,
              `The first message of a chat may not contain a URL (found "${url}")`,
              i,
            );
          }
        }
        break;
      }
      case "link": {
        if (parts.length !== 1) {
          return violation(
            ErrorCode.InvalidMessageContent,
            "A link part must be the only part of the message",
            i,
          );
        }
        if (typeof part.value !== "string" || part.value.length === 0) {
          return violation(ErrorCode.MissingRequiredField, "A link part needs a value", i);
        }
        if (part.value.length > MAX_URL_LENGTH) {
          return violation(
            ErrorCode.InvalidMessageContent,
            `URLs may be at most ${MAX_URL_LENGTH} characters`,
            i,
          );
        }
        if (opts.firstMessage) {
          return violation(
            ErrorCode.InvalidParameterValue,
            "The first message of a chat may not contain a link part",
            i,
          );
        }
        break;
      }
      case "media": {
        const hasUrl = part.url !== undefined;
        const hasAttachment = part.attachment_id !== undefined;
        if (hasUrl === hasAttachment) {
          return violation(
            ErrorCode.InvalidMessageContent,
            "A media part needs exactly one of url or attachment_id",
            i,
          );
        }
        if (hasUrl) {
          if (!isHttpsUrl(part.url as string)) {
            return violation(
              ErrorCode.InvalidMessageContent,
              "A media url must be an HTTPS URL",
              i,
            );
          }
          if ((part.url as string).length > MAX_URL_LENGTH) {
            return violation(
              ErrorCode.InvalidMessageContent,
              `URLs may be at most ${MAX_URL_LENGTH} characters`,
              i,
            );
          }
          urlMedia++;
        }
        break;
      }
      case "imessage_app": {
        if (parts.length !== 1) {
          return violation(
            ErrorCode.InvalidMessageContent,
            "An imessage_app part must be the only part of the message",
            i,
          );
        }
        if (!part.app || typeof part.app.name !== "string" || part.app.name.length === 0) {
          return violation(ErrorCode.InvalidIMessageApp, "imessage_app.app.name is required", i);
        }
        if (!/^[A-Z0-9]{10}$/.test(part.app.team_id ?? "")) {
          return violation(
            ErrorCode.InvalidIMessageApp,
            "imessage_app.app.team_id must be 10 uppercase letters or digits",
            i,
          );
        }
        break;
      }
      default:
        return violation(
          ErrorCode.InvalidMessageContent,
          `Unknown part type "${(part as { type?: unknown }).type}"`,
          i,
        );
    }
  }
  if (urlMedia > MAX_URL_MEDIA_PARTS) {
    return violation(
      ErrorCode.InvalidMessageContent,
      `At most ${MAX_URL_MEDIA_PARTS} media parts may use a public url`,
    );
  }
  return undefined;
}

/** Group-chat limits (§6) shared by the emulator and the static checks. */
export const GroupRules = {
  /** `to` on POST /v3/chats holds 1 to 31 recipients. */
  maxRecipients: 31,
  /**
   * Add needs ≥3 existing participants and remove must leave ≥3 (§5.2). Open question 20:
   * whether your own line counts. Decision: it counts, like the leave rule ("yourself
   * included"); so a group created with 2 recipients (3 participants) can grow, and cannot
   * shrink below 2 other people.
   */
  minParticipantsForAdd: 3,
  minParticipantsAfterRemove: 3,
  /** Leave: iMessage groups with ≥4 active participants, yourself included (§5.1.6). */
  minParticipantsForLeave: 4,
} as const;
