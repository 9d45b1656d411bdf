/**
 * Chats through the official SDK (linq-api-v3.md §5.1): create, list with pagination and
 * filters, retrieve, update, mark read, leave, share contact card, voice memo.
 */
import { describe, expect, it, vi } from "vitest";
import { BadRequestError, ConflictError, NotFoundError } from "@linqapp/sdk";
import type LinqAPIV3 from "@linqapp/sdk";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient, TEXT } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SERVICES = ["iMessage", "SMS", "RCS"];
const DELIVERY_STATUSES = ["pending", "queued", "sent", "delivered", "received", "read", "failed"];

type Chat = Awaited<ReturnType<LinqAPIV3["chats"]["retrieve"]>>;
type ChatHandle = Chat["handles"][number];

function expectChatHandle(h: ChatHandle): void {
  expect(h.id).toMatch(UUID);
  expect(h.handle).toBeTypeOf("string");
  expect(h.joined_at).toMatch(ISO_DATE);
  expect(SERVICES).toContain(h.service);
}

function activeHandles(chat: Chat): string[] {
  return chat.handles
    .filter((h) => h.status === undefined || h.status === null || h.status === "active")
    .map((h) => h.handle)
    .sort();
}

/** §4.4: every field of the Chat object. */
function expectChatObject(chat: Chat): void {
  expect(chat.id).toMatch(UUID);
  expect(chat.created_at).toMatch(ISO_DATE);
  expect(chat.updated_at).toMatch(ISO_DATE);
  expect(chat.display_name === null || typeof chat.display_name === "string").toBe(true);
  expect(typeof chat.is_group).toBe("boolean");
  expect(typeof chat.is_archived).toBe("boolean");
  expect(["HEALTHY", "AT_RISK", "CRITICAL", "OPTED_OUT"]).toContain(chat.health_status.status);
  expect(chat.health_status.doc_url).toBeTypeOf("string");
  expect(chat.health_status.updated_at).toMatch(ISO_DATE);
  expect(chat.handles.length).toBeGreaterThanOrEqual(2);
  chat.handles.forEach(expectChatHandle);
}

function lineOf(chat: Chat): string | undefined {
  return chat.handles.find((h) => h.is_me === true)?.handle;
}

describe("conformance: POST /v3/chats", () => {
  const ctx = useConformanceEmulator();

  it("creates a direct chat: 201 with the chat, its handles (own line is_me) and the first message", async () => {
    const { sdk, lineA } = ctx();
    const { data, response } = await sdk.chats
      .create({ from: lineA, to: [recipient(1)], message: { parts: [TEXT("Hi there")] } })
      .withResponse();
    expect(response.status).toBe(201);
    const chat = data.chat;
    expect(chat.id).toMatch(UUID);
    expect(chat.is_group).toBe(false);
    expect(chat.health_status.status).toBe("HEALTHY");
    expect(SERVICES).toContain(chat.service);
    chat.handles.forEach(expectChatHandle);
    expect(chat.handles.map((h) => h.handle).sort()).toEqual([lineA, recipient(1)].sort());
    expect(chat.handles.find((h) => h.handle === lineA)?.is_me).toBe(true);
    expect(chat.handles.find((h) => h.handle === recipient(1))?.is_me).not.toBe(true);

    const message = chat.message;
    expect(message.id).toMatch(UUID);
    expect(message.created_at).toMatch(ISO_DATE);
    expect(DELIVERY_STATUSES).toContain(message.delivery_status);
    expect(typeof message.is_read).toBe("boolean");
    expect(message.parts).toHaveLength(1);
    expect(message.parts[0]).toMatchObject({ type: "text", value: "Hi there" });
    expect(message.sent_at === null || ISO_DATE.test(message.sent_at)).toBe(true);
  });

  it("creates a group chat when there are two or more recipients", async () => {
    const { sdk, lineA } = ctx();
    const chat = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    expect(chat.is_group).toBe(true);
    expect(chat.handles.map((h) => h.handle).sort()).toEqual(
      [lineA, recipient(1), recipient(2)].sort(),
    );
  });

  it("accepts an email recipient (emails are iMessage handles)", async () => {
    const chat = await createChat(ctx().sdk, ctx().lineA, ["alice@example.com"]);
    expect(chat.handles.map((h) => h.handle)).toContain("alice@example.com");
  });

  it("creates the chat on the requested line when the token owns several", async () => {
    const { sdk, lineB } = ctx();
    const chat = await createChat(sdk, lineB, [recipient(1)]);
    expect(chat.handles.find((h) => h.is_me === true)?.handle).toBe(lineB);
  });
});

