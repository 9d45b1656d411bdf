/**
 * Messages by id through the official SDK (linq-api-v3.md §5.5): the auto-from send, edit,
 * delete, reactions, thread and app-card update — success shapes and each documented error
 * (SDK error class, HTTP status, our error code).
 */
import { describe, expect, it } from "vitest";
import { BadRequestError, ConflictError, NotFoundError, PermissionDeniedError } from "@linqapp/sdk";
import type LinqAPIV3 from "@linqapp/sdk";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient, TEXT, UNKNOWN_UUID } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APP_CARD = {
  type: "imessage_app" as const,
  app: { bundle_id: "com.example.scores", name: "Scores", team_id: "ABCDE12345" },
  layout: { caption: "Score: 0 – 0" },
  url: "https://app.example.com/card?game=1",
};

async function thread(
  sdk: LinqAPIV3,
  id: string,
  query: { order?: "asc" | "desc"; limit?: number } = {},
) {
  const out: string[] = [];
  for await (const m of sdk.messages.listMessagesThread(id, query)) out.push(m.id);
  return out;
}

describe("conformance: POST /v3/messages (auto-from send)", () => {
  const ctx = useConformanceEmulator();

  it("creates a chat on a line of the token when none exists: 202, new_best_number", async () => {
    const { sdk, lineA, lineB } = ctx();
    const { data, response } = await sdk.messages
      .create({ to: [recipient(1)], message: { parts: [TEXT("Hi there")] } })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data.chat_id).toMatch(UUID);
    expect(data.created_new_chat).toBe(true);
    expect([lineA, lineB]).toContain(data.from);
    expect(data.from_selection).toEqual({ reason: "new_best_number", reused_existing_chat: false });
    expect(data.is_group).toBe(false);
    expect(data.service).toBe("iMessage");
    expect(data.previous_chat_id ?? null).toBeNull();
    expect(data.handles.map((h) => h.handle).sort()).toEqual([data.from, recipient(1)].sort());
    expect(data.handles.find((h) => h.is_me)?.handle).toBe(data.from);
    expect(data.message.id).toMatch(UUID);
    expect(data.message.parts[0]).toMatchObject({ type: "text", value: "Hi there" });
    const chat = await sdk.chats.retrieve(data.chat_id);
    expect(chat.handles.map((h) => h.handle)).toContain(recipient(1));
  });

  it("reuses the chat with exactly these recipients (order ignored): reused_active_chat", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const data = await sdk.messages.create({
      to: [recipient(2), recipient(1)],
      message: { parts: [TEXT("Into the same group")] },
    });
    expect(data.chat_id).toBe(group.id);
    expect(data.created_new_chat).toBe(false);
    expect(data.from).toBe(lineA);
    expect(data.is_group).toBe(true);
    expect(data.from_selection).toEqual({
      reason: "reused_active_chat",
      reused_existing_chat: true,
    });
    const listed = await sdk.chats.messages.list(group.id);
    expect(listed.messages.map((m) => m.id)).toContain(data.message.id);
  });

  it("fails over from a CRITICAL chat to a new chat on another line, sending continuation_message instead", async () => {
    const { sdk, lineA, lineB, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await control.simulate({ type: "chat.health", chat_id: dm.id, status: "CRITICAL" });
    const data = await sdk.messages.create({
      to: [recipient(1)],
      message: { parts: [TEXT("original content")] },
      continuation_message: { text: "Hi, this is our new number" },
    });
    expect(data.from_selection).toEqual({
      reason: "failover_flagged",
      reused_existing_chat: false,
    });
    expect(data.created_new_chat).toBe(true);
    expect(data.previous_chat_id).toBe(dm.id);
    expect(data.chat_id).not.toBe(dm.id);
    expect(data.from).toBe(lineB);
    expect(data.message.parts).toEqual([
      expect.objectContaining({ type: "text", value: "Hi, this is our new number" }),
    ]);
  });

  it("allows a link as the first message of a new chat (§5.5.1)", async () => {
    const { sdk } = ctx();
    const data = await sdk.messages.create({
      to: [recipient(3)],
      message: { parts: [{ type: "link", value: "https://example.com/welcome" }] },
    });
    expect(data.created_new_chat).toBe(true);
    expect(data.message.parts[0]).toMatchObject({ type: "link" });
  });

  it("replays a send with the same Idempotency-Key header: same body, one message", async () => {
    const { sdk } = ctx();
    const params = {
      to: [recipient(1)],
      message: { parts: [TEXT("exactly once")] },
      "Idempotency-Key": "auto-from-1",
    };
    const first = await sdk.messages.create(params);
    const second = await sdk.messages.create(params);
    expect(second).toEqual(first);
    const listed = await sdk.chats.messages.list(first.chat_id);
    expect(listed.messages).toHaveLength(1);
  });

  it("refuses a bad request with the documented codes", async () => {
    const { sdk, lineA } = ctx();
    const send = (body: unknown) => sdk.messages.create(body as never);
    await expectApiError(send({ message: { parts: [TEXT("x")] } }), BadRequestError, 400, 1001);
    await expectApiError(send({ to: [recipient(1)] }), BadRequestError, 400, 1001);
    await expectApiError(
      send({ to: ["555-0100"], message: { parts: [TEXT("x")] } }),
      BadRequestError,
      400,
      1002,
    );
    await expectApiError(
      send({ to: [lineA], message: { parts: [TEXT("x")] } }),
      BadRequestError,
      400,
      1005,
    );
    await expectApiError(
      send({ to: [recipient(1)], message: { parts: [TEXT("a"), TEXT("b")] } }),
      BadRequestError,
      400,
      1004,
    );
    await expectApiError(
      send({
        to: [recipient(1)],
        message: { parts: [TEXT("x")], idempotency_key: "in-body" },
        "Idempotency-Key": "in-header",
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses a send to recipients whose chat is OPTED_OUT with 403/2008 (emulator decision)", async () => {
    const { sdk, lineA, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await control.simulate({ type: "chat.health", chat_id: dm.id, status: "OPTED_OUT" });
    await expectApiError(
      sdk.messages.create({ to: [recipient(1)], message: { parts: [TEXT("again?")] } }),
      PermissionDeniedError,
      403,
      2008,
    );
  });
});

describe("conformance: PATCH /v3/messages/{id} (edit)", () => {
  const ctx = useConformanceEmulator();

  it("edits a text part: 200 Message with the new text", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)], "tpyo");
    const { data, response } = await sdk.messages
      .update(dm.message.id, { text: "typo fixed" })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.id).toBe(dm.message.id);
    expect(data.chat_id).toBe(dm.id);
    expect(data.parts?.[0]).toMatchObject({ type: "text", value: "typo fixed" });
    expect(Date.parse(data.updated_at)).toBeGreaterThanOrEqual(Date.parse(data.created_at));
    const read = await sdk.messages.retrieve(dm.message.id);
    expect(read.parts?.[0]).toMatchObject({ value: "typo fixed" });
  });

  it("edits the part named by part_index", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: {
        parts: [
          TEXT("one"),
          { type: "media", url: "https://cdn.example.com/a.png" },
          TEXT("three"),
        ],
      },
    });
    const edited = await sdk.messages.update(sent.message.id, { text: "3", part_index: 2 });
    expect(edited.parts?.map((p) => ("value" in p ? p.value : p.type))).toEqual([
      "one",
      "media",
      "3",
    ]);
  });

  it("refuses an unknown message (404/2002), missing text (400/1001), a bad part_index (400/1005)", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.messages.update(UNKNOWN_UUID, { text: "x" }),
      NotFoundError,
      404,
      2002,
    );
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.messages.update(dm.message.id, {} as never),
      BadRequestError,
      400,
      1001,
    );
    await expectApiError(
      sdk.messages.update(dm.message.id, { text: "x", part_index: 1 }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses editing a part that is not text with 400/1005 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [{ type: "media", url: "https://cdn.example.com/a.png" }] },
    });
    await expectApiError(
      sdk.messages.update(sent.message.id, { text: "x" }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses editing outside iMessage with 409/2017 (emulator decision)", async () => {
    const { sdk, lineA, control } = ctx();
    await control.setHandleService(recipient(4), "SMS");
    const dm = await createChat(sdk, lineA, [recipient(4)]);
    await expectApiError(
      sdk.messages.update(dm.message.id, { text: "x" }),
      ConflictError,
      409,
      2017,
    );
  });

  it("allows 5 edits and refuses the 6th with 409/2015 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    for (let i = 1; i <= 5; i++) await sdk.messages.update(dm.message.id, { text: `v${i}` });
    await expectApiError(
      sdk.messages.update(dm.message.id, { text: "v6" }),
      ConflictError,
      409,
      2015,
    );
    expect((await sdk.messages.retrieve(dm.message.id)).parts?.[0]).toMatchObject({ value: "v5" });
  });

  it("refuses an edit after you left the chat with 409/2013", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await sdk.chats.leaveChat(group.id);
    await expectApiError(
      sdk.messages.update(group.message.id, { text: "x" }),
      ConflictError,
      409,
      2013,
    );
  });
});

