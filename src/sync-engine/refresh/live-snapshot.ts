/**
 * What a refresh read from the live account: the input the pure diff compares with the
 * desired state and the last-applied state.
 */
import type { Chat, ContactCard, WebhookSubscription } from "../../api-wire/types.js";
import type { CreatedChatMatch } from "./find-created-chat.js";

export interface LiveSnapshot {
  /** E.164 lines the token may send from (GET /v3/phone_numbers). */
  lines: string[];
  /** Managed chats by live id; null means the API answered 404 (the chat no longer exists). */
  chats: Record<string, Chat | null>;
  webhooks: WebhookSubscription[];
  contact_cards: ContactCard[];
  /** For every declared `secret_file`: whether the file exists (a missing one forces a new subscription, see diff-webhooks). */
  secret_files_present: Record<string, boolean>;
  /**
   * For every chat address with an interrupted create (journaled, no live id): the chat that
   * create made, found on its line (see find-created-chat), or null when there is none.
   */
  interrupted_creates: Record<string, CreatedChatMatch | null>;
  /**
   * Every chat on the lines where a create may be planned (RefreshInput.listLines) that the
   * state does not manage, by line: what a new declaration may duplicate, or adopt.
   */
  unmanaged_chats: Record<string, Chat[]>;
}

export function emptySnapshot(): LiveSnapshot {
  return {
    lines: [],
    chats: {},
    webhooks: [],
    contact_cards: [],
    secret_files_present: {},
    interrupted_creates: {},
    unmanaged_chats: {},
  };
}
