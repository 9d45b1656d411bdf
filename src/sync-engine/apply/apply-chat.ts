/**
 * Carrying out one chat change: every step in plan order, journaled to state before and after
 * each write, so an apply killed at any instant resumes without a duplicate chat, welcome
 * message or one-shot send.
 *
 * - create: the intent (with its idempotency key and exact request) is committed before the
 *   call. Whether the key also deduplicates chat creation is UNSETTLED (§12.1), so a create
 *   whose outcome is unknown is never simply sent again: after a lost answer or a 5xx in this
 *   run, and after a crash (the refresh does it, and the plan shows `adopt_chat`), chatsync
 *   first looks on the line for the chat that create made (find-created-chat) and records it;
 *   only when there is none is the journaled request replayed, with the same key.
 * - one-shot sends (share contact card, location request) are at-most-once: the intent is
 *   committed first; if a crash leaves it pending, the next plan records it as done and never
 *   sends again.
 * - queued changes (add, remove, rename, icon, leave) are journaled before the call and marked
 *   accepted after it; they are confirmed by reading the chat back before the declaration is
 *   recorded as last-applied, and only then leave the journal. A run that dies in between
 *   leaves them there: the next plan says so and starts from what the live chat shows.
 */
import type { ServiceType } from "../../api-wire/types.js";
import type { Address } from "../model/desired-state.js";
import type { LinqApi } from "../client/linq-api.js";
import { withoutKind, type ResourceChange, type Step } from "../plan/plan-types.js";
import { findCreatedChat, type JournaledCreate } from "../refresh/find-created-chat.js";
import { deriveIdempotencyKey } from "../state/idempotency-key.js";
import {
  isQueuedChange,
  retiredWithout,
  type AppliedChat,
  type ChatResourceState,
  type Intent,
  type QueuedChangePurpose,
} from "../state/state-types.js";
import { isApiError, runSteps, type ApplyContext } from "./apply-context.js";
import { confirmChat, isEmptyExpectation, type ChatExpectation } from "./confirm-chat.js";

export type ChatApplyApi = Pick<
  LinqApi,
  | "createChat"
  | "getChat"
  | "addParticipant"
  | "removeParticipant"
  | "updateChat"
  | "leaveChat"
  | "shareContactCard"
  | "requestLocation"
  | "listChatsPage"
  | "listMessagesPage"
>;

function appliedOf(change: ResourceChange): AppliedChat | undefined {
  if (change.after?.kind !== "chat") return undefined;
  return withoutKind(change.after);
}

async function oneShot(
  ctx: ApplyContext,
  address: string,
  res: ChatResourceState,
  purpose: "share_contact_card" | "request_location",
  send: () => Promise<unknown>,
): Promise<void> {
  res.intents.push({ purpose, generation: res.generation, started_at: ctx.now().toISOString() });
  await ctx.store.commit(address);
  await send();
  res.intents = res.intents.filter((i) => i.purpose !== purpose);
  if (purpose === "share_contact_card") res.markers.contact_card_shared = ctx.now().toISOString();
  else res.markers.location_requested = ctx.now().toISOString();
  await ctx.store.commit(address);
}

