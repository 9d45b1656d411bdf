/**
 * Out-of-band changes for POST /__emulator/simulate (SPEC §7): what people do on their
 * devices. Each mutates the account and emits the webhook the API would send.
 *
 * Supported bodies:
 *   {type:"participant.left", chat_id, handle}           → participant.removed (status "left")
 *   {type:"participant.added", chat_id, handle}          → participant.added
 *   {type:"group.renamed", chat_id, display_name, by?}   → chat.group_name_updated
 *   {type:"location.sharing.started", chat_id, handle, coordinates:[lon,lat(,alt)], ends_at?}
 *   {type:"location.sharing.stopped", chat_id, handle}   → location.sharing.stopped
 *   {type:"chat.health", chat_id, status}                → health_status (no webhook exists)
 */
import { ErrorCode, type HealthStatus } from "../api-wire/index.js";
import type { AccountStore, ChatRecord } from "./account-store.js";
import type { EventSink } from "./api-context.js";
import { ApiError, chatNotFound, invalidParameter, missingField } from "./api-error.js";
import { normalizeHandle } from "./handle-format.js";
import { addParticipant, removeParticipant, setGroupAttribute } from "./queued-operations.js";
import { objectBody, requiredString } from "./request-fields.js";
import { toChat } from "./wire-views.js";

const HEALTH_STATUSES: readonly HealthStatus[] = ["HEALTHY", "AT_RISK", "CRITICAL", "OPTED_OUT"];

export function simulate(
  store: AccountStore,
  events: EventSink,
  rawBody: unknown,
  traceId: string,
): unknown {
  const body = objectBody(rawBody);
  const type = requiredString(body, "type");
  const chat = store.findChat(requiredString(body, "chat_id"));
  if (chat === undefined) throw chatNotFound(String(body.chat_id));
  const when = new Date().toISOString();
  switch (type) {
    case "participant.left": {
      const handle = otherParticipant(chat, body.handle);
      removeParticipant(chat, handle, "left", when, traceId, events);
      break;
    }
    case "participant.added": {
      if (!chat.is_group)
        throw new ApiError(409, ErrorCode.CannotUpdateDM, "Only group chats gain participants");
      const handle = normalizeHandle("handle", body.handle);
      if (chat.handles.some((h) => h.handle === handle && h.status === "active")) {
        throw new ApiError(
          409,
          ErrorCode.StateConflict,
          `${handle} is already active in chat ${chat.id}`,
        );
      }
      addParticipant(chat, handle, when, traceId, events);
      break;
    }
    case "group.renamed": {
      if (!chat.is_group)
        throw new ApiError(409, ErrorCode.CannotUpdateDM, "Only group chats have a name");
      if (!("display_name" in body)) throw missingField("display_name");
      const name = body.display_name;
      if (name !== null && typeof name !== "string")
        throw invalidParameter("display_name must be a string or null");
      const by =
        body.by === undefined
          ? undefined
          : chat.handles.find((h) => h.handle === normalizeHandle("by", body.by));
      setGroupAttribute(chat, "display_name", name === "" ? null : name, by, when, traceId, events);
      break;
    }
    case "location.sharing.started": {
      const handle = otherParticipant(chat, body.handle);
      const coordinates = body.coordinates;
      if (
        !Array.isArray(coordinates) ||
        coordinates.length < 2 ||
        coordinates.length > 3 ||
        !coordinates.every((n) => typeof n === "number")
      ) {
        throw invalidParameter(
          "coordinates must be [longitude, latitude] or [longitude, latitude, altitude]",
        );
      }
      const endsAt = typeof body.ends_at === "string" ? body.ends_at : null;
      const existing = store.state.locations.find(
        (l) => l.chat_id === chat.id && l.handle === handle,
      );
      if (existing !== undefined) {
        existing.coordinates = coordinates as number[];
        existing.updated_at = when;
      } else {
        store.state.locations.push({
          chat_id: chat.id,
          handle,
          coordinates: coordinates as number[],
          began_at: when,
          updated_at: when,
        });
      }
      events.emit(
        "location.sharing.started",
        chat.line,
        {
          shared_by: handle,
          shared_with: chat.line,
          began_at: existing?.began_at ?? when,
          ends_at: endsAt,
          chat_id: chat.id,
        },
        traceId,
      );
      break;
    }
    case "location.sharing.stopped": {
      const handle = otherParticipant(chat, body.handle, { activeOnly: false });
      const existing = store.state.locations.find(
        (l) => l.chat_id === chat.id && l.handle === handle,
      );
      store.state.locations = store.state.locations.filter((l) => l !== existing);
      events.emit(
        "location.sharing.stopped",
        chat.line,
        {
          shared_by: handle,
          shared_with: chat.line,
          began_at: existing?.began_at ?? when,
          ended_at: when,
          chat_id: chat.id,
        },
        traceId,
      );
      break;
    }
    case "chat.health": {
      const status = body.status;
      if (typeof status !== "string" || !(HEALTH_STATUSES as readonly string[]).includes(status)) {
        throw invalidParameter(`status must be one of ${HEALTH_STATUSES.join(", ")}`);
      }
      chat.health = { status: status as HealthStatus, updated_at: when };
      break;
    }
    default:
      throw invalidParameter(
        `Unknown simulate type "${type}"; use participant.left, participant.added, group.renamed, location.sharing.started, location.sharing.stopped or chat.health`,
      );
  }
  store.commit();
  return { chat: toChat(chat) };
}

function otherParticipant(
  chat: ChatRecord,
  raw: unknown,
  opts: { activeOnly: boolean } = { activeOnly: true },
): string {
  if (raw === undefined || raw === null || raw === "") throw missingField("handle");
  const handle = normalizeHandle("handle", raw);
  const found = chat.handles.find(
    (h) => h.handle === handle && !h.is_me && (!opts.activeOnly || h.status === "active"),
  );
  if (found === undefined) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `${handle} is not ${opts.activeOnly ? "an active" : "a"} participant of chat ${chat.id}`,
    );
  }
  return handle;
}
