/**
 * The Linq Partner API v3 wire format (shapes as they travel over HTTP), per
 * ../shared/linq-api-v3.md. This is the ONLY thing the emulator and the sync engine share:
 * the engine never imports the emulator, and the emulator never imports the engine.
 */

export type ServiceType = "iMessage" | "SMS" | "RCS";
export type HealthStatus = "HEALTHY" | "AT_RISK" | "CRITICAL" | "OPTED_OUT";
export type ParticipantStatus = "active" | "left" | "removed";

/** §4.3 */
export interface ChatHandle {
  id: string;
  handle: string;
  joined_at: string;
  service: ServiceType;
  is_me?: boolean | null;
  left_at?: string | null;
  status?: ParticipantStatus | null;
}

export interface ChatHealthStatus {
  status: HealthStatus;
  doc_url: string;
  updated_at: string;
}

/** §4.4 */
export interface Chat {
  id: string;
  created_at: string;
  updated_at: string;
  display_name: string | null;
  handles: ChatHandle[];
  is_group: boolean;
  is_archived: boolean;
  health_status: ChatHealthStatus;
  group_chat_icon?: string | null;
  service?: ServiceType | null;
}

export type DeliveryStatus =
  "pending" | "queued" | "sent" | "delivered" | "received" | "read" | "failed";

export interface MessageEffect {
  type?: "screen" | "bubble";
  name?: string;
}

export interface ReplyTo {
  message_id: string;
  part_index?: number;
}

export interface TextDecoration {
  range: [number, number];
  style?: "bold" | "italic" | "strikethrough" | "underline";
  animation?: "big" | "small" | "shake" | "nod" | "explode" | "ripple" | "bloom" | "jitter";
}

/** §7.2 request parts */
export type RequestPart =
  | { type: "text"; value: string; text_decorations?: TextDecoration[] }
  | { type: "media"; url?: string; attachment_id?: string }
  | { type: "link"; value: string }
  | {
      type: "imessage_app";
      app: { bundle_id: string; name: string; team_id: string; app_store_id?: string };
      layout: Record<string, string | undefined>;
      fallback_text?: string;
      interactive?: boolean;
      url?: string;
    };

/** §7.1 */
export interface MessageContent {
  parts: RequestPart[];
  effect?: MessageEffect;
  idempotency_key?: string;
  preferred_service?: ServiceType;
  reply_to?: ReplyTo;
}

/** §4.6 response parts (subset the product uses; media/app carry more fields on the wire). */
export type ResponsePart =
  | {
      type: "text";
      value: string;
      reactions: unknown[] | null;
      text_decorations?: TextDecoration[] | null;
    }
  | { type: "link"; value: string; reactions: unknown[] | null }
  | {
      type: "media";
      id: string;
      filename: string;
      mime_type: string;
      size_bytes: number;
      url: string;
      reactions: unknown[] | null;
    }
  | { type: "imessage_app"; [k: string]: unknown };

/** §4.5 SentMessage */
export interface SentMessage {
  id: string;
  created_at: string;
  delivery_status: DeliveryStatus;
  is_read: boolean;
  parts: ResponsePart[];
  sent_at: string | null;
  delivered_at?: string | null;
  effect?: MessageEffect | null;
  from_handle?: ChatHandle | null;
  preferred_service?: ServiceType | null;
  reply_to?: ReplyTo | null;
  service?: ServiceType | null;
}

/** §4.5 Message */
export interface Message {
  id: string;
  chat_id: string;
  created_at: string;
  updated_at: string;
  delivery_status: DeliveryStatus;
  is_from_me: boolean;
  is_delivered: boolean;
  is_read: boolean;
  delivered_at?: string | null;
  read_at?: string | null;
  sent_at?: string | null;
  effect?: MessageEffect | null;
  from?: string | null;
  from_handle?: ChatHandle | null;
  parts?: ResponsePart[] | null;
  preferred_service?: ServiceType | null;
  reply_to?: ReplyTo | null;
  service?: ServiceType | null;
}

/** §5.1.1 request / response */
export interface CreateChatRequest {
  from: string;
  to: string[];
  message: MessageContent;
}
export interface CreateChatResponse {
  chat: {
    id: string;
    display_name: string | null;
    service: ServiceType | null;
    is_group: boolean;
    handles: ChatHandle[];
    health_status: ChatHealthStatus;
    message: SentMessage;
  };
}

export interface ListChatsResponse {
  chats: Chat[];
  next_cursor: string | null;
}

/** §5.1.4 */
export interface UpdateChatRequest {
  display_name?: string;
  group_chat_icon?: string;
}
export interface UpdateChatResponse {
  chat_id?: string;
  status?: string;
}

/** §5.1.6, §5.2 queued-operation acknowledgement */
export interface QueuedResponse {
  message?: string;
  status?: string;
  trace_id?: string;
}

