/** Tiny builders for engine unit tests: live API objects, declarations, state. No I/O. */
import type {
  Chat,
  ChatHandle,
  ContactCard,
  Message,
  ParticipantStatus,
  ServiceType,
} from "../../src/api-wire/types.js";
import type {
  DesiredContactCard,
  DesiredDirectChat,
  DesiredGroupChat,
  DesiredState,
} from "../../src/sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import type {
  ChatResourceState,
  ContactCardResourceState,
  StateDocument,
} from "../../src/sync-engine/state/state-types.js";

export const LINE = "+12025550100";
export const A = "+14155550101";
export const B = "+14155550102";
export const C = "+14155550103";
export const D = "+14155550104";
export const E = "+14155550105";

let n = 0;
export function handle(
  h: string,
  opts: { me?: boolean; status?: ParticipantStatus; service?: ServiceType } = {},
): ChatHandle {
  return {
    id: `h-${++n}`,
    handle: h,
    joined_at: "2026-01-01T00:00:00.000Z",
    service: opts.service ?? "iMessage",
    is_me: opts.me ?? false,
    status: opts.status ?? "active",
    left_at: opts.status && opts.status !== "active" ? "2026-01-02T00:00:00.000Z" : null,
  };
}

export function liveChat(
  id: string,
  others: Array<string | [string, ParticipantStatus]>,
  opts: {
    group?: boolean;
    name?: string | null;
    icon?: string | null;
    service?: ServiceType;
    health?: Chat["health_status"]["status"];
    meStatus?: ParticipantStatus;
  } = {},
): Chat {
  return {
    id,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    display_name: opts.name === undefined ? null : opts.name,
    handles: [
      handle(LINE, { me: true, status: opts.meStatus ?? "active" }),
      ...others.map((o) => (typeof o === "string" ? handle(o) : handle(o[0], { status: o[1] }))),
    ],
    is_group: opts.group ?? others.length > 1,
    is_archived: false,
    health_status: {
      status: opts.health ?? "HEALTHY",
      doc_url: "https://docs.linqapp.com",
      updated_at: "2026-01-01T00:00:00.000Z",
    },
    group_chat_icon: opts.icon ?? null,
    service: opts.service ?? "iMessage",
  };
}

export function group(
  key: string,
  participants: string[],
  extra: Partial<DesiredGroupChat> = {},
): DesiredGroupChat {
  return {
    key,
    type: "group",
    from: LINE,
    participants: [...participants].sort(),
    roster: "authoritative",
    readd_left: false,
    welcome_message: "Welcome!",
    share_contact_card: false,
    prevent_destroy: false,
    on_delete: "leave",
    ...extra,
  };
}

export function direct(
  key: string,
  to: string,
  extra: Partial<DesiredDirectChat> = {},
): DesiredDirectChat {
  return {
    key,
    type: "direct",
    from: LINE,
    to,
    location_request: false,
    welcome_message: "Hi!",
    share_contact_card: false,
    prevent_destroy: false,
    on_delete: "leave",
    ...extra,
  };
}

export function desiredState(parts: Partial<DesiredState> = {}): DesiredState {
  return { version: 1, chats: {}, webhooks: {}, contact_cards: {}, ...parts };
}

export function chats(...list: Array<DesiredGroupChat | DesiredDirectChat>): DesiredState["chats"] {
  return Object.fromEntries(list.map((c) => [c.key, c]));
}

export function stateDoc(resources: StateDocument["resources"] = {}, serial = 3): StateDocument {
  return {
    format: "chatsync-state",
    version: 1,
    lineage: "lineage-1",
    serial,
    updated_at: "2026-01-01T00:00:00.000Z",
    resources,
  };
}

/** State for a chat created earlier from `d` with live id `id`. */
export function managedChat(
  id: string,
  d: DesiredGroupChat | DesiredDirectChat,
  extra: Partial<ChatResourceState> = {},
): ChatResourceState {
  return {
    kind: "chat",
    id,
    from: d.from,
    generation: 1,
    applied:
      d.type === "group"
        ? {
            type: "group",
            from: d.from,
            participants: d.participants,
            roster: d.roster,
            on_delete: d.on_delete,
            prevent_destroy: d.prevent_destroy,
            ...(d.display_name ? { display_name: d.display_name } : {}),
            ...(d.icon ? { icon: d.icon } : {}),
          }
        : {
            type: "direct",
            from: d.from,
            to: d.to,
            on_delete: d.on_delete,
            prevent_destroy: d.prevent_destroy,
          },
    intents: [],
    markers: {},
    ...extra,
  };
}

export function snapshot(parts: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    lines: [LINE],
    chats: {},
    webhooks: [],
    contact_cards: [],
    secret_files_present: {},
    interrupted_creates: {},
    unmanaged_chats: {},
    ...parts,
  };
}

/** A text message in chat `chatId`, as GET /v3/chats/{id}/messages lists it. */
export function textMessage(chatId: string, text: string, fromMe = true): Message {
  return {
    id: `m-${chatId}-${text.length}`,
    chat_id: chatId,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    delivery_status: "sent",
    is_from_me: fromMe,
    is_delivered: false,
    is_read: false,
    parts: [{ type: "text", value: text, reactions: null }],
  };
}

/** One line's contact card: its address, its declaration, the live card and the applied state. */
export const CARD_ADDRESS = "contact_card.+1" as const;
export const CARD: DesiredContactCard = { phone_number: "+1", first_name: "Ann", last_name: "Lee" };
export const liveCard = (extra: Partial<ContactCard> = {}): ContactCard => ({
  phone_number: "+1",
  first_name: "Ann",
  last_name: "Lee",
  is_active: true,
  ...extra,
});
export const appliedCard = (extra: Partial<DesiredContactCard> = {}): ContactCardResourceState => ({
  kind: "contact_card",
  applied: { ...CARD, ...extra },
});
