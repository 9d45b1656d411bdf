/**
 * Participants (§5.2) and typing indicators (§5.3).
 *
 * Decisions on UNSETTLED codes (§12 q4, q20; counts include your own line, per GroupRules):
 * - add/remove on a DM → 409/1006 (only groups can be changed)
 * - add when fewer than 3 participants are active, or remove leaving fewer than 3 → 409/2015
 * - add of a handle that cannot use the chat's service (cross-service) → 409/2017
 * - add of someone already active, or remove of someone not active → 409/2015
 * - typing in a group → 403/2005 (the only 403 code the reference shows)
 */
import { ErrorCode, GroupRules } from "../../api-wire/index.js";
import {
  acceptQueued,
  type ApiContext,
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
} from "../api-context.js";
import { ApiError, missingField } from "../api-error.js";
import { activeParticipants, interactiveChat } from "../chat-access.js";
import { normalizeHandle, supportsService } from "../handle-format.js";
import { objectBody } from "../request-fields.js";
import type { Router } from "../router.js";

export function registerParticipantRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/chats/:chatId/participants", addParticipant)
    .add("DELETE", "/v3/chats/:chatId/participants", removeParticipant)
    .add("POST", "/v3/chats/:chatId/typing", typing)
    .add("DELETE", "/v3/chats/:chatId/typing", typing);
}

function handleFromBody(req: ApiRequest): string {
  const body = objectBody(req.body);
  if (body.handle === undefined || body.handle === null || body.handle === "")
    throw missingField("handle");
  return normalizeHandle("handle", body.handle);
}

function addParticipant(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const handle = handleFromBody(req);
  if (!chat.is_group)
    throw new ApiError(
      409,
      ErrorCode.CannotUpdateDM,
      "Participants can only be added to group chats; create a new group chat instead",
    );
  const active = activeParticipants(chat);
  if (active < GroupRules.minParticipantsForAdd) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `Participants can be added only to groups with at least ${GroupRules.minParticipantsForAdd} active participants (this one has ${active})`,
    );
  }
  if (chat.handles.some((h) => h.handle === handle && h.status === "active")) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `${handle} is already an active participant of chat ${chat.id}`,
    );
  }
  if (!supportsService(handle, ctx.handleService(handle), chat.service)) {
    throw new ApiError(
      409,
      ErrorCode.ChatServiceNotSupported,
      `${handle} cannot join a ${chat.service} group (no cross-service adds); create a new chat instead`,
    );
  }
  return acceptQueued(
    ctx,
    { kind: "participant.add", chat_id: chat.id, handle },
    "Participant addition queued",
  );
}

function removeParticipant(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  const handle = handleFromBody(req);
  if (!chat.is_group)
    throw new ApiError(
      409,
      ErrorCode.CannotUpdateDM,
      "Participants can only be removed from group chats",
    );
  const target = chat.handles.find((h) => h.handle === handle && h.status === "active");
  if (target === undefined)
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `${handle} is not an active participant of chat ${chat.id}`,
    );
  if (target.is_me)
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      "You cannot remove your own line; use POST /v3/chats/{chatId}/leave",
    );
  const remaining = activeParticipants(chat) - 1;
  if (remaining < GroupRules.minParticipantsAfterRemove) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `At least ${GroupRules.minParticipantsAfterRemove} participants must remain after a removal (${remaining} would)`,
    );
  }
  return acceptQueued(
    ctx,
    { kind: "participant.remove", chat_id: chat.id, handle },
    "Participant removal queued",
  );
}

/** Best effort and invisible in the account: 204 on DMs, 403 on groups. */
function typing(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  if (chat.is_group)
    throw new ApiError(
      403,
      ErrorCode.AccessDenied,
      "Typing indicators are not supported in group chats",
    );
  return { status: 204 };
}
