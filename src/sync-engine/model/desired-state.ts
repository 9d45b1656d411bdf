/**
 * The desired-state model: what the YAML loader and the CDK constructs both produce, after
 * defaults are applied and handles normalized. Field names follow the YAML format
 * (schemas/chatsync.schema.json) so the schema and these types can be checked against each
 * other. Plain data only: no classes, no functions, safe to serialize canonically.
 */

export type RosterPolicy = "authoritative" | "additive";
export type OnDelete = "leave" | "forget";

interface ChatCommon {
  /** Logical key (the `chats:` map key). Address: `chat.<key>`. */
  key: string;
  /** E.164 line the chat is sent from. */
  from: string;
  /** Text of the first message; required to create the chat (the API has no empty create). */
  welcome_message?: string;
  /** Share the line's contact card into the chat once. */
  share_contact_card: boolean;
  /** Refuse any plan that would leave or forget this chat. */
  prevent_destroy: boolean;
  /**
   * What removing the declaration does: leave the chat (when the API allows) or forget it.
   * Always "forget" on direct chats: the API cannot leave them (the loader warns if "leave"
   * was written). Built-in default when neither the chat nor `defaults` sets it: "forget".
   */
  on_delete: OnDelete;
}

export interface DesiredGroupChat extends ChatCommon {
  type: "group";
  display_name?: string;
  icon?: string;
  /** Normalized handles (E.164 or lower-cased email), sorted, never including `from`. */
  participants: string[];
  roster: RosterPolicy;
  /** Re-add declared participants who left on their own. */
  readd_left: boolean;
}

export interface DesiredDirectChat extends ChatCommon {
  type: "direct";
  /** Normalized recipient handle. */
  to: string;
  /** Ask the recipient to share their location, once (1:1 iMessage only). */
  location_request: boolean;
}

export type DesiredChat = DesiredGroupChat | DesiredDirectChat;

export interface DesiredWebhook {
  /** Logical key. Address: `webhook.<key>`. */
  key: string;
  target_url: string;
  /** Sorted, unique event names from the API's catalogue. */
  events: string[];
  /** Sorted E.164 lines; empty means every line. */
  phone_numbers: string[];
  active: boolean;
  /** Where the signing secret is written at creation (mode 0600), relative to the config file's folder, resolved to absolute by the loader. */
  secret_file?: string;
}

export interface DesiredContactCard {
  /** E.164 line. Address: `contact_card.<phone_number>`. */
  phone_number: string;
  first_name: string;
  last_name?: string;
  image_url?: string;
}

/**
 * An existing live object to record under a declared address (SPEC §5a `imports:`): a chat id,
 * a webhook subscription id, or for `contact_card.<line>` the line itself.
 */
export interface DesiredImport {
  to: Address;
  id: string;
}

/** A state address re-keyed without touching the account (SPEC §5a `moved:`). */
export interface DesiredMove {
  from: Address;
  to: Address;
}

export interface DesiredState {
  version: 1;
  chats: Record<string, DesiredChat>;
  webhooks: Record<string, DesiredWebhook>;
  contact_cards: Record<string, DesiredContactCard>;
  /** Sorted by `to`; absent when empty, so a manifest without imports keeps its bytes. */
  imports?: DesiredImport[];
  /** Sorted by `from`; absent when empty. */
  moved?: DesiredMove[];
}

export type Address = `chat.${string}` | `webhook.${string}` | `contact_card.${string}`;

export const chatAddress = (key: string): Address => `chat.${key}`;
export const webhookAddress = (key: string): Address => `webhook.${key}`;
export const contactCardAddress = (phone: string): Address => `contact_card.${phone}`;