export async function applyChatChange(
  api: ChatApplyApi,
  change: ResourceChange,
  ctx: ApplyContext,
): Promise<void> {
  const { address } = change;
  const res = ctx.store.chat(address);
  const after = appliedOf(change);
  let chatId = res.id;
  let service: string | null | undefined;
  const expect: ChatExpectation = { add: [], remove: [] };

  /** The address now has chat `id` (created or found) for `step.generation`. */
  const recordNewChat = async (
    id: string,
    step: { from: string; to: string[]; generation: number },
  ): Promise<void> => {
    ctx.claimedChatIds.add(id);
    res.id = id;
    res.from = step.from;
    res.generation = step.generation;
    // Intents of older generations belonged to chats this address no longer uses.
    res.intents = res.intents.filter(
      (i) => i.purpose !== "create_chat" && i.generation === step.generation,
    );
    res.markers = {};
    if (after) {
      // The roster came with the create; name and icon are recorded once a read shows them.
      const base: AppliedChat = { ...after };
      delete base.display_name;
      delete base.icon;
      res.applied = { ...base, ...(after.type === "group" ? { participants: step.to } : {}) };
    }
    await ctx.store.commit(address);
    chatId = id;
  };

  /**
   * Journals a queued change before the call and marks it accepted after. A refusal (4xx)
   * removes it again — nothing was queued. An unknown outcome leaves it unaccepted and fails
   * the address, unless the read-back can settle it (`lostAnswerIsOk`, for a lost answer).
   */
  const queued = async (
    purpose: QueuedChangePurpose,
    detail: string,
    call: () => Promise<unknown>,
    opts: { lostAnswerIsOk?: boolean } = {},
  ): Promise<Intent> => {
    const intent: Intent = {
      purpose,
      generation: res.generation,
      detail,
      started_at: ctx.now().toISOString(),
    };
    res.intents.push(intent);
    await ctx.store.commit(address);
    try {
      await call();
    } catch (err) {
      if (refused(err)) {
        res.intents = res.intents.filter((i) => i !== intent);
        await ctx.store.commit(address);
        throw err;
      }
      if (opts.lostAnswerIsOk && (err as { maybeCommitted?: unknown }).maybeCommitted === true) {
        return intent;
      }
      throw err;
    }
    intent.accepted_at = ctx.now().toISOString();
    await ctx.store.commit(address);
    return intent;
  };

  const run = async (step: Step): Promise<void> => {
    switch (step.op) {
      case "create_chat": {
        // The chat being replaced is remembered until it is left or forgotten, even across a
        // crash; a chat that no longer exists is dropped. Either way the address has no live id
        // until this create is recorded, so a rerun resumes the journaled create (same key).
        if (res.id) {
          if (change.action === "replace") {
            res.retired = [
              ...(res.retired ?? []).filter((r) => r.id !== res.id),
              {
                id: res.id,
                on_delete: after?.on_delete ?? "leave",
                retired_at: ctx.now().toISOString(),
              },
            ];
          }
          delete res.id;
        }
        const key = deriveIdempotencyKey(
          ctx.store.lineage,
          address,
          step.generation,
          "create_chat",
        );
        const request = { from: step.from, to: step.to, welcome_message: step.welcome_message };
        res.intents = [
          ...res.intents.filter((i) => i.purpose !== "create_chat"),
          {
            purpose: "create_chat",
            generation: step.generation,
            idempotency_key: key,
            request,
            started_at: ctx.now().toISOString(),
          },
        ];
        await ctx.store.commit(address);
        let made;
        try {
          made = await createOrFind(api, ctx, address, request, key);
        } catch (err) {
          if (refused(err)) {
            // Refused (4xx, or 429 after every retry): no chat was made, so there is nothing to
            // resume — the next plan starts from the declaration as it is then. The generation
            // moves on so that plan's create never reuses this key with another body.
            res.intents = res.intents.filter((i) => i.purpose !== "create_chat");
            res.generation = Math.max(res.generation, step.generation);
            await ctx.store.commit(address);
          }
          throw err;
        }
        await recordNewChat(made.id, step);
        service = made.service;
        return;
      }
      case "adopt_chat":
        // The refresh found the chat an interrupted create made; nothing is sent.
        await recordNewChat(step.chat_id, step);
        return;
      case "add_participant": {
        const id = requireId(chatId, address);
        // A POST without an idempotency key is never retried blindly; if its answer was lost
        // the add may have happened, and the read-back below decides either way.
        await queued("add_participant", step.handle, () => api.addParticipant(id, step.handle), {
          lostAnswerIsOk: true,
        });
        expect.add.push(step.handle);
        return;
      }
      case "remove_participant": {
        const id = requireId(chatId, address);
        await queued("remove_participant", step.handle, () =>
          api.removeParticipant(id, step.handle),
        );
        expect.remove.push(step.handle);
        return;
      }
      case "rename_chat": {
        const id = requireId(chatId, address);
        await queued("rename_chat", step.display_name, () =>
          api.updateChat(id, { display_name: step.display_name }),
        );
        expect.display_name = step.display_name;
        return;
      }
      case "set_chat_icon": {
        const id = requireId(chatId, address);
        await queued("set_chat_icon", step.icon, () =>
          api.updateChat(id, { group_chat_icon: step.icon }),
        );
        expect.icon = step.icon;
        return;
      }
      case "share_contact_card": {
        const id = requireId(chatId, address);
        const line = res.from ?? after?.from;
        if (line !== undefined && ctx.cardsNotCreated.has(line)) {
          // Skipped, not failed: the other steps still run, and since nothing is journaled or
          // marked, the next apply shares it once the card exists.
          ctx.warnings.push({
            address,
            message: `contact card not shared: creating contact_card.${line} failed earlier in this run, so there is no card yet; the next apply shares it`,
          });
          return;
        }
        await oneShot(ctx, address, res, "share_contact_card", () => api.shareContactCard(id));
        return;
      }
      case "request_location": {
        const id = requireId(chatId, address);
        if (service !== undefined && service !== "iMessage") {
          ctx.warnings.push({
            address,
            message: `the new chat is ${service ?? "of unknown service"}; location requests need iMessage, so none was sent`,
          });
          return;
        }
        await oneShot(ctx, address, res, "request_location", () => api.requestLocation(id));
        return;
      }
      case "settle_interrupted_send":
        res.intents = res.intents.filter((i) => i.purpose !== step.purpose);
        if (step.purpose === "share_contact_card") res.markers.contact_card_shared = "interrupted";
        else res.markers.location_requested = "interrupted";
        await ctx.store.commit(address);
        return;
      case "leave_chat": {
        const intent = await queued("leave_chat", step.chat_id, async () => {
          try {
            await api.leaveChat(step.chat_id);
          } catch (err) {
            // 409/2013: the line already left; the goal is reached.
            if (!isApiError(err, 409, 2013)) throw err;
          }
        });
        // Nothing reads a left chat back: done once the API accepted it.
        res.intents = res.intents.filter((i) => i !== intent);
        forgetChatId(res, step.chat_id);
        await ctx.store.commit(address);
        return;
      }
      case "forget_chat":
        if (step.chat_id) forgetChatId(res, step.chat_id);
        await ctx.store.commit(address);
        return;
      default:
        throw new Error(`${address}: step ${step.op} does not apply to a chat`);
    }
  };

  await runSteps(ctx, address, change.steps, run);

  // --- confirm queued changes, then record the declaration as applied ---
  if (!isEmptyExpectation(expect) && chatId) {
    ctx.progress.step(address, "confirming queued changes by reading the chat back");
    await confirmChat(api, chatId, res.from, expect, ctx.confirm);
  }
  if (change.after === null) {
    ctx.store.remove(address);
  } else if (after) {
    res.applied = after;
    if (!res.from) res.from = after.from;
    // Confirmed by the read-back (or superseded by this plan, made from the live chat).
    res.intents = res.intents.filter((i) => !isQueuedChange(i.purpose));
  }
  await ctx.store.commit(address);
}

