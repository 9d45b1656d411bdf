/**
 * Attachments (§5.11): the pre-upload flow. `POST /v3/attachments` hands out a presigned
 * upload URL on the emulator's own origin (`/cdn/uploads/{id}?signature=…`, standing in for
 * S3), the PUT there stores the bytes, and `/cdn/attachments/{id}/{filename}` serves them
 * back (standing in for cdn.linqapp.com). The `/cdn` paths take no bearer token, like the
 * real presigned and CDN URLs, and are outside faults, rate limits and the request log.
 *
 * Decisions (UNSETTLED):
 * - Create answers 200 ([OLDSPEC]).
 * - WebP and SVG are rejected (400/5004) although the SDK's `SupportedContentType` lists them:
 *   the create endpoint's own text says "WebP, SVG, FLAC, OGG, and executable files are
 *   explicitly rejected", and the more specific statement wins. Every other enum value is
 *   accepted, compared exactly (lower case, no parameters).
 * - 100 MB = 100 MiB (104,857,600 bytes); more → 400/5005. size_bytes must be an integer ≥ 1.
 * - A non-UUID id on GET or DELETE → 400/1005; unknown or another token's → 404/2003.
 * - Upload: the body's byte count must equal size_bytes (else 400/1005), and every
 *   required header must be present with exactly the returned value (else 403/2005, as S3
 *   answers a signature mismatch); an unknown id, a wrong signature and an expired URL are
 *   403/2005 too. A repeated PUT before expiry replaces the bytes (as S3 would).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, type Attachment, type AttachmentUploadTicket } from "../../api-wire/index.js";
import type { AccountStore, AttachmentRecord } from "../account-store.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError, invalidParameter, missingField } from "../api-error.js";
import {
  UPLOAD_URL_TTL_MS,
  UUID_PATTERN,
  attachmentNotFound,
  attachmentStatus,
  findAttachment,
} from "../attachment-access.js";
import { DataFileLockedError } from "../data-file-lock.js";
import { errorEnvelope, errorHeaders, send } from "../http-exchange.js";
import { objectBody, requiredString } from "../request-fields.js";
import type { Router } from "../router.js";

export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
export const MAX_FILENAME_LENGTH = 255;
/** Where the presigned upload URLs and the download URLs live on the emulator's origin. */
export const CDN_PREFIX = "/cdn";

/** The SDK 0.28.2 `SupportedContentType` enum minus WebP and SVG (see the decision above). */
export const SUPPORTED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/heic",
  "image/heif",
  "image/tiff",
  "image/bmp",
  "image/x-icon",
  "video/mp4",
  "video/quicktime",
  "video/mpeg",
  "video/mpeg2",
  "video/x-m4v",
  "video/x-msvideo",
  "video/3gpp",
  "audio/mpeg",
  "audio/mp3",
  "audio/x-m4a",
  "audio/mp4",
  "audio/x-caf",
  "audio/x-wav",
  "audio/x-aiff",
  "audio/aiff",
  "audio/aac",
  "audio/midi",
  "audio/amr",
  "application/pdf",
  "text/plain",
  "text/markdown",
  "text/vcard",
  "text/rtf",
  "text/csv",
  "text/html",
  "text/calendar",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/x-iwork-pages-sffpages",
  "application/x-iwork-numbers-sffnumbers",
  "application/x-iwork-keynote-sffkey",
  "application/epub+zip",
  "text/xml",
  "application/json",
  "application/zip",
  "application/x-gzip",
]);

export function registerAttachmentRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/attachments", createAttachment)
    .add("GET", "/v3/attachments/:attachmentId", getAttachment)
    .add("DELETE", "/v3/attachments/:attachmentId", deleteAttachment);
}

function downloadUrl(origin: string, a: AttachmentRecord): string {
  return `${origin}${CDN_PREFIX}/attachments/${a.id}/${encodeURIComponent(a.filename)}`;
}

function requiredHeaders(a: AttachmentRecord): Record<string, string> {
  return { "Content-Type": a.content_type, "Content-Length": String(a.size_bytes) };
}

function validFilename(body: Record<string, unknown>): string {
  const filename = requiredString(body, "filename");
  if (filename.length > MAX_FILENAME_LENGTH)
    throw invalidParameter(`filename may be at most ${MAX_FILENAME_LENGTH} characters`);
  if (/[/\\\u0000-\u001f]/.test(filename) || filename === "." || filename === "..") {
    throw invalidParameter(
      `filename must be a plain file name such as photo.jpg, without path separators or control characters (got ${JSON.stringify(filename)})`,
    );
  }
  return filename;
}

