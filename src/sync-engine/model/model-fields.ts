/**
 * The field names of each desired-state type, as runtime lists that the compiler proves
 * complete. A test compares them with schemas/chatsync.schema.json, so a field added to the
 * schema or to a type, but not to both, fails the build or the tests.
 */
import type {
  DesiredChat,
  DesiredContactCard,
  DesiredDirectChat,
  DesiredGroupChat,
  DesiredWebhook,
  OnDelete,
  RosterPolicy,
} from "./desired-state.js";

/** True when A and B are the same union of string literals. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** Fields every chat has, whatever its type. */
export const CHAT_COMMON_FIELDS = [
  "key",
  "type",
  "from",
  "welcome_message",
  "share_contact_card",
  "prevent_destroy",
  "on_delete",
] as const;
export const GROUP_CHAT_FIELDS = [
  ...CHAT_COMMON_FIELDS,
  "display_name",
  "icon",
  "participants",
  "roster",
  "readd_left",
] as const;
export const DIRECT_CHAT_FIELDS = [...CHAT_COMMON_FIELDS, "to", "location_request"] as const;
export const WEBHOOK_FIELDS = [
  "key",
  "target_url",
  "events",
  "phone_numbers",
  "active",
  "secret_file",
] as const;
export const CONTACT_CARD_FIELDS = [
  "phone_number",
  "first_name",
  "last_name",
  "image_url",
] as const;

/** The values of the model's enumerations, compared with the schema's `enum`s by a test. */
export const CHAT_TYPES = ["group", "direct"] as const;
export const ROSTER_POLICIES = ["authoritative", "additive"] as const;
export const ON_DELETE_CHOICES = ["leave", "forget"] as const;

/**
 * Model fields that come from the map key rather than from a property of the entry
 * (`chats.<key>`, `webhooks.<key>`, `contact_cards.<phone>`).
 */
export const FIELDS_FROM_MAP_KEY = {
  chat: ["key"],
  webhook: ["key"],
  contact_card: ["phone_number"],
} as const;

// Compile-time proofs that each list names every field of its type, and nothing else.
export type GroupChatFieldsComplete = Assert<
  SameKeys<(typeof GROUP_CHAT_FIELDS)[number], keyof DesiredGroupChat>
>;
export type DirectChatFieldsComplete = Assert<
  SameKeys<(typeof DIRECT_CHAT_FIELDS)[number], keyof DesiredDirectChat>
>;
export type WebhookFieldsComplete = Assert<
  SameKeys<(typeof WEBHOOK_FIELDS)[number], keyof DesiredWebhook>
>;
export type ContactCardFieldsComplete = Assert<
  SameKeys<(typeof CONTACT_CARD_FIELDS)[number], keyof DesiredContactCard>
>;
export type ChatTypesComplete = Assert<SameKeys<(typeof CHAT_TYPES)[number], DesiredChat["type"]>>;
export type RosterPoliciesComplete = Assert<
  SameKeys<(typeof ROSTER_POLICIES)[number], RosterPolicy>
>;
export type OnDeleteChoicesComplete = Assert<
  SameKeys<(typeof ON_DELETE_CHOICES)[number], OnDelete>
>;