/** The API answered no (4xx, or 429 once retries ran out): the write was not carried out. */
function refused(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/** A failed attempt that may still have been carried out: no answer after sending, or a 5xx. */
function outcomeUnknown(err: unknown): boolean {
  const e = err as { maybeCommitted?: unknown; status?: unknown };
  return e.maybeCommitted === true || (typeof e.status === "number" && e.status >= 500);
}

/**
 * Sends the create once. If its outcome is unknown, looks for the chat it made before sending
 * it again (same key, same body): a replay is only as safe as the API's chat dedup (§12.1).
 */
async function createOrFind(
  api: ChatApplyApi,
  ctx: ApplyContext,
  address: Address,
  request: JournaledCreate,
  key: string,
): Promise<{ id: string; service: ServiceType | null | undefined }> {
  const since = ctx.now();
  const send = async () => {
    const created = await api.createChat(
      {
        from: request.from,
        to: request.to,
        message: {
          parts: [{ type: "text", value: request.welcome_message }],
          idempotency_key: key,
        },
      },
      { replayUncertain: false },
    );
    return { id: created.chat.id, service: created.chat.service };
  };
  try {
    return await send();
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    ctx.progress.step(address, "the create's outcome is unknown; looking for the chat it made");
    const found = await findCreatedChat(api, request, since, ctx.store.managedChatIds());
    // Claimed synchronously after the search: two addresses with identical creates searching
    // at once (parallelism) each take a different chat.
    const all = found ? [found.chat, ...found.others] : [];
    const mine = all.find((c) => !ctx.claimedChatIds.has(c.id));
    if (!mine) return await send();
    ctx.claimedChatIds.add(mine.id);
    // Named at the end of the run, unless another address of this run records it meanwhile.
    for (const other of all) if (other !== mine) ctx.possibleDuplicates.set(other.id, address);
    return { id: mine.id, service: mine.service };
  }
}

function requireId(id: string | undefined, address: string): string {
  if (!id) throw new Error(`${address} has no live chat id (the create step did not run)`);
  return id;
}

/** Drops `id` from the address's state: a retired generation, or the current chat (when the address goes away). */
export function forgetChatId(res: ChatResourceState, id: string): void {
  const { retired } = retiredWithout(res.retired, id);
  if (retired) res.retired = retired;
  else delete res.retired;
  if (res.id === id) delete res.id;
}
