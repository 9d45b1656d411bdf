/**
 * Attachments (linq-api-v3.md §5.11) through the official SDK: create → PUT the bytes to the
 * presigned upload_url (plain fetch, as a partner would) → retrieve → download → delete; every
 * documented error; upload header/size mismatches and expiry; media parts that reference an
 * attachment_id. Decisions are in src/emulator/routes/attachments.ts and the emulator README.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { BadRequestError, NotFoundError } from "@linqapp/sdk";
import type LinqAPIV3 from "@linqapp/sdk";
import type {
  AttachmentCreateParams,
  AttachmentCreateResponse,
} from "@linqapp/sdk/resources/attachments";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError, expectErrorEnvelope } from "./harness/api-error-assertions.js";
import { recipient, TEXT, UNKNOWN_UUID } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIFTEEN_MINUTES = 15 * 60_000;
const PNG_BYTES = Buffer.from("\x89PNG\r\n\x1a\n emulator test image bytes", "latin1");

const PHOTO: AttachmentCreateParams = {
  filename: "photo.png",
  content_type: "image/png",
  size_bytes: PNG_BYTES.length,
};

/** PUT `bytes` to the ticket's upload_url with its required_headers (overridable). */
function upload(
  ticket: AttachmentCreateResponse,
  bytes: Uint8Array = PNG_BYTES,
  headers: Record<string, string> = ticket.required_headers,
  url = ticket.upload_url,
): Promise<Response> {
  return fetch(url, { method: ticket.http_method, headers, body: bytes });
}

async function uploaded(sdk: LinqAPIV3, params = PHOTO, bytes = PNG_BYTES) {
  const ticket = await sdk.attachments.create(params);
  const res = await upload(ticket, bytes);
  expect(res.status, await res.clone().text()).toBe(200);
  return ticket;
}

async function expectUploadError(res: Response, status: number, code: number, text: RegExp) {
  expect(res.status).toBe(status);
  const envelope = expectErrorEnvelope(await res.json(), status, code);
  expect(envelope.error.message).toMatch(text);
}

describe("conformance: the attachment pre-upload flow", () => {
  const ctx = useConformanceEmulator();

  it("creates (200), uploads, retrieves, downloads and deletes an attachment", async () => {
    const { sdk, emulator } = ctx();
    const before = Date.now();
    const { data: ticket, response } = await sdk.attachments.create(PHOTO).withResponse();
    expect(response.status).toBe(200);
    expect(ticket.attachment_id).toMatch(UUID);
    expect(ticket.http_method).toBe("PUT");
    expect(ticket.required_headers).toEqual({
      "Content-Type": "image/png",
      "Content-Length": String(PNG_BYTES.length),
    });
    // Served by the emulator itself, outside the API's /v3 paths.
    const uploadUrl = new URL(ticket.upload_url);
    expect(uploadUrl.origin).toBe(emulator.origin);
    expect(uploadUrl.pathname).not.toContain("/v3/");
    expect(new URL(ticket.download_url).origin).toBe(emulator.origin);
    const expires = Date.parse(ticket.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + FIFTEEN_MINUTES - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + FIFTEEN_MINUTES + 1000);

    const pending = await sdk.attachments.retrieve(ticket.attachment_id);
    expect(pending).toMatchObject({
      id: ticket.attachment_id,
      filename: "photo.png",
      content_type: "image/png",
      size_bytes: PNG_BYTES.length,
      status: "pending",
    });
    expect(pending.download_url).toBeUndefined();
    expect(Date.parse(pending.created_at)).toBeGreaterThanOrEqual(before - 1000);

    const put = await upload(ticket);
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);

    const complete = await sdk.attachments.retrieve(ticket.attachment_id);
    expect(complete.status).toBe("complete");
    expect(complete.download_url).toBe(ticket.download_url);
    const download = await fetch(ticket.download_url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG_BYTES);

    const deleted = await sdk.attachments.delete(ticket.attachment_id).withResponse();
    expect(deleted.response.status).toBe(204);
    await expectApiError(sdk.attachments.retrieve(ticket.attachment_id), NotFoundError, 404, 2003);
    await expectApiError(sdk.attachments.delete(ticket.attachment_id), NotFoundError, 404, 2003);
    expect((await fetch(ticket.download_url)).status).toBe(404);
  });

  it("accepts every other SupportedContentType; rejects WebP and SVG (400/5004, decision)", async () => {
    const { sdk } = ctx();
    for (const content_type of ["application/pdf", "video/mp4", "audio/mpeg"] as const) {
      const t = await sdk.attachments.create({ filename: "f", content_type, size_bytes: 10 });
      expect(t.required_headers["Content-Type"]).toBe(content_type);
    }
    for (const content_type of ["image/webp", "image/svg+xml"] as const) {
      const { envelope } = await expectApiError(
        sdk.attachments.create({ filename: "x", content_type, size_bytes: 10 }),
        BadRequestError,
        400,
        5004,
      );
      expect(envelope.error.message).toContain(content_type);
    }
  });
});

