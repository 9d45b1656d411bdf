/**
 * Validates a request's `message` (MessageContent, §7) with the shared rules of
 * `api-wire/message-rules.ts` plus the checks that need the account (reply target,
 * attachments, service), and turns request parts into response parts (§4.6).
 */
import { randomUUID } from "node:crypto";
import { posix } from "node:path";
import {
  ErrorCode,
  checkMessageContent,
  type MessageContent,
  type ResponsePart,
  type ServiceType,
} from "../api-wire/index.js";
import type { AccountStore, AttachmentRecord } from "./account-store.js";
import { ApiError, invalidParameter, missingField } from "./api-error.js";
import { sendableAttachment } from "./attachment-access.js";

const SERVICES: readonly ServiceType[] = ["iMessage", "SMS", "RCS"];

const MIME_BY_EXTENSION: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".heic": "image/heic",
  ".webp": "image/webp",
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
  ".pdf": "application/pdf",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/x-m4a",
  ".aac": "audio/aac",
  ".caf": "audio/x-caf",
  ".wav": "audio/wav",
  ".aiff": "audio/aiff",
  ".aif": "audio/aiff",
  ".amr": "audio/amr",
  ".vcf": "text/vcard",
};

export function mimeTypeOf(url: string): { filename: string; mime_type: string } {
  const filename = posix.basename(new URL(url).pathname) || "file";
  return {
    filename,
    mime_type:
      MIME_BY_EXTENSION[posix.extname(filename).toLowerCase()] ?? "application/octet-stream",
  };
}

/**
 * The attachment each checked `attachment_id` part refers to, for toResponseParts (which gets
 * only the content): filled by parseMessageContent, keyed by the part object itself.
 */
const attachmentOfPart = new WeakMap<object, AttachmentRecord>();

/**
 * Parses and checks `raw` as MessageContent. `firstMessage` applies the §5.1.1 rule (400/1005
 * for a link part or a URL in text). `chatId` scopes `reply_to` lookups. `token` (the caller's)
 * scopes `attachment_id` lookups to its own attachments.
 */
export function parseMessageContent(
  raw: unknown,
  opts: { firstMessage: boolean; store: AccountStore; chatId?: string; token: string },
): MessageContent {
  if (raw === undefined || raw === null) throw missingField("message");
  if (typeof raw !== "object" || Array.isArray(raw))
    throw invalidParameter("message must be an object with a parts array");
  const content = raw as MessageContent;
  if (Array.isArray(content.parts)) {
    for (const [i, part] of content.parts.entries()) {
      if (part === null || typeof part !== "object" || Array.isArray(part)) {
        throw new ApiError(
          400,
          ErrorCode.InvalidMessageContent,
          `message.parts[${i}] must be an object with a type`,
        );
      }
    }
  }
  const violation = checkMessageContent(content, { firstMessage: opts.firstMessage });
  if (violation !== undefined) {
    const where =
      violation.partIndex === undefined ? "" : ` (message.parts[${violation.partIndex}])`;
    throw new ApiError(violation.status, violation.code, `${violation.message}${where}`);
  }
  if (content.idempotency_key !== undefined && typeof content.idempotency_key !== "string") {
    throw invalidParameter("message.idempotency_key must be a string");
  }
  if (content.preferred_service !== undefined && !SERVICES.includes(content.preferred_service)) {
    throw invalidParameter(`message.preferred_service must be one of ${SERVICES.join(", ")}`);
  }
  const isApp = content.parts.some((p) => p.type === "imessage_app");
  if (
    isApp &&
    content.preferred_service !== undefined &&
    content.preferred_service !== "iMessage"
  ) {
    throw new ApiError(
      409,
      ErrorCode.IMessageAppServiceUnsupported,
      "iMessage app messages can only be sent over iMessage; drop preferred_service or set it to iMessage",
    );
  }
  const now = new Date();
  for (const [i, part] of content.parts.entries()) {
    if (part.type === "media" && part.attachment_id !== undefined) {
      // Unknown, another token's, or never uploaded → 404/2003; not uploaded yet → 404/2007.
      const attachment = sendableAttachment(
        opts.store,
        part.attachment_id,
        opts.token,
        now,
        `message.parts[${i}]`,
      );
      attachmentOfPart.set(part, attachment);
    }
  }
  if (content.reply_to !== undefined) {
    const target = content.reply_to?.message_id;
    if (typeof target !== "string" || target.length === 0)
      throw missingField("message.reply_to.message_id");
    const found = opts.store.state.messages.some(
      (m) => m.id === target && m.chat_id === opts.chatId,
    );
    if (!found)
      throw new ApiError(
        404,
        ErrorCode.MessageNotFound,
        `reply_to message ${target} not found in this chat`,
      );
  }
  return content;
}

/** Whether the content needs the chat's service to be iMessage (app cards, §7.3 rule 2). */
export function requiresIMessage(content: MessageContent): boolean {
  return content.parts.some((p) => p.type === "imessage_app");
}

export function toResponseParts(content: MessageContent): ResponsePart[] {
  return content.parts.map((part): ResponsePart => {
    switch (part.type) {
      case "text":
        return {
          type: "text",
          value: part.value,
          reactions: null,
          text_decorations: part.text_decorations ?? null,
        };
      case "link":
        return { type: "link", value: part.value, reactions: null };
      case "media": {
        const attachment = attachmentOfPart.get(part);
        if (attachment !== undefined) {
          // §4.6: a pre-uploaded file's part carries the attachment's id and metadata.
          return {
            type: "media",
            id: attachment.id,
            filename: attachment.filename,
            mime_type: attachment.content_type,
            size_bytes: attachment.size_bytes,
            url: attachment.download_url,
            reactions: null,
          };
        }
        return {
          type: "media",
          id: randomUUID(),
          ...mimeTypeOf(part.url as string),
          size_bytes: 0,
          url: part.url as string,
          reactions: null,
        };
      }
      case "imessage_app":
        return {
          type: "imessage_app",
          app: part.app,
          layout: part.layout,
          url: part.url ?? null,
          fallback_text: part.fallback_text ?? null,
          reactions: null,
        };
    }
  });
}