function validContentType(body: Record<string, unknown>): string {
  const type = requiredString(body, "content_type").trim().toLowerCase();
  if (!SUPPORTED_CONTENT_TYPES.has(type)) {
    throw new ApiError(
      400,
      ErrorCode.InvalidFileType,
      `Invalid file type: content_type ${JSON.stringify(type)} is not supported (WebP, SVG, FLAC, OGG and executables are rejected); use a type such as image/jpeg, image/png, video/mp4, audio/mpeg or application/pdf`,
    );
  }
  return type;
}

function validSize(body: Record<string, unknown>): number {
  const size = body.size_bytes;
  if (size === undefined || size === null) throw missingField("size_bytes");
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1)
    throw invalidParameter(`size_bytes must be a whole number of bytes ≥ 1 (got ${String(size)})`);
  if (size > MAX_ATTACHMENT_BYTES) {
    throw new ApiError(
      400,
      ErrorCode.FileTooLarge,
      `File too large: size_bytes ${size} exceeds ${MAX_ATTACHMENT_BYTES} (100 MB)`,
    );
  }
  return size;
}

/** POST /v3/attachments → 200 with the upload ticket. */
function createAttachment(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const body = objectBody(req.body);
  const filename = validFilename(body);
  const content_type = validContentType(body);
  const size_bytes = validSize(body);
  const record: AttachmentRecord = {
    id: randomUUID(),
    token: ctx.token,
    filename,
    content_type,
    size_bytes,
    created_at: ctx.now.toISOString(),
    upload_expires_at: new Date(ctx.now.getTime() + UPLOAD_URL_TTL_MS).toISOString(),
    upload_signature: randomBytes(24).toString("base64url"),
    uploaded_at: null,
    download_url: "",
  };
  record.download_url = downloadUrl(ctx.origin, record);
  ctx.store.state.attachments.push(record);
  ctx.store.commit();
  const ticket: AttachmentUploadTicket = {
    attachment_id: record.id,
    upload_url: `${ctx.origin}${CDN_PREFIX}/uploads/${record.id}?signature=${record.upload_signature}`,
    http_method: "PUT",
    required_headers: requiredHeaders(record),
    download_url: downloadUrl(ctx.origin, record),
    expires_at: record.upload_expires_at,
  };
  return { status: 200, body: ticket };
}

function ownedAttachment(req: ApiRequest, ctx: ApiContext): AttachmentRecord {
  const id = req.params.attachmentId as string;
  if (!UUID_PATTERN.test(id))
    throw invalidParameter(`attachmentId must be a UUID such as an attachment_id (got ${id})`);
  const record = findAttachment(ctx.store, id, ctx.token);
  if (record === undefined) throw attachmentNotFound(id);
  return record;
}

/** The wire view; download_url only once the bytes are there (nothing to download before). */
export function toAttachment(a: AttachmentRecord, origin: string, now: Date): Attachment {
  const status = attachmentStatus(a, now);
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.content_type,
    size_bytes: a.size_bytes,
    created_at: a.created_at,
    status,
    ...(status === "complete" ? { download_url: downloadUrl(origin, a) } : {}),
  };
}

function getAttachment(req: ApiRequest, ctx: ApiContext): ApiResponse {
  return { status: 200, body: toAttachment(ownedAttachment(req, ctx), ctx.origin, ctx.now) };
}

/** DELETE → 204; the bytes go too, so the download URL answers 404 from now on. */
function deleteAttachment(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const record = ownedAttachment(req, ctx);
  ctx.store.state.attachments = ctx.store.state.attachments.filter((a) => a !== record);
  ctx.store.attachmentBytes.delete(record.id);
  ctx.store.commit();
  return { status: 204 };
}

// ---- the /cdn surface: presigned upload and download ----

function uploadRefused(detail: string): ApiError {
  return new ApiError(403, ErrorCode.AccessDenied, `Upload refused: ${detail}`);
}