describe("conformance: DELETE /v3/messages/{id}", () => {
  const ctx = useConformanceEmulator();

  it("deletes from the API's records: 204, then 404/2002 on read", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.messages.delete(dm.message.id).withResponse();
    expect(response.status).toBe(204);
    expect(data).toBeNull();
    await expectApiError(sdk.messages.retrieve(dm.message.id), NotFoundError, 404, 2002);
    expect((await sdk.chats.messages.list(dm.id)).messages).toHaveLength(0);
  });

  it("refuses an unknown message with 404/2002", async () => {
    const { sdk } = ctx();
    await expectApiError(sdk.messages.delete(UNKNOWN_UUID), NotFoundError, 404, 2002);
  });
});

describe("conformance: POST /v3/messages/{id}/reactions", () => {
  const ctx = useConformanceEmulator();

  it("adds and removes a reaction on part 0: 200 {message, status, trace_id}", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.messages
      .addReaction(dm.message.id, { operation: "add", type: "love" })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.trace_id).toBe(response.headers.get("x-trace-id"));
    expect(data.status).toBeTypeOf("string");
    const part = (await sdk.messages.retrieve(dm.message.id)).parts?.[0];
    expect(part?.reactions).toEqual([
      expect.objectContaining({
        type: "love",
        is_me: true,
        custom_emoji: null,
        handle: expect.objectContaining({ handle: lineA, is_me: true }),
      }),
    ]);
    await sdk.messages.addReaction(dm.message.id, { operation: "remove", type: "love" });
    expect((await sdk.messages.retrieve(dm.message.id)).parts?.[0]?.reactions ?? []).toEqual([]);
  });

  it("reacts on the part named by part_index, with a custom emoji", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [TEXT("a"), { type: "media", url: "https://cdn.example.com/a.png" }] },
    });
    await sdk.messages.addReaction(sent.message.id, {
      operation: "add",
      type: "custom",
      custom_emoji: "🎉",
      part_index: 1,
    });
    const parts = (await sdk.messages.retrieve(sent.message.id)).parts ?? [];
    expect(parts[0]?.reactions ?? []).toEqual([]);
    expect(parts[1]?.reactions).toEqual([
      expect.objectContaining({ type: "custom", custom_emoji: "🎉" }),
    ]);
  });

  it("refuses bad requests: 404/2002, 400/1001 (custom without emoji, no operation), 400/1005", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.messages.addReaction(UNKNOWN_UUID, { operation: "add", type: "like" }),
      NotFoundError,
      404,
      2002,
    );
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const id = dm.message.id;
    const react = (body: unknown) => sdk.messages.addReaction(id, body as never);
    await expectApiError(react({ operation: "add", type: "custom" }), BadRequestError, 400, 1001);
    await expectApiError(react({ type: "like" }), BadRequestError, 400, 1001);
    await expectApiError(react({ operation: "toggle", type: "like" }), BadRequestError, 400, 1005);
    await expectApiError(react({ operation: "add", type: "wow" }), BadRequestError, 400, 1005);
    await expectApiError(
      react({ operation: "add", type: "like", part_index: 3 }),
      BadRequestError,
      400,
      1005,
    );
  });
});