describe("conformance: attachment errors", () => {
  const ctx = useConformanceEmulator();
  const create = (sdk: LinqAPIV3, body: Record<string, unknown>) =>
    sdk.attachments.create({ ...PHOTO, ...body } as AttachmentCreateParams);

  it("rejects missing fields with 400/1001", async () => {
    const { sdk } = ctx();
    for (const field of ["filename", "content_type", "size_bytes"]) {
      const { envelope } = await expectApiError(
        create(sdk, { [field]: undefined }),
        BadRequestError,
        400,
        1001,
      );
      expect(envelope.error.message).toContain(field);
    }
  });

  it("rejects an unsupported content_type (FLAC, an executable) with 400/5004", async () => {
    const { sdk } = ctx();
    for (const content_type of ["audio/flac", "application/x-msdownload", "image/png; q=1"]) {
      await expectApiError(create(sdk, { content_type }), BadRequestError, 400, 5004);
    }
  });

  it("rejects size_bytes above 100 MB with 400/5005, and a size below 1 or fractional with 400/1005", async () => {
    const { sdk } = ctx();
    const max = 100 * 1024 * 1024;
    await expect(create(sdk, { size_bytes: max })).resolves.toMatchObject({ http_method: "PUT" });
    await expectApiError(create(sdk, { size_bytes: max + 1 }), BadRequestError, 400, 5005);
    for (const size_bytes of [0, -5, 1.5, "10"]) {
      await expectApiError(create(sdk, { size_bytes }), BadRequestError, 400, 1005);
    }
  });

  it("rejects a filename with a path or over 255 characters with 400/1005", async () => {
    const { sdk } = ctx();
    for (const filename of ["../etc/passwd", "a\\b.png", "x".repeat(256), ".."]) {
      await expectApiError(create(sdk, { filename }), BadRequestError, 400, 1005);
    }
  });

  it("answers 400/1005 for a non-UUID id and 404/2003 for an unknown one (retrieve and delete)", async () => {
    const { sdk } = ctx();
    await expectApiError(sdk.attachments.retrieve("not-a-uuid"), BadRequestError, 400, 1005);
    await expectApiError(sdk.attachments.delete("not-a-uuid"), BadRequestError, 400, 1005);
    await expectApiError(sdk.attachments.retrieve(UNKNOWN_UUID), NotFoundError, 404, 2003);
    await expectApiError(sdk.attachments.delete(UNKNOWN_UUID), NotFoundError, 404, 2003);
  });
});