export interface SendMessageResponse {
  chat_id: string;
  message: SentMessage;
}

export interface ListMessagesResponse {
  messages: Message[];
  next_cursor: string | null;
}

/** §5.5.1 POST /v3/messages (auto-from send) */
export type FromSelectionReason = "reused_active_chat" | "new_best_number" | "failover_flagged";
export interface AutoFromSendRequest {
  to: string[];
  message: MessageContent;
  continuation_message?: { text: string };
}
export interface AutoFromSendResponse {
  chat_id: string;
  created_new_chat: boolean;
  from: string;
  from_selection: { reason: FromSelectionReason; reused_existing_chat: boolean };
  handles: ChatHandle[];
  is_group: boolean;
  message: SentMessage;
  service: ServiceType;
  previous_chat_id?: string | null;
}

/** §5.5.3 PATCH /v3/messages/{id} */
export interface EditMessageRequest {
  text: string;
  part_index?: number;
}

/** §4.6 Reaction and §5.5.5 POST /v3/messages/{id}/reactions */
export const REACTION_TYPES = [
  "love",
  "like",
  "dislike",
  "laugh",
  "emphasize",
  "question",
  "custom",
  "sticker",
] as const;
export type ReactionType = (typeof REACTION_TYPES)[number];
export interface Reaction {
  handle: ChatHandle;
  is_me: boolean;
  type: ReactionType;
  custom_emoji?: string | null;
  sticker?: {
    file_name?: string;
    height?: number;
    width?: number;
    mime_type?: string;
    url?: string;
  } | null;
}
export interface ReactionRequest {
  operation: "add" | "remove";
  type: ReactionType;
  custom_emoji?: string;
  part_index?: number;
}

/** §5.5.7 POST /v3/messages/{id}/update */
export interface UpdateAppCardRequest {
  layout: Record<string, string | undefined>;
  fallback_text?: string;
  interactive?: boolean;
  url?: string;
}

/** §5.6 */
export interface LocationRequestResponse {
  success: boolean;
  message: string;
}
export interface LocationFeature {
  type: "Feature";
  geometry: { type: "Point"; coordinates: number[] };
  properties: { handle: string; address?: string; locality?: string; updated_at?: string };
}
export interface LocationResponse {
  success: boolean;
  data: { type: "FeatureCollection"; features: LocationFeature[] };
}

/** §5.7 */
export interface WebhookSubscription {
  id: string;
  target_url: string;
  subscribed_events: WebhookEventType[];
  is_active: boolean;
  phone_numbers?: string[] | null;
  created_at: string;
  updated_at: string;
}
export interface CreatedWebhookSubscription extends WebhookSubscription {
  signing_secret: string;
}
export interface CreateWebhookSubscriptionRequest {
  target_url: string;
  subscribed_events: WebhookEventType[];
  phone_numbers?: string[];
}
export interface UpdateWebhookSubscriptionRequest {
  target_url?: string;
  subscribed_events?: WebhookEventType[];
  is_active?: boolean;
  phone_numbers?: string[] | null;
}
export interface ListWebhookSubscriptionsResponse {
  subscriptions: WebhookSubscription[];
}
export interface ListWebhookEventsResponse {
  doc_url: string;
  events: WebhookEventType[];
}

/** §5.9 */
export interface ContactCard {
  phone_number: string;
  first_name: string;
  is_active: boolean;
  last_name?: string | null;
  image_url?: string | null;
}
export interface ListContactCardsResponse {
  contact_cards: ContactCard[];
}
export interface CreateContactCardRequest {
  phone_number: string;
  first_name: string;
  last_name?: string;
  image_url?: string;
}
export interface UpdateContactCardRequest {
  first_name?: string;
  last_name?: string;
  image_url?: string;
}

/** §5.10 */
export interface PhoneNumber {
  id: string;
  phone_number: string;
  reputation: { status: "HEALTHY" | "AT_RISK" | "CRITICAL"; doc_url: string };
  health_status: { status: "HEALTHY" | "AT_RISK" | "CRITICAL"; doc_url: string };
  forwarding_number: string | null;
}
export interface ListPhoneNumbersResponse {
  phone_numbers: PhoneNumber[];
}

/** §5.12 */
export interface CapabilityResponse {
  address: string;
  available: boolean;
}

/** §2.1 */
export interface ErrorEnvelope {
  success: false;
  error: {
    status: number;
    code: number;
    message: string;
    doc_url?: string;
    retry_after?: number;
  };
  trace_id: string;
}

/** §9.6 */
export interface WebhookEnvelope<T = unknown> {
  api_version: "v3";
  webhook_version: string;
  event_type: WebhookEventType;
  event_id: string;
  created_at: string;
  trace_id: string;
  partner_id: string;
  data: T;
}

import type { WebhookEventType } from "./event-types.js";
export type { WebhookEventType };