/** Reads the whole body, keeping at most `keep` bytes (the rest is counted, then dropped). */
async function readUpload(
  req: IncomingMessage,
  keep: number,
): Promise<{ bytes: Buffer; total: number }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (kept + buf.length <= keep) {
      chunks.push(buf);
      kept += buf.length;
    }
  }
  return { bytes: Buffer.concat(chunks), total };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function acceptUpload(
  store: AccountStore,
  id: string,
  signature: string,
  req: IncomingMessage,
  body: { bytes: Buffer; total: number },
  now: Date,
): string {
  const record = UUID_PATTERN.test(id) ? findAttachment(store, id, undefined) : undefined;
  if (record === undefined || !sameSecret(signature, record.upload_signature)) {
    throw uploadRefused(
      "the upload URL is not valid (unknown or deleted attachment, or a wrong signature); PUT to the upload_url from POST /v3/attachments exactly as returned",
    );
  }
  if (now.getTime() > Date.parse(record.upload_expires_at)) {
    throw uploadRefused(
      `the upload URL expired at ${record.upload_expires_at} (15 minutes after creation); create a new attachment with POST /v3/attachments`,
    );
  }
  if (body.total !== record.size_bytes) {
    throw invalidParameter(
      `The upload has ${body.total} bytes but the attachment was created with size_bytes ${record.size_bytes}; send exactly the declared bytes, or create a new attachment`,
    );
  }
  for (const [name, value] of Object.entries(requiredHeaders(record))) {
    const got = req.headers[name.toLowerCase()];
    if (got !== value) {
      throw uploadRefused(
        `header ${name} must be exactly ${JSON.stringify(value)} as in required_headers (got ${got === undefined ? "none" : JSON.stringify(got)})`,
      );
    }
  }
  store.attachmentBytes.put(record.id, body.bytes);
  record.uploaded_at = now.toISOString();
  store.commit();
  return createHash("md5").update(body.bytes).digest("hex");
}

function serveDownload(
  store: AccountStore,
  id: string,
  filename: string,
): { bytes: Buffer; type: string } {
  const record = UUID_PATTERN.test(id) ? findAttachment(store, id, undefined) : undefined;
  const bytes = record === undefined ? undefined : store.attachmentBytes.get(record.id);
  if (record === undefined || record.filename !== filename || bytes === undefined) {
    throw new ApiError(
      404,
      ErrorCode.AttachmentNotFound,
      `No file at this download URL: the attachment is unknown, deleted, or its bytes were never uploaded`,
    );
  }
  return { bytes, type: record.content_type };
}

/**
 * Serves `/cdn/uploads/{id}` (PUT) and `/cdn/attachments/{id}/{filename}` (GET, HEAD). Every
 * read or write runs under the store's lock, like an API request, so processes sharing a data
 * file see each other's uploads.
 */
export async function serveAttachmentFiles(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  traceId: string,
  store: AccountStore,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const segments = url.pathname.slice(CDN_PREFIX.length).split("/").filter(Boolean);
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    decoded = [];
  }
  try {
    const [kind, id = "", filename] = decoded;
    if (kind === "uploads" && decoded.length === 2) {
      if (method !== "PUT") throw methodNotAllowed(method, url.pathname, "PUT");
      // The body is read before the lock, as API requests do, so a slow upload never holds it.
      const body = await readUpload(req, MAX_ATTACHMENT_BYTES);
      const signature = url.searchParams.get("signature") ?? "";
      const etag = await store.atomically(() => {
        store.reloadIfChangedOnDisk();
        return acceptUpload(store, id, signature, req, body, new Date());
      });
      res.setHeader("x-trace-id", traceId);
      res.writeHead(200, { etag: `"${etag}"`, "content-length": "0" });
      res.end();
      return;
    }
    if (kind === "attachments" && decoded.length === 3 && filename !== undefined) {
      if (method !== "GET" && method !== "HEAD")
        throw methodNotAllowed(method, url.pathname, "GET, HEAD");
      const file = await store.atomically(() => {
        store.reloadIfChangedOnDisk();
        return serveDownload(store, id, filename);
      });
      res.setHeader("x-trace-id", traceId);
      res.writeHead(200, { "content-type": file.type, "content-length": file.bytes.length });
      res.end(method === "HEAD" ? undefined : file.bytes);
      return;
    }
    throw new ApiError(
      404,
      ErrorCode.AttachmentNotFound,
      `No file at ${url.pathname}; use an upload_url or download_url from POST /v3/attachments`,
    );
  } catch (err) {
    const apiErr =
      err instanceof ApiError
        ? err
        : err instanceof DataFileLockedError
          ? new ApiError(503, ErrorCode.ServiceUnavailable, err.message)
          : undefined;
    if (apiErr === undefined) throw err;
    // The client may still be sending a body this answer refuses; let it finish or drop it.
    req.resume();
    send(res, apiErr.status, errorEnvelope(apiErr, traceId), errorHeaders(apiErr), traceId);
  }
}

function methodNotAllowed(method: string, path: string, allowed: string): ApiError {
  return new ApiError(
    405,
    ErrorCode.InvalidParameterValue,
    `${method} is not allowed on ${path}; use ${allowed}`,
  );
}