describe("conformance: POST /v3/chats recipients and idempotency (emulator decisions, §12 q1/q19)", () => {
  const ctx = useConformanceEmulator();

  it("collapses duplicate recipients into one (a DM stays a DM)", async () => {
    const { sdk, lineA } = ctx();
    const chat = await createChat(sdk, lineA, [recipient(1), recipient(1)]);
    expect(chat.is_group).toBe(false);
    expect(chat.handles.map((h) => h.handle).sort()).toEqual([lineA, recipient(1)].sort());
  });

  it("refuses the sending line among the recipients with 400/1005", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.chats.create({
        from: lineA,
        to: [recipient(1), lineA],
        message: { parts: [TEXT("hi")] },
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("always creates a new chat for a repeated participant set without a key (no find-or-create)", async () => {
    const { sdk, lineA } = ctx();
    const a = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const b = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    expect(b.id).not.toBe(a.id);
  });

  it("refuses a reused idempotency_key with a different request with 400/1005 and creates nothing", async () => {
    const { sdk, lineA } = ctx();
    const message = (text: string) => ({ parts: [TEXT(text)], idempotency_key: "create-k" });
    const first = await sdk.chats.create({
      from: lineA,
      to: [recipient(1)],
      message: message("hi"),
    });
    await expectApiError(
      sdk.chats.create({ from: lineA, to: [recipient(2)], message: message("hi") }),
      BadRequestError,
      400,
      1005,
    );
    const all: string[] = [];
    for await (const c of sdk.chats.listChats()) all.push(c.id);
    expect(all).toEqual([first.chat.id]);
  });

  it("scopes idempotency keys per line: the same key on another line is a different key", async () => {
    const { sdk, lineA, lineB } = ctx();
    const body = (from: string) => ({
      from,
      to: [recipient(1)],
      message: { parts: [TEXT("hi")], idempotency_key: "per-line" },
    });
    const onA = await sdk.chats.create(body(lineA));
    const onB = await sdk.chats.create(body(lineB));
    expect(onB.chat.id).not.toBe(onA.chat.id);
  });

  it("answers a replay with the original 201", async () => {
    const { sdk, lineA } = ctx();
    const body = {
      from: lineA,
      to: [recipient(1)],
      message: { parts: [TEXT("hi")], idempotency_key: "again" },
    };
    await sdk.chats.create(body);
    const { response } = await sdk.chats.create(body).withResponse();
    expect(response.status).toBe(201);
  });
});

describe("conformance: GET /v3/chats", () => {
  const ctx = useConformanceEmulator();

  it("pages with the SDK's auto-paginating iterator and yields every chat exactly once", async () => {
    const { sdk, lineA, control } = ctx();
    const created = new Set<string>();
    for (let i = 0; i < 7; i++) created.add((await createChat(sdk, lineA, [recipient(i + 1)])).id);

    const seen: string[] = [];
    for await (const chat of sdk.chats.listChats({ limit: 3 })) seen.push(chat.id);
    expect(seen.length).toBe(7);
    expect(new Set(seen)).toEqual(created);

    // 7 chats at 3 per page: the SDK must have followed next_cursor to a third page.
    const listCalls = (await control.requests()).filter(
      (r) => r.method === "GET" && r.path.split("?")[0]?.endsWith("/v3/chats"),
    );
    expect(listCalls.length).toBe(3);
  });

  it("returns {chats, next_cursor}: a default page of 20 with a cursor, and null at the end", async () => {
    const { sdk, lineA } = ctx();
    for (let i = 0; i < 21; i++) await createChat(sdk, lineA, [recipient(i + 1)]);
    const first = await sdk.chats.listChats();
    expect(first.chats).toHaveLength(20);
    expect(first.next_cursor).toBeTruthy();
    first.chats.forEach(expectChatObject);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.chats).toHaveLength(1);
    expect(second.hasNextPage()).toBe(false);
    const raw = await fetch(
      `${ctx().emulator.baseUrl}/v3/chats?limit=20&cursor=${encodeURIComponent(first.next_cursor)}`,
      { headers: { authorization: `Bearer ${ctx().emulator.token}` } },
    );
    const body = (await raw.json()) as { next_cursor: unknown };
    expect(body.next_cursor === null || body.next_cursor === "").toBe(true);
  });

  it("filters by `from` (the sending line) and, without it, lists every line's chats", async () => {
    const { sdk, lineA, lineB } = ctx();
    const onA = await createChat(sdk, lineA, [recipient(1)]);
    const onB = await createChat(sdk, lineB, [recipient(2)]);

    const fromA: Chat[] = [];
    for await (const chat of sdk.chats.listChats({ from: lineA })) fromA.push(chat);
    expect(fromA.map((c) => c.id)).toEqual([onA.id]);
    expect(fromA.every((c) => lineOf(c) === lineA)).toBe(true);

    const fromB: string[] = [];
    for await (const chat of sdk.chats.listChats({ from: lineB })) fromB.push(chat.id);
    expect(fromB).toEqual([onB.id]);

    const all: string[] = [];
    for await (const chat of sdk.chats.listChats()) all.push(chat.id);
    expect(all.sort()).toEqual([onA.id, onB.id].sort());
  });

  it("filters by `to` (a participant handle), combined with `from`", async () => {
    const { sdk, lineA, lineB } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await createChat(sdk, lineA, [recipient(3)]);
    const otherLine = await createChat(sdk, lineB, [recipient(1)]);

    const withR1: string[] = [];
    for await (const chat of sdk.chats.listChats({ to: recipient(1) })) withR1.push(chat.id);
    expect(withR1.sort()).toEqual([dm.id, group.id, otherLine.id].sort());

    const withR1OnA: string[] = [];
    for await (const chat of sdk.chats.listChats({ from: lineA, to: recipient(1) }))
      withR1OnA.push(chat.id);
    expect(withR1OnA.sort()).toEqual([dm.id, group.id].sort());
  });

  it("lists oldest first, in creation order (emulator decision; order UNSETTLED)", async () => {
    const { sdk, lineA } = ctx();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createChat(sdk, lineA, [recipient(i + 1)])).id);
    const seen: string[] = [];
    for await (const chat of sdk.chats.listChats({ limit: 2 })) seen.push(chat.id);
    expect(seen).toEqual(ids);
  });

  it("filters by an email participant", async () => {
    const { sdk, lineA } = ctx();
    const chat = await createChat(sdk, lineA, ["alice@example.com"]);
    await createChat(sdk, lineA, [recipient(1)]);
    const found: string[] = [];
    for await (const c of sdk.chats.listChats({ to: "alice@example.com" })) found.push(c.id);
    expect(found).toEqual([chat.id]);
  });
});

