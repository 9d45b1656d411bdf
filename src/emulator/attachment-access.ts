/**
 * Looking up a pre-uploaded attachment (§5.11) for the calling token, with the documented
 * answers: another token's attachment is 404/2003 like an unknown one — existence is never
 * revealed. Shared by the attachment routes and the media-part check of message sends.
 */
import { ErrorCode, type AttachmentStatus } from "../api-wire/index.js";
import type { AccountStore, AttachmentRecord } from "./account-store.js";
import { ApiError } from "./api-error.js";

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Upload URLs are valid for 15 minutes (§5.11). */
export const UPLOAD_URL_TTL_MS = 15 * 60_000;

export function attachmentNotFound(id: string, where = ""): ApiError {
  return new ApiError(
    404,
    ErrorCode.AttachmentNotFound,
    `Attachment ${id} not found${where}; use an attachment_id that POST /v3/attachments returned to this token`,
  );
}

/** `token` undefined → any token's attachment (a caller that cannot name the token). */
export function findAttachment(
  store: AccountStore,
  id: string,
  token: string | undefined,
): AttachmentRecord | undefined {
  return store.state.attachments.find(
    (a) => a.id === id && (token === undefined || a.token === token),
  );
}

/**
 * pending until the bytes arrive; complete after; failed once the upload URL expired with no
 * upload (decision: such an attachment can never complete, so "pending" would mislead).
 */
export function attachmentStatus(a: AttachmentRecord, now: Date): AttachmentStatus {
  if (a.uploaded_at !== null) return "complete";
  return now.getTime() > Date.parse(a.upload_expires_at) ? "failed" : "pending";
}

/**
 * The attachment a media part may send: unknown, foreign or never uploaded → 404/2003;
 * upload still possible but not done → 404/2007 (Attachment not ready), the documented code
 * that says "retry after a few seconds".
 */
export function sendableAttachment(
  store: AccountStore,
  id: unknown,
  token: string | undefined,
  now: Date,
  where: string,
): AttachmentRecord {
  const text = typeof id === "string" ? id : JSON.stringify(id);
  const record = typeof id === "string" ? findAttachment(store, id, token) : undefined;
  if (record === undefined) throw attachmentNotFound(text, ` (${where})`);
  const status = attachmentStatus(record, now);
  if (status === "failed") {
    throw new ApiError(
      404,
      ErrorCode.AttachmentNotFound,
      `Attachment ${text} (${where}) was never uploaded and its upload URL expired at ${record.upload_expires_at}; create a new one with POST /v3/attachments`,
    );
  }
  if (status === "pending") {
    throw new ApiError(
      404,
      ErrorCode.AttachmentNotReady,
      `Attachment ${text} (${where}) is not ready: PUT its bytes to the upload_url first (before ${record.upload_expires_at})`,
    );
  }
  return record;
}
