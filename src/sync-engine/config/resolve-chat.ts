/**
 * One `chats:` entry → a DesiredChat, with every rule the API would enforce at creation
 * (linq-api-v3.md §5.1.1, §6, §7) checked first. An entry the schema refused comes here too,
 * without its refused fields (see CheckedDocument.usableFields), so its handles and messages
 * are checked in the same pass; a field that is absent is simply not checked.
 */
import { checkMessageContent, findUrlInText, GroupRules } from "../../api-wire/message-rules.js";
import type { DesiredChat, DesiredDirectChat, DesiredGroupChat } from "../model/desired-state.js";
import type { DocumentContext } from "./document-context.js";
import { normalizeHandle, normalizePhoneNumber } from "./handle-normalization.js";
import type { ResolvedDefaults } from "./resolve-defaults.js";
import { parseDeclaredUrl } from "./url-rules.js";
import { normalizeHandleList } from "./normalize-handle-list.js";

type RawChat = Record<string, unknown>;

function resolveFrom(
  ctx: DocumentContext,
  key: string,
  raw: RawChat,
  defaults: ResolvedDefaults,
): string | undefined {
  if (typeof raw.from === "string") {
    const n = normalizePhoneNumber(raw.from);
    if (!n.ok) {
      ctx.error(["chats", key, "from"], `chats.${key}.from: ${n.reason}`);
      return undefined;
    }
    if (n.warning) ctx.warning(["chats", key, "from"], `chats.${key}.from: ${n.warning}`);
    return n.value;
  }
  if (defaults.from !== undefined) return defaults.from;
  if (!defaults.fromInvalid) {
    ctx.error(
      ["chats", key],
      `chat "${key}" has no sending line: set "from" on the chat or "from" in defaults (an E.164 line your API token owns)`,
      "key",
    );
  }
  return undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function checkWelcomeMessage(ctx: DocumentContext, key: string, text: string): boolean {
  // One implementation with the emulator: the exact rule the API applies to POST /v3/chats.
  const violation = checkMessageContent(
    { parts: [{ type: "text", value: text }] },
    { firstMessage: true },
  );
  if (!violation) return true;
  const message = `chats.${key}.welcome_message: ${lowerFirst(violation.message)}; the API would refuse to create the chat (error ${violation.code})`;
  // The caret goes under the URL itself: in a long message, the start of it says little.
  const url = findUrlInText(text);
  if (url !== undefined) ctx.errorWithin(["chats", key, "welcome_message"], url, message);
  else ctx.error(["chats", key, "welcome_message"], message);
  return false;
}

function resolveParticipants(
  ctx: DocumentContext,
  key: string,
  raw: unknown[],
  from: string | undefined,
): string[] | undefined {
  return normalizeHandleList(ctx, ["chats", key, "participants"], raw, {
    normalize: normalizeHandle,
    noun: "participant",
    duplicateAdvice: "; list each person once",
    refuse: (handle, written) =>
      from !== undefined && handle === from
        ? `${JSON.stringify(written)} is the chat's sending line ("from"); the API adds your line by itself, so leave it out of participants`
        : undefined,
  });
}

export function resolveChat(
  ctx: DocumentContext,
  key: string,
  raw: RawChat,
  defaults: ResolvedDefaults,
): DesiredChat | undefined {
  const from = resolveFrom(ctx, key, raw, defaults);
  const welcome = raw.welcome_message as string | undefined;
  // Optional: an imported chat exists already (see checkWelcomeMessages).
  const welcomeOk =
    welcome === undefined ||
    (typeof welcome === "string" && checkWelcomeMessage(ctx, key, welcome));
  const common = {
    key,
    ...(welcome !== undefined ? { welcome_message: welcome } : {}),
    share_contact_card:
      (raw.share_contact_card as boolean | undefined) ?? defaults.share_contact_card,
    prevent_destroy: (raw.prevent_destroy as boolean | undefined) ?? defaults.prevent_destroy,
  };

  if (raw.type === "group") {
    const participants = Array.isArray(raw.participants)
      ? resolveParticipants(ctx, key, raw.participants, from)
      : undefined;
    const onDelete =
      (raw.on_delete as DesiredGroupChat["on_delete"] | undefined) ?? defaults.on_delete;
    if (
      participants &&
      onDelete === "leave" &&
      participants.length + 1 < GroupRules.minParticipantsForLeave
    ) {
      const members = participants.length + 1;
      ctx.warning(
        raw.on_delete !== undefined ? ["chats", key, "on_delete"] : ["chats", key],
        `chat "${key}" has on_delete: leave, but the API can only leave groups with at least ${GroupRules.minParticipantsForLeave} members counting your line (this one has ${members}); removing it later will fail to leave — add participants or use on_delete: forget`,
        raw.on_delete !== undefined ? "value" : "key",
      );
    }
    const iconOk =
      typeof raw.icon !== "string" || parseDeclaredUrl(ctx, ["chats", key, "icon"], raw.icon);
    if (from === undefined || participants === undefined || !welcomeOk || !iconOk) return undefined;
    const chat: DesiredGroupChat = {
      ...common,
      type: "group",
      from,
      participants,
      roster: (raw.roster as DesiredGroupChat["roster"] | undefined) ?? defaults.roster,
      readd_left: (raw.readd_left as boolean | undefined) ?? defaults.readd_left,
      on_delete: onDelete,
      ...(raw.display_name !== undefined ? { display_name: raw.display_name as string } : {}),
      ...(raw.icon !== undefined ? { icon: raw.icon as string } : {}),
    };
    return chat;
  }

  if (raw.type !== "direct") return undefined;
  let to: string | undefined;
  // Absent: missing or refused by the schema, which said so.
  const n = typeof raw.to === "string" ? normalizeHandle(raw.to) : undefined;
  if (n === undefined) {
    to = undefined;
  } else if (!n.ok) {
    ctx.error(["chats", key, "to"], `chats.${key}.to: ${n.reason}`);
  } else if (from !== undefined && n.value === from) {
    ctx.error(
      ["chats", key, "to"],
      `chats.${key}.to: ${JSON.stringify(raw.to)} is the chat's sending line ("from"); a direct chat needs another person`,
    );
  } else {
    if (n.warning) ctx.warning(["chats", key, "to"], `chats.${key}.to: ${n.warning}`);
    to = n.value;
  }
  // Decision: the API cannot leave a direct chat (§5.1.6), so direct chats always forget.
  // Saying "leave" explicitly is a warning, not an error: the intent (stop managing it) is met.
  if (raw.on_delete === "leave") {
    ctx.warning(
      ["chats", key, "on_delete"],
      `chats.${key}.on_delete: the API cannot leave direct chats; removing this declaration will forget the chat instead (set on_delete: forget to silence this)`,
    );
  }
  if (from === undefined || to === undefined || !welcomeOk) return undefined;
  const chat: DesiredDirectChat = {
    ...common,
    type: "direct",
    from,
    to,
    location_request: (raw.location_request as boolean | undefined) ?? false,
    on_delete: "forget",
  };
  return chat;
}
