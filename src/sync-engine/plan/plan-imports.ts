/**
 * `imports:` (SPEC §5a), one function per kind of object. Each decides whether an import is
 * still to be recorded, refuses one that cannot be (named with both sides: the address and the
 * live id), and hands the diff the state the address will have once it is recorded, so the plan
 * shows the import followed by whatever makes the live object match. Pure.
 */
import type { Chat, ContactCard, WebhookSubscription } from "../../api-wire/types.js";
import type {
  Address,
  DesiredChat,
  DesiredContactCard,
  DesiredWebhook,
} from "../model/desired-state.js";
import {
  retiredWithout,
  type ChatResourceState,
  type ContactCardResourceState,
  type WebhookResourceState,
} from "../state/state-types.js";
import { liveSummary, type DiffOutcome } from "./diff-chats.js";
import { withStateOnlyStep } from "./plan-moves.js";
import { viewChat } from "./live-chat-view.js";
import type { PlanMessage, Step } from "./plan-types.js";

/** Nothing to record (already done); an error; or the state to diff from and the step. */
export type ImportVerdict<S> =
  | { kind: "none" }
  | { kind: "error"; error: PlanMessage }
  | {
      kind: "import";
      state: S;
      step: Step;
      before: Record<string, unknown> | null;
      /** The live object's id (a contact card has none). */
      liveId?: string;
    };

const NONE = { kind: "none" } as const;

function refuse<S>(address: Address, id: string, why: string): ImportVerdict<S> {
  return {
    kind: "error",
    error: { address, message: `imports: ${address} ← ${id}: ${why}. Nothing was written.` },
  };
}

function meOf(chat: Chat): string | undefined {
  return chat.handles.find((h) => h.is_me === true)?.handle;
}

export function planChatImport(input: {
  address: Address;
  id: string;
  desired: DesiredChat;
  state: ChatResourceState | undefined;
  /** The live chat `id` (null: the API answered 404; undefined: not read). */
  live: Chat | null | undefined;
  /** The address whose state holds `id` (current or retired), if any. */
  managedBy: string | undefined;
  usedGeneration: number;
}): ImportVerdict<ChatResourceState> {
  const { address, id, desired: d, state: st, live } = input;
  if (st?.id === id) return NONE;
  if (st?.id)
    return refuse(
      address,
      id,
      `${address} already manages chat ${st.id}; drop the imports entry, or forget that chat first (chatsync state rm ${address})`,
    );
  if (input.managedBy && input.managedBy !== address)
    return refuse(
      address,
      id,
      `chat ${id} is already managed as ${input.managedBy}; one live chat belongs to one address (use moved: to rename ${input.managedBy})`,
    );
  if (!live)
    return refuse(
      address,
      id,
      `chat ${id} does not exist on this account (or this token cannot see it); check the id with chatsync export`,
    );
  const line = meOf(live);
  if (line !== undefined && line !== d.from)
    return refuse(
      address,
      id,
      `chat ${id} is on line ${line}, but ${address} declares from: ${d.from}; a chat cannot change line`,
    );
  if (live.is_group !== (d.type === "group"))
    return refuse(
      address,
      id,
      `chat ${id} is ${live.is_group ? "a group" : "a direct chat"}, but ${address} is declared as type: ${d.type}; a chat cannot change type`,
    );
  const view = viewChat(live, d.from);
  if (d.type === "direct") {
    const other = view.active[0] ?? [...view.left][0];
    if (other !== undefined && other !== d.to)
      return refuse(
        address,
        id,
        `chat ${id} is with ${other}, but ${address} declares to: ${d.to}; a direct chat cannot change recipient`,
      );
  }
  return {
    kind: "import",
    state: {
      kind: "chat",
      id,
      from: d.from,
      generation: Math.max(st?.generation ?? 0, input.usedGeneration),
      intents: [],
      markers: {},
      // The chats this address replaced are still left or forgotten, in this same run; except
      // the one imported back, which is current again (record-state-only.ts drops it too).
      ...retiredWithout(st?.retired, id),
    },
    step: {
      op: "import_chat",
      chat_id: id,
      from: d.from,
      reason: `imports: an existing chat (created ${live.created_at}) is recorded, not created`,
    },
    before: liveSummary(live, view),
    liveId: id,
  };
}

export function planWebhookImport(input: {
  address: Address;
  id: string;
  desired: DesiredWebhook;
  state: WebhookResourceState | undefined;
  live: readonly WebhookSubscription[];
  managedBy: string | undefined;
}): ImportVerdict<WebhookResourceState> {
  const { address, id, state: st } = input;
  if (st?.id === id) return NONE;
  if (st?.id)
    return refuse(
      address,
      id,
      `${address} already manages subscription ${st.id}; drop the imports entry, or forget it first (chatsync state rm ${address})`,
    );
  if (input.managedBy && input.managedBy !== address)
    return refuse(address, id, `subscription ${id} is already managed as ${input.managedBy}`);
  const live = input.live.find((w) => w.id === id);
  if (!live)
    return refuse(
      address,
      id,
      `no webhook subscription ${id} exists on this account; check the id with chatsync export`,
    );
  return {
    kind: "import",
    // Whoever made the subscription holds its signing secret (see WebhookResourceState.secret).
    state: { kind: "webhook", id, secret: "adopted" },
    step: {
      op: "import_webhook",
      webhook_id: id,
      reason: `imports: existing subscription for ${live.target_url} is recorded, not created`,
    },
    before: {
      target_url: live.target_url,
      events: live.subscribed_events,
      active: live.is_active,
    },
    liveId: id,
  };
}

export function planContactCardImport(input: {
  address: Address;
  desired: DesiredContactCard;
  state: ContactCardResourceState | undefined;
  live: ContactCard | undefined;
}): ImportVerdict<ContactCardResourceState> {
  const { address, desired: d } = input;
  if (input.state) return NONE;
  if (!input.live)
    return refuse(
      address,
      d.phone_number,
      `line ${d.phone_number} has no contact card to import; drop the imports entry and chatsync creates it`,
    );
  return {
    kind: "import",
    state: { kind: "contact_card" },
    step: {
      op: "import_contact_card",
      phone_number: d.phone_number,
      reason: "imports: the line's existing contact card is recorded, not created",
    },
    before: { ...input.live },
  };
}

/** The diff's outcome for an address, with the import step (when there is one) in front. */
export function afterImport(
  out: DiffOutcome,
  verdict: ImportVerdict<unknown> | undefined,
  address: Address,
  kind: "chat" | "webhook" | "contact_card",
): DiffOutcome {
  if (verdict?.kind !== "import") return out;
  return withStateOnlyStep(out, verdict.step, {
    address,
    kind,
    action: "import",
    before: verdict.before,
    ...(verdict.liveId !== undefined ? { liveId: verdict.liveId } : {}),
    after: null,
  });
}
