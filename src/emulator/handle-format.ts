/**
 * Handles (§4.1): E.164 phone numbers or email addresses (iMessage only), and which chat
 * services a recipient can join given what it supports.
 */
import { E164_PATTERN, type ServiceType } from "../api-wire/index.js";
import { invalidPhone } from "./api-error.js";

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmailHandle(handle: string): boolean {
  return EMAIL_PATTERN.test(handle);
}

/** Returns the canonical handle (emails lower-cased) or throws 400/1002. */
export function normalizeHandle(field: string, value: unknown): string {
  if (typeof value !== "string") throw invalidPhone(field, value);
  const trimmed = value.trim();
  if (E164_PATTERN.test(trimmed)) return trimmed;
  if (isEmailHandle(trimmed)) return trimmed.toLowerCase();
  throw invalidPhone(field, value);
}

/**
 * A recipient's configured service is the best one it supports: iMessage users can also get
 * RCS/SMS (phones only), RCS users can also get SMS, SMS users only SMS. Emails are iMessage
 * addresses, so they can only join iMessage chats.
 */
export function supportsService(
  handle: string,
  best: ServiceType,
  chatService: ServiceType,
): boolean {
  if (isEmailHandle(handle)) return chatService === "iMessage";
  const rank: Record<ServiceType, number> = { SMS: 0, RCS: 1, iMessage: 2 };
  return rank[chatService] <= rank[best];
}

/**
 * The service a new chat uses: the best one every recipient supports, capped by
 * `preferred_service` (§4.2: RCS = RCS else SMS, never iMessage; SMS read as SMS only).
 * Returns undefined when `preferred_service: "iMessage"` cannot be honoured.
 */
export function chooseChatService(
  recipients: { handle: string; best: ServiceType }[],
  preferred: ServiceType | undefined,
): ServiceType | undefined {
  const candidates: ServiceType[] =
    preferred === "iMessage"
      ? ["iMessage"]
      : preferred === "RCS"
        ? ["RCS", "SMS"]
        : preferred === "SMS"
          ? ["SMS"]
          : ["iMessage", "RCS", "SMS"];
  return candidates.find((service) =>
    recipients.every((r) => supportsService(r.handle, r.best, service)),
  );
}
