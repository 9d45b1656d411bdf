/**
 * Named groups of webhook event types, so a subscription lists the catalogue's spellings
 * instead of hand-typed strings. Built from the shared catalogue (`WEBHOOK_EVENT_TYPES`), so a
 * group can never name an event the API (and the validator) does not know.
 */
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../api-wire/event-types.js";

function startingWith(prefix: string): readonly WebhookEventType[] {
  return Object.freeze(WEBHOOK_EVENT_TYPES.filter((e) => e.startsWith(prefix)));
}

export const WebhookEvents = {
  /** `location.sharing.started` and `location.sharing.stopped`. */
  LOCATION: startingWith("location.sharing."),
  /** Every `message.*` event (sent, received, read, delivered, failed, edited). */
  MESSAGES: startingWith("message."),
  /** `participant.added` and `participant.removed`. */
  PARTICIPANTS: startingWith("participant."),
  /** Every `chat.*` event (created, renamed, icon changes, typing indicators). */
  CHATS: startingWith("chat."),
  /** Every `call.*` event. */
  CALLS: startingWith("call."),
  /** The whole catalogue (§9.1). */
  ALL: Object.freeze([...WEBHOOK_EVENT_TYPES]) as readonly WebhookEventType[],
} as const;
