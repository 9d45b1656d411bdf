/**
 * The state file's shape (version 1). The state is chatsync's memory: which live object
 * belongs to which address, what was last applied (so drift can be told apart from declared
 * changes), and a journal of writes whose outcome is not known yet. It never holds the API
 * token or a webhook signing secret.
 */
import type { OnDelete, RosterPolicy } from "../model/desired-state.js";

export const STATE_FORMAT = "chatsync-state";
export const STATE_VERSION = 1;

/** Changes the API queues (202) and chatsync confirms by reading the chat back. */
export const QUEUED_CHANGE_PURPOSES = [
  "add_participant",
  "remove_participant",
  "rename_chat",
  "set_chat_icon",
  "leave_chat",
] as const;
export type QueuedChangePurpose = (typeof QUEUED_CHANGE_PURPOSES)[number];

/** Why a write was journaled before it was sent. */
export type IntentPurpose =
  "create_chat" | "share_contact_card" | "request_location" | QueuedChangePurpose;

export function isQueuedChange(purpose: IntentPurpose): purpose is QueuedChangePurpose {
  return (QUEUED_CHANGE_PURPOSES as readonly string[]).includes(purpose);
}

/** A write that was sent (or about to be) and whose outcome is not recorded yet. */
export interface Intent {
  purpose: IntentPurpose;
  /** Generation of the chat the intent belongs to. */
  generation: number;
  /** The `message.idempotency_key` sent with the write, when the write carries one. */
  idempotency_key?: string;
  /** For a create: the exact request sent, replayed unchanged on resume (a key repeated with another body is refused). */
  request?: { from: string; to: string[]; welcome_message: string };
  /** For a queued change: what it changes (the handle, the name, the icon, the chat left). */
  detail?: string;
  started_at: string;
  /** For a queued change: when the API accepted it. Unset: the outcome is unknown. */
  accepted_at?: string;
}

/** The declared spec of a chat as it was confirmed on the live account. */
export interface AppliedChat {
  type: "group" | "direct";
  from: string;
  /** Group: the declared participants that a read confirmed. */
  participants?: string[];
  /** Direct: the recipient. */
  to?: string;
  display_name?: string;
  icon?: string;
  roster?: RosterPolicy;
  on_delete: OnDelete;
  prevent_destroy: boolean;
}

/** A chat that was replaced and still has to be left (or forgotten). */
export interface RetiredChat {
  id: string;
  on_delete: OnDelete;
  retired_at: string;
}

export interface ChatResourceState {
  kind: "chat";
  /** Live chat id; absent until a create is confirmed. */
  id?: string;
  /** The line the live chat lives on. */
  from?: string;
  /** Counts creations for this address; part of every idempotency key, so a replacement never replays the old chat. */
  generation: number;
  applied?: AppliedChat;
  intents: Intent[];
  /** One-shot sends already made for the current generation, with when (or "interrupted" when a crash left the outcome unknown). */
  markers: {
    contact_card_shared?: string;
    location_requested?: string;
  };
  retired?: RetiredChat[];
}

export interface AppliedWebhook {
  target_url: string;
  events: string[];
  phone_numbers: string[];
  active: boolean;
  secret_file?: string;
}

export interface WebhookResourceState {
  kind: "webhook";
  id?: string;
  applied?: AppliedWebhook;
  /** Journaled before the create call; cleared once its response (and id) is recorded. */
  pending_create?: { target_url: string; started_at: string };
  /**
   * Who holds the signing secret of subscription `id`: "written" — chatsync wrote it to
   * secret_file; "adopted" — the subscription existed before chatsync managed it, so whoever
   * made it has the secret. Unset with an id: the run died before the secret was written.
   */
  secret?: "written" | "adopted";
}

export interface AppliedContactCard {
  phone_number: string;
  first_name: string;
  last_name?: string;
  image_url?: string;
}

export interface ContactCardResourceState {
  kind: "contact_card";
  applied?: AppliedContactCard;
}

export type ResourceState = ChatResourceState | WebhookResourceState | ContactCardResourceState;

/** The account a state describes (SPEC §6a), recorded when the state is first written. */
export interface StateAccount {
  /** The API base URL, without credentials. */
  endpoint: string;
  /** The account's lines (GET /v3/phone_numbers), sorted. */
  lines: string[];
  recorded_at: string;
}

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** Random id made when the state is created; part of every idempotency key so two repositories never collide. */
  lineage: string;
  /** Bumped on every write. */
  serial: number;
  updated_at: string;
  resources: Record<string, ResourceState>;
  /**
   * The highest chat generation ever used per address, kept when the address is forgotten or
   * left: a re-declared address continues from it, so it never reuses an idempotency key (which
   * would make the API answer with the old chat).
   */
  generations?: Record<string, number>;
  /** Whose account this is; absent in a state written before binding existed (recorded on its next write). */
  account?: StateAccount;
}

/** A chat state's retired generations without `id`, as stored: absent when none remain. */
export function retiredWithout(
  retired: RetiredChat[] | undefined,
  id: string,
): Pick<ChatResourceState, "retired"> {
  const rest = (retired ?? []).filter((r) => r.id !== id);
  return rest.length > 0 ? { retired: rest } : {};
}

/** Every live chat id the state holds (current and retired generations). */
export function managedChatIds(doc: StateDocument): Set<string> {
  const ids = new Set<string>();
  for (const r of Object.values(doc.resources)) {
    if (r.kind !== "chat") continue;
    if (r.id) ids.add(r.id);
    for (const old of r.retired ?? []) ids.add(old.id);
  }
  return ids;
}