describe("conformance: GET /v3/chats/{chatId}", () => {
  const ctx = useConformanceEmulator();

  it("returns the full Chat object (§4.4) with both handles", async () => {
    const { sdk, lineA } = ctx();
    const created = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const { data: chat, response } = await sdk.chats.retrieve(created.id).withResponse();
    expect(response.status).toBe(200);
    expectChatObject(chat);
    expect(chat.id).toBe(created.id);
    expect(chat.is_group).toBe(true);
    expect(activeHandles(chat)).toEqual([lineA, recipient(1), recipient(2)].sort());
    expect(chat.handles.find((h) => h.handle === lineA)?.is_me).toBe(true);
  });

  it("reports a changed health status (simulate chat.health OPTED_OUT)", async () => {
    const { sdk, lineA, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await control.simulate({ type: "chat.health", chat_id: dm.id, status: "OPTED_OUT" });
    const chat = await sdk.chats.retrieve(dm.id);
    expect(chat.health_status.status).toBe("OPTED_OUT");
    expect(chat.health_status.updated_at).toMatch(ISO_DATE);
  });

  it("defaults display_name to the recipients' handles when no name was set (§8)", async () => {
    const { sdk, lineA } = ctx();
    const created = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const chat = await sdk.chats.retrieve(created.id);
    expect(chat.display_name).toContain(recipient(1));
    expect(chat.display_name).toContain(recipient(2));
    expect(chat.display_name).toContain(",");
  });
});

describe("conformance: PUT /v3/chats/{chatId}", () => {
  const ctx = useConformanceEmulator();

  it("renames a group: 200 {chat_id, status: pending}, then reads show the new name", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const { data, response } = await sdk.chats
      .update(group.id, { display_name: "Eng On-Call" })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ chat_id: group.id, status: "pending" });
    // Queued operation (§5.1.4): visible in reads once processed (emulator --async-ms, default 0).
    await vi.waitFor(async () => {
      expect((await sdk.chats.retrieve(group.id)).display_name).toBe("Eng On-Call");
    });
  });

  it("sets a group icon", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const icon = "https://cdn.example.com/oncall.png";
    const data = await sdk.chats.update(group.id, { group_chat_icon: icon });
    expect(data).toMatchObject({ chat_id: group.id, status: "pending" });
    await vi.waitFor(async () => {
      expect((await sdk.chats.retrieve(group.id)).group_chat_icon).toBe(icon);
    });
  });

  it('clears a group name with "" so reads fall back to the participants (emulator decision, §12 q10)', async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await sdk.chats.update(group.id, { display_name: "Temporary" });
    await vi.waitFor(async () =>
      expect((await sdk.chats.retrieve(group.id)).display_name).toBe("Temporary"),
    );
    await sdk.chats.update(group.id, { display_name: "" });
    await vi.waitFor(async () => {
      const name = (await sdk.chats.retrieve(group.id)).display_name;
      expect(name).not.toBe("Temporary");
      expect(name ?? "").not.toBe("");
    });
  });

  it("refuses a non-https icon with 400 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(
      sdk.chats.update(group.id, { group_chat_icon: "http://cdn.example.com/x.png" }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses to rename a direct chat with ConflictError 409/1006", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.update(dm.id, { display_name: "Nope" }),
      ConflictError,
      409,
      1006,
    );
    await expectApiError(
      sdk.chats.update(dm.id, { group_chat_icon: "https://cdn.example.com/x.png" }),
      ConflictError,
      409,
      1006,
    );
  });
});