describe("conformance: attachments of another token", () => {
  const ctx = useConformanceEmulator({ tokens: ["tok-a", "tok-b"] });

  it("answers 404/2003 to another token on retrieve and delete, and keeps the attachment", async () => {
    const a = ctx().sdkWith({ apiKey: "tok-a" });
    const b = ctx().sdkWith({ apiKey: "tok-b" });
    const ticket = await uploaded(a);
    const other = await expectApiError(
      b.attachments.retrieve(ticket.attachment_id),
      NotFoundError,
      404,
      2003,
    );
    const unknown = await expectApiError(
      b.attachments.retrieve(UNKNOWN_UUID),
      NotFoundError,
      404,
      2003,
    );
    // Existence is not revealed: the answer reads like the one for an id that never existed.
    expect(other.envelope.error.message.replace(ticket.attachment_id, "ID")).toBe(
      unknown.envelope.error.message.replace(UNKNOWN_UUID, "ID"),
    );
    await expectApiError(b.attachments.delete(ticket.attachment_id), NotFoundError, 404, 2003);
    expect((await a.attachments.retrieve(ticket.attachment_id)).status).toBe("complete");
  });
});

describe("conformance: the presigned upload", () => {
  const ctx = useConformanceEmulator();

  it("refuses a body whose size differs from size_bytes with 400/1005 and stays pending", async () => {
    const { sdk } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    const short = PNG_BYTES.subarray(1);
    await expectUploadError(
      await upload(ticket, short, {
        ...ticket.required_headers,
        "Content-Length": String(short.length),
      }),
      400,
      1005,
      new RegExp(`has ${short.length} bytes but .* size_bytes ${PNG_BYTES.length}`),
    );
    const long = Buffer.concat([PNG_BYTES, Buffer.from("!")]);
    await expectUploadError(
      await upload(ticket, long, {
        ...ticket.required_headers,
        "Content-Length": String(long.length),
      }),
      400,
      1005,
      /size_bytes/,
    );
    expect((await sdk.attachments.retrieve(ticket.attachment_id)).status).toBe("pending");
  });

  it("refuses a wrong or missing required header with 403/2005", async () => {
    const { sdk } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    await expectUploadError(
      await upload(ticket, PNG_BYTES, { ...ticket.required_headers, "Content-Type": "image/jpeg" }),
      403,
      2005,
      /Content-Type must be exactly "image\/png".*got "image\/jpeg"/,
    );
    // A Uint8Array body makes fetch send no Content-Type at all.
    await expectUploadError(
      await upload(ticket, PNG_BYTES, { "Content-Length": String(PNG_BYTES.length) }),
      403,
      2005,
      /Content-Type must be exactly .*\(got none\)/,
    );
    expect((await sdk.attachments.retrieve(ticket.attachment_id)).status).toBe("pending");
  });

  it("refuses a wrong signature with 403/2005 and other methods with 405", async () => {
    const { sdk } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    const forged = new URL(ticket.upload_url);
    forged.searchParams.set("signature", "forged");
    await expectUploadError(
      await upload(ticket, PNG_BYTES, ticket.required_headers, forged.toString()),
      403,
      2005,
      /signature/,
    );
    expect((await fetch(ticket.upload_url)).status).toBe(405);
    expect((await sdk.attachments.retrieve(ticket.attachment_id)).status).toBe("pending");
  });

  it("serves no download before the upload (404/2007 is for sends; the file is 404/2003)", async () => {
    const { sdk } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    const res = await fetch(ticket.download_url);
    await expectUploadError(res, 404, 2003, /never uploaded/);
  });
});