describe("conformance: GET /v3/messages/{id}/thread", () => {
  const ctx = useConformanceEmulator();

  it("returns the first message and every reply from any id in the thread, oldest first by default", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)], "root");
    const reply = (to: string, text: string) =>
      sdk.chats.messages.send(dm.id, {
        message: { parts: [TEXT(text)], reply_to: { message_id: to } },
      });
    const r1 = await reply(dm.message.id, "reply 1");
    await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("not in the thread")] } });
    const r2 = await reply(r1.message.id, "reply to reply 1");
    const expected = [dm.message.id, r1.message.id, r2.message.id];
    expect(await thread(sdk, r2.message.id)).toEqual(expected);
    expect(await thread(sdk, dm.message.id, { order: "desc" })).toEqual([...expected].reverse());
    expect(await thread(sdk, r1.message.id, { limit: 1 })).toEqual(expected);
    const page = await sdk.messages.listMessagesThread(dm.message.id, { limit: 2 });
    expect(page.messages).toHaveLength(2);
    expect(page.next_cursor).toBeTruthy();
  });

  it("returns a message outside any thread alone", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    expect(await thread(sdk, dm.message.id)).toEqual([dm.message.id]);
  });

  it("refuses an unknown message (404/2002) and a bad order (400/1005)", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(sdk.messages.listMessagesThread(UNKNOWN_UUID), NotFoundError, 404, 2002);
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.messages.listMessagesThread(dm.message.id, { order: "sideways" as never }),
      BadRequestError,
      400,
      1005,
    );
  });
});