describe("conformance: POST /v3/chats/{chatId}/read", () => {
  const ctx = useConformanceEmulator();

  it("marks a chat read: 204 with no body (SDK resolves to undefined/null)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const response = await sdk.chats.markAsRead(dm.id).asResponse();
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    await expect(sdk.chats.markAsRead(dm.id)).resolves.toBeFalsy();
  });
});

describe("conformance: POST /v3/chats/{chatId}/leave", () => {
  const ctx = useConformanceEmulator();

  async function groupOfFour(sdk: LinqAPIV3, line: string) {
    return createChat(sdk, line, [recipient(1), recipient(2), recipient(3)]);
  }

  it("leaves an iMessage group of four: 202 queued acknowledgement (emulator decision; UNSETTLED 200/202)", async () => {
    const { sdk, lineA } = ctx();
    const group = await groupOfFour(sdk, lineA);
    const { data, response } = await sdk.chats.leaveChat(group.id).withResponse();
    expect(response.status).toBe(202);
    expect(data.status).toBe("accepted");
    expect(data.message).toBeTypeOf("string");
  });

  it("refuses every interaction after leaving with ConflictError 409/2013", async () => {
    const { sdk, lineA } = ctx();
    const group = await groupOfFour(sdk, lineA);
    await sdk.chats.leaveChat(group.id);
    await vi.waitFor(() =>
      expectApiError(
        sdk.chats.messages.send(group.id, { message: { parts: [TEXT("still here?")] } }),
        ConflictError,
        409,
        2013,
      ),
    );
    await expectApiError(sdk.chats.markAsRead(group.id), ConflictError, 409, 2013);
    await expectApiError(
      sdk.chats.update(group.id, { display_name: "x" }),
      ConflictError,
      409,
      2013,
    );
    await expectApiError(sdk.chats.typing.start(group.id), ConflictError, 409, 2013);
    await expectApiError(
      sdk.chats.participants.add(group.id, { handle: recipient(9) }),
      ConflictError,
      409,
      2013,
    );
    await expectApiError(
      sdk.chats.participants.remove(group.id, { handle: recipient(1) }),
      ConflictError,
      409,
      2013,
    );
    await expectApiError(sdk.chats.location.request(group.id), ConflictError, 409, 2013);
    await expectApiError(sdk.chats.shareContactCard(group.id), ConflictError, 409, 2013);
    await expectApiError(sdk.chats.leaveChat(group.id), ConflictError, 409, 2013);
  });

  it("refuses to leave a direct chat with 409/1006 (emulator decision; code UNSETTLED) and the chat stays usable", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(sdk.chats.leaveChat(dm.id), ConflictError, 409, 1006);
    await expect(
      sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("still here")] } }),
    ).resolves.toHaveProperty("message");
  });

  it("refuses to leave a group of three, counting yourself, with 409/2015 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(sdk.chats.leaveChat(group.id), ConflictError, 409, 2015);
    await expect(
      sdk.chats.messages.send(group.id, { message: { parts: [TEXT("still here")] } }),
    ).resolves.toHaveProperty("message");
  });
});

