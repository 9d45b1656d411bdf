/**
 * Location (§5.6). Shares come from the control API (`location.sharing.started/stopped`).
 * Decision (UNSETTLED §5.6.1): a request answers 200 and is recorded on the chat.
 */
import { ErrorCode } from "../../api-wire/index.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError } from "../api-error.js";
import { interactiveChat, readableChat } from "../chat-access.js";
import type { Router } from "../router.js";

export function registerLocationRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/chats/:chatId/location/request", requestLocation)
    .add("GET", "/v3/chats/:chatId/location", getLocation);
}

function requestLocation(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = interactiveChat(ctx, req.params.chatId as string);
  if (chat.is_group)
    throw new ApiError(
      409,
      ErrorCode.GroupChatNotSupported,
      "Location requests are not supported in group chats; only 1:1 iMessage chats",
    );
  if (chat.service !== "iMessage") {
    throw new ApiError(
      409,
      ErrorCode.ChatServiceNotSupported,
      `Location requests need a 1:1 iMessage chat; this chat uses ${chat.service}`,
    );
  }
  chat.location_requested_at = ctx.now.toISOString();
  ctx.store.commit();
  return { status: 200, body: { success: true, message: "Location request sent" } };
}

function getLocation(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const chat = readableChat(ctx, req.params.chatId as string);
  const features = ctx.store.state.locations
    .filter((l) => l.chat_id === chat.id)
    .map((l) => ({
      type: "Feature" as const,
      geometry: { type: "Point" as const, coordinates: l.coordinates },
      properties: { handle: l.handle, updated_at: l.updated_at },
    }));
  return {
    status: 200,
    body: { success: true, data: { type: "FeatureCollection", features } },
    headers: { "content-type": "application/geo+json" },
  };
}