describe("conformance: POST /v3/messages/{id}/update (app card)", () => {
  const ctx = useConformanceEmulator();

  it("sends the redrawn card as a new message with the original app: 202 {chat_id, message}", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const card = await sdk.chats.messages.send(dm.id, { message: { parts: [APP_CARD] } });
    const { data, response } = await sdk.messages
      .updateAppCard(card.message.id, { layout: { caption: "Score: 1 – 0" } })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data.chat_id).toBe(dm.id);
    expect(data.message.id).toMatch(UUID);
    expect(data.message.id).not.toBe(card.message.id);
    expect(data.message.parts[0]).toMatchObject({
      type: "imessage_app",
      app: APP_CARD.app,
      layout: { caption: "Score: 1 – 0" },
      url: APP_CARD.url,
      fallback_text: "Score: 1 – 0",
    });
  });

  it("refuses a target that is not an app card (400/1005), a missing layout (400/1001), an unknown id (404/2002)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.messages.updateAppCard(dm.message.id, { layout: { caption: "x" } }),
      BadRequestError,
      400,
      1005,
    );
    const card = await sdk.chats.messages.send(dm.id, { message: { parts: [APP_CARD] } });
    await expectApiError(
      sdk.messages.updateAppCard(card.message.id, {} as never),
      BadRequestError,
      400,
      1001,
    );
    await expectApiError(
      sdk.messages.updateAppCard(UNKNOWN_UUID, { layout: { caption: "x" } }),
      NotFoundError,
      404,
      2002,
    );
  });
});
