/** §5.11 attachment shapes (pre-upload flow), as they travel over HTTP. */

/** `POST /v3/attachments` request body. */
export interface AttachmentCreateRequest {
  filename: string;
  content_type: string;
  size_bytes: number;
}

/** `POST /v3/attachments` response: where and how to PUT the bytes. */
export interface AttachmentUploadTicket {
  attachment_id: string;
  upload_url: string;
  http_method: "PUT";
  /** Every header the PUT must carry, with exactly these values. */
  required_headers: Record<string, string>;
  download_url: string;
  /** When `upload_url` stops accepting the upload (15 minutes after creation). */
  expires_at: string;
}

/** Deprecated in the API, still sent: pending until the bytes are uploaded. */
export type AttachmentStatus = "pending" | "complete" | "failed";

/** `GET /v3/attachments/{id}` response. */
export interface Attachment {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: string;
  status: AttachmentStatus;
  download_url?: string;
}
