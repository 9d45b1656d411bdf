/**
 * Attachment internals the conformance suite cannot reach through the SDK: where uploaded
 * bytes are kept (memory, or beside the --data file — never inside its JSON), reset, and the
 * media-part check when the caller names its token (another token's attachment → 404/2003).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import LinqAPIV3 from "@linqapp/sdk";
import { AccountStore, type AttachmentRecord } from "../../src/emulator/account-store.js";
import { ApiError } from "../../src/emulator/api-error.js";
import { AttachmentBytes } from "../../src/emulator/attachment-bytes.js";
import { parseMessageContent, toResponseParts } from "../../src/emulator/message-content.js";
import { startTestEmulator, type StartedEmulator } from "../support/emulator.js";

const dirs: string[] = [];
const running: StartedEmulator[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDataFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "chatsync-emu-attach-"));
  dirs.push(dir);
  return join(dir, "account.json");
}

function sdkFor(e: StartedEmulator): LinqAPIV3 {
  return new LinqAPIV3({ apiKey: e.token, baseURL: e.baseUrl, maxRetries: 0, webhookSecret: null });
}

async function uploadThrough(e: StartedEmulator, bytes: Buffer) {
  const ticket = await sdkFor(e).attachments.create({
    filename: "report.pdf",
    content_type: "application/pdf",
    size_bytes: bytes.length,
  });
  const res = await fetch(ticket.upload_url, {
    method: "PUT",
    headers: ticket.required_headers,
    body: bytes,
  });
  expect(res.status).toBe(200);
  return ticket;
}

describe("attachment bytes with --data", () => {
  it("keeps the bytes beside the data file, not in its JSON, and a second emulator serves them", async () => {
    const dataFile = tempDataFile();
    const first = await startTestEmulator({ dataFile });
    running.push(first);
    // Large enough that its presence in the JSON would show in the file size.
    const bytes = Buffer.alloc(256 * 1024, 7);
    const ticket = await uploadThrough(first, bytes);

    expect(statSync(dataFile).size).toBeLessThan(bytes.length / 4);
    const saved = JSON.parse(readFileSync(dataFile, "utf8")) as { attachments: AttachmentRecord[] };
    expect(saved.attachments.map((a) => a.id)).toEqual([ticket.attachment_id]);
    expect(readFileSync(join(`${dataFile}.attachments`, ticket.attachment_id))).toEqual(bytes);

    await first.close();
    running.splice(0);
    const second = await startTestEmulator({ dataFile });
    running.push(second);
    const again = await sdkFor(second).attachments.retrieve(ticket.attachment_id);
    expect(again.status).toBe("complete");
    const download = await fetch(again.download_url as string);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it("removes the bytes on delete and on reset", async () => {
    const dataFile = tempDataFile();
    const emu = await startTestEmulator({ dataFile });
    running.push(emu);
    const deleted = await uploadThrough(emu, Buffer.from("one"));
    const kept = await uploadThrough(emu, Buffer.from("two"));
    await sdkFor(emu).attachments.delete(deleted.attachment_id);
    const folder = `${dataFile}.attachments`;
    expect(existsSync(join(folder, deleted.attachment_id))).toBe(false);
    expect(existsSync(join(folder, kept.attachment_id))).toBe(true);
    await emu.control.reset();
    expect(existsSync(folder)).toBe(false);
    expect((await fetch(kept.download_url)).status).toBe(404);
  });
});

describe("AttachmentBytes in memory", () => {
  it("puts, gets, deletes and clears without touching the disk", () => {
    const bytes = new AttachmentBytes(undefined);
    bytes.put("a", Buffer.from("x"));
    bytes.put("b", Buffer.from("y"));
    expect(bytes.get("a")?.toString()).toBe("x");
    bytes.delete("a");
    expect(bytes.get("a")).toBeUndefined();
    bytes.clear();
    expect(bytes.get("b")).toBeUndefined();
  });
});

describe("parseMessageContent: attachment_id parts scoped to a token", () => {
  const now = new Date();
  function storeWith(record: Partial<AttachmentRecord>): AccountStore {
    const store = AccountStore.open({ tokens: ["tok-a", "tok-b"] });
    store.state.attachments.push({
      id: "0d6f7a52-0c1b-4d7e-9a7e-3f2c1b0a9e8d",
      token: "tok-a",
      filename: "a.png",
      content_type: "image/png",
      size_bytes: 3,
      created_at: now.toISOString(),
      upload_expires_at: new Date(now.getTime() + 60_000).toISOString(),
      upload_signature: "s",
      uploaded_at: now.toISOString(),
      download_url: "http://127.0.0.1:1/cdn/attachments/x/a.png",
      ...record,
    });
    return store;
  }
  const message = {
    parts: [{ type: "media", attachment_id: "0d6f7a52-0c1b-4d7e-9a7e-3f2c1b0a9e8d" }],
  };

  function codeOf(fn: () => unknown): number | undefined {
    try {
      fn();
    } catch (err) {
      if (err instanceof ApiError) return err.status * 10_000 + err.code;
      throw err;
    }
    return undefined;
  }

  it("refuses another token's attachment with 404/2003, as if it did not exist", () => {
    const store = storeWith({});
    expect(
      codeOf(() => parseMessageContent(message, { firstMessage: false, store, token: "tok-b" })),
    ).toBe(404 * 10_000 + 2003);
  });

  it("sends the owner's attachment with its id, metadata and download URL", () => {
    const store = storeWith({});
    const content = parseMessageContent(message, { firstMessage: false, store, token: "tok-a" });
    expect(toResponseParts(content)[0]).toEqual({
      type: "media",
      id: "0d6f7a52-0c1b-4d7e-9a7e-3f2c1b0a9e8d",
      filename: "a.png",
      mime_type: "image/png",
      size_bytes: 3,
      url: "http://127.0.0.1:1/cdn/attachments/x/a.png",
      reactions: null,
    });
  });

  it("answers 404/2007 while the upload is still possible, 404/2003 once it expired unused", () => {
    const pending = storeWith({ uploaded_at: null });
    expect(
      codeOf(() =>
        parseMessageContent(message, { firstMessage: false, store: pending, token: "tok-a" }),
      ),
    ).toBe(404 * 10_000 + 2007);
    const failed = storeWith({
      uploaded_at: null,
      upload_expires_at: new Date(now.getTime() - 1000).toISOString(),
    });
    expect(
      codeOf(() =>
        parseMessageContent(message, { firstMessage: false, store: failed, token: "tok-a" }),
      ),
    ).toBe(404 * 10_000 + 2003);
  });
});

describe("attachment_id parts through the API", () => {
  it("a send with another token's attachment is refused with 404/2003, one with its own is sent", async () => {
    const e = await startTestEmulator({ tokens: ["tok-owner", "tok-other"] });
    running.push(e);
    const owner = new LinqAPIV3({
      apiKey: "tok-owner",
      baseURL: e.baseUrl,
      maxRetries: 0,
      webhookSecret: null,
    });
    const other = new LinqAPIV3({
      apiKey: "tok-other",
      baseURL: e.baseUrl,
      maxRetries: 0,
      webhookSecret: null,
    });
    const bytes = Buffer.from("%PDF-1.4 owner's file");
    const ticket = await owner.attachments.create({
      filename: "report.pdf",
      content_type: "application/pdf",
      size_bytes: bytes.length,
    });
    await fetch(ticket.upload_url, {
      method: "PUT",
      headers: ticket.required_headers,
      body: bytes,
    });
    const body = (to: string) => ({
      from: e.phoneNumbers[0]!,
      to: [to],
      message: {
        parts: [
          { type: "text" as const, value: "see attached" },
          { type: "media" as const, attachment_id: ticket.attachment_id },
        ],
      },
    });
    const refused = await other.chats.create(body("+14155550111")).then(
      () => undefined,
      (err: { status?: number; error?: { error?: { code?: number } } }) => err,
    );
    expect(refused?.status).toBe(404);
    expect(refused?.error?.error?.code).toBe(2003);
    const sent = await owner.chats.create(body("+14155550112"));
    expect(sent.chat.message.parts.map((p) => p.type)).toEqual(["text", "media"]);
  });
});
