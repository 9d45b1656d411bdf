/**
 * Synthetic input for the pure diff (`buildPlan`): N managed group chats where desired state,
 * last-applied state and the live account agree, except every `changeEvery`-th chat, which was
 * renamed outside chatsync and gets one more declared participant — so the diff has real work
 * (drift + roster change) and the benchmark can check it found exactly that many changes.
 */
import type { Chat, ChatHandle } from "../api-wire/types.js";
import type { DesiredGroupChat, DesiredState } from "../sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../sync-engine/refresh/live-snapshot.js";
import type { ChatResourceState, StateDocument } from "../sync-engine/state/state-types.js";
import { newStateDocument } from "../sync-engine/state/state-store.js";

export interface SyntheticPlanInput {
  desired: DesiredState;
  live: LiveSnapshot;
  state: StateDocument;
  /** How many chats were made to differ. */
  changed: number;
}

const LINE = "+12025550100";
const STAMP = "2026-01-01T00:00:00.000Z";

function handle(id: string, h: string, isMe = false): ChatHandle {
  return {
    id,
    handle: h,
    joined_at: STAMP,
    service: "iMessage",
    is_me: isMe,
    left_at: null,
    status: "active",
  };
}

export function syntheticPlanInput(count: number, changeEvery = 10): SyntheticPlanInput {
  const desired: DesiredState = { version: 1, chats: {}, webhooks: {}, contact_cards: {} };
  const live: LiveSnapshot = {
    lines: [LINE],
    chats: {},
    webhooks: [],
    contact_cards: [],
    secret_files_present: {},
    interrupted_creates: {},
    unmanaged_chats: {},
  };
  const state = newStateDocument(new Date(STAMP));
  let changed = 0;
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(5, "0");
    const key = `room-${n}`;
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const members = [`+141560${n}`, `+141570${n}`, `+141580${n}`].sort();
    const name = `Room ${n}`;
    const drifted = changeEvery > 0 && i % changeEvery === 0;
    if (drifted) changed += 1;
    const declaredMembers = drifted ? [...members, `+141590${n}`].sort() : members;
    const chat: DesiredGroupChat = {
      key,
      type: "group",
      from: LINE,
      welcome_message: `Welcome to ${name}.`,
      share_contact_card: false,
      prevent_destroy: false,
      on_delete: "leave",
      display_name: name,
      participants: declaredMembers,
      roster: "authoritative",
      readd_left: false,
    };
    desired.chats[key] = chat;
    const resource: ChatResourceState = {
      kind: "chat",
      id,
      from: LINE,
      generation: 1,
      applied: {
        type: "group",
        from: LINE,
        participants: members,
        display_name: name,
        roster: "authoritative",
        on_delete: "leave",
        prevent_destroy: false,
      },
      intents: [],
      markers: {},
    };
    state.resources[`chat.${key}`] = resource;
    const liveChat: Chat = {
      id,
      created_at: STAMP,
      updated_at: STAMP,
      display_name: drifted ? `${name} (renamed on a phone)` : name,
      handles: [handle(`${id}-me`, LINE, true), ...members.map((m, j) => handle(`${id}-${j}`, m))],
      is_group: true,
      is_archived: false,
      health_status: { status: "HEALTHY", doc_url: "https://docs.linqapp.com/", updated_at: STAMP },
      group_chat_icon: null,
      service: "iMessage",
    };
    live.chats[id] = liveChat;
  }
  return { desired, live, state, changed };
}