describe("conformance: leaving a non-iMessage group", () => {
  const ctx = useConformanceEmulator();

  it("refuses to leave an SMS group with 409/2017 (emulator decision; only iMessage groups can be left)", async () => {
    const { sdk, lineA, control } = ctx();
    for (const n of [1, 2, 3]) await control.setHandleService(recipient(n), "SMS");
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    expect(group.service).toBe("SMS");
    await expectApiError(sdk.chats.leaveChat(group.id), ConflictError, 409, 2017);
  });
});

describe("conformance: POST /v3/chats/{chatId}/share_contact_card", () => {
  const ctx = useConformanceEmulator();

  it("shares the line's configured contact card: 204", async () => {
    const { sdk, lineA } = ctx();
    await sdk.contactCard.create({ phone_number: lineA, first_name: "Acme", last_name: "Support" });
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const response = await sdk.chats.shareContactCard(dm.id).asResponse();
    expect(response.status).toBe(204);
  });

  it("refuses to share when the line has no contact card with 404/2012 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(sdk.chats.shareContactCard(dm.id), NotFoundError, 404, 2012);
  });
});

describe("conformance: POST /v3/chats/{chatId}/voicememo", () => {
  const ctx = useConformanceEmulator();

  it("sends a voice memo from a URL: 202 with the voice_memo object", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.chats
      .sendVoicememo(dm.id, { voice_memo_url: "https://cdn.example.com/memo.m4a" })
      .withResponse();
    expect(response.status).toBe(202);
    const memo = data.voice_memo;
    expect(memo.id).toMatch(UUID);
    expect(memo.from).toBe(lineA);
    expect(memo.to).toEqual([recipient(1)]);
    expect(memo.status).toBeTypeOf("string");
    expect(memo.created_at).toMatch(ISO_DATE);
    expect(memo.chat.id).toBe(dm.id);
    expect(memo.chat.is_group).toBe(false);
    expect(memo.chat.handles.map((h) => h.handle).sort()).toEqual([lineA, recipient(1)].sort());
    expect(memo.voice_memo.id).toBeTypeOf("string");
    expect(memo.voice_memo.filename).toBeTypeOf("string");
    expect(memo.voice_memo.mime_type).toMatch(/^audio\//);
    expect(memo.voice_memo.url).toMatch(/^https:\/\//);
    expect(typeof memo.voice_memo.size_bytes).toBe("number");
  });

  it("refuses a body with neither voice_memo_url nor attachment_id with 400/1001", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(sdk.chats.sendVoicememo(dm.id, {}), BadRequestError, 400, 1001);
  });

  it("refuses a body with both voice_memo_url and attachment_id with 400/1005", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.sendVoicememo(dm.id, {
        voice_memo_url: "https://cdn.example.com/memo.m4a",
        attachment_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
      }),
      BadRequestError,
      400,
      1005,
    );
  });
});