describe("conformance: upload URL expiry (15 minutes, clock moved with fake Date)", () => {
  const ctx = useConformanceEmulator();
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Only Date is faked: timers and sockets keep running, the emulator's clock jumps. */
  function moveClock(byMs: number): void {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + byMs);
  }

  it("accepts the upload just before expires_at", async () => {
    const { sdk } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse(ticket.expires_at) - 1000);
    expect((await upload(ticket)).status).toBe(200);
  });

  it("refuses the upload after 15 minutes with 403/2005; the attachment reads as failed", async () => {
    const { sdk, lineA } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    moveClock(FIFTEEN_MINUTES + 1000);
    await expectUploadError(await upload(ticket), 403, 2005, /expired/);
    expect((await sdk.attachments.retrieve(ticket.attachment_id)).status).toBe("failed");
    const { envelope } = await expectApiError(
      sdk.chats.messages.send(dm.id, {
        message: { parts: [{ type: "media", attachment_id: ticket.attachment_id }] },
      }),
      NotFoundError,
      404,
      2003,
    );
    expect(envelope.error.message).toMatch(/never uploaded.*POST \/v3\/attachments/);
  });

  it("keeps an uploaded attachment usable after its upload URL expired (the id never expires)", async () => {
    const { sdk, lineA } = ctx();
    const ticket = await uploaded(sdk);
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    moveClock(FIFTEEN_MINUTES * 8);
    expect((await sdk.attachments.retrieve(ticket.attachment_id)).status).toBe("complete");
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [{ type: "media", attachment_id: ticket.attachment_id }] },
    });
    expect(sent.message.parts[0]).toMatchObject({ type: "media", id: ticket.attachment_id });
  });
});

describe("conformance: media parts with attachment_id", () => {
  const ctx = useConformanceEmulator();
  const mediaPart = (attachment_id: string) => ({ type: "media" as const, attachment_id });

  it("sends an uploaded attachment in a chat message: the part carries its id and metadata", async () => {
    const { sdk, lineA } = ctx();
    const ticket = await uploaded(sdk);
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.chats.messages
      .send(dm.id, { message: { parts: [TEXT("look"), mediaPart(ticket.attachment_id)] } })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data.message.parts[1]).toEqual({
      type: "media",
      id: ticket.attachment_id,
      filename: "photo.png",
      mime_type: "image/png",
      size_bytes: PNG_BYTES.length,
      url: ticket.download_url,
      reactions: null,
    });
    const listed = await sdk.chats.messages.list(dm.id);
    expect(listed.messages[0]?.parts?.[1]).toMatchObject({ id: ticket.attachment_id });
  });

  it("creates a chat whose first message is an uploaded attachment (201)", async () => {
    const { sdk, lineA } = ctx();
    const ticket = await uploaded(sdk);
    const { data, response } = await sdk.chats
      .create({
        from: lineA,
        to: [recipient(2)],
        message: { parts: [mediaPart(ticket.attachment_id)] },
      })
      .withResponse();
    expect(response.status).toBe(201);
    expect(data.chat.message.parts[0]).toMatchObject({
      type: "media",
      id: ticket.attachment_id,
      url: ticket.download_url,
    });
  });

  it("answers 404/2007 (not ready) for an attachment not uploaded yet, then sends it once uploaded", async () => {
    const { sdk, lineA } = ctx();
    const ticket = await sdk.attachments.create(PHOTO);
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const send = () =>
      sdk.chats.messages.send(dm.id, { message: { parts: [mediaPart(ticket.attachment_id)] } });
    const { envelope } = await expectApiError(send(), NotFoundError, 404, 2007);
    expect(envelope.error.message).toContain("upload_url");
    await expectApiError(
      sdk.chats.create({
        from: lineA,
        to: [recipient(3)],
        message: { parts: [mediaPart(ticket.attachment_id)] },
      }),
      NotFoundError,
      404,
      2007,
    );
    expect((await upload(ticket)).status).toBe(200);
    await expect(send()).resolves.toMatchObject({ chat_id: dm.id });
  });

  it("answers 404/2003 for an unknown or deleted attachment_id", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const send = (id: string) =>
      sdk.chats.messages.send(dm.id, { message: { parts: [mediaPart(id)] } });
    const { envelope } = await expectApiError(send(UNKNOWN_UUID), NotFoundError, 404, 2003);
    expect(envelope.error.message).toContain("message.parts[0]");
    const ticket = await uploaded(sdk);
    await sdk.attachments.delete(ticket.attachment_id);
    await expectApiError(send(ticket.attachment_id), NotFoundError, 404, 2003);
  });
});
