/**
 * Chat messages through the official SDK (linq-api-v3.md §5.4, §7): send, list with the
 * auto-paginating iterator, message-content rules, the first-message link rule and
 * idempotent sends.
 */
import { describe, expect, it } from "vitest";
import { BadRequestError, NotFoundError, RateLimitError } from "@linqapp/sdk";
import type LinqAPIV3 from "@linqapp/sdk";
import type { MessageSendParams } from "@linqapp/sdk/resources/chats/messages";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient, TEXT, UNKNOWN_UUID } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MEDIA = (url: string) => ({ type: "media" as const, url });
type Part = MessageSendParams["message"]["parts"][number];

async function allMessages(sdk: LinqAPIV3, chatId: string, limit?: number) {
  const out = [];
  for await (const m of sdk.chats.messages.list(chatId, limit === undefined ? {} : { limit }))
    out.push(m);
  return out;
}

describe("conformance: POST /v3/chats/{chatId}/messages", () => {
  const ctx = useConformanceEmulator();

  it("sends a text message: 202 {chat_id, message: SentMessage}", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.chats.messages
      .send(dm.id, { message: { parts: [TEXT("Second message")] } })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data.chat_id).toBe(dm.id);
    expect(data.message.id).toMatch(UUID);
    expect(data.message.id).not.toBe(dm.message.id);
    expect(data.message.created_at).toMatch(ISO_DATE);
    expect(data.message.parts).toEqual([
      expect.objectContaining({ type: "text", value: "Second message" }),
    ]);
    expect(data.message.from_handle?.handle ?? lineA).toBe(lineA);
  });

  it("allows a link part and URLs in text after the first message (§5.1.1 rule is create-only)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const link = await sdk.chats.messages.send(dm.id, {
      message: { parts: [{ type: "link", value: "https://example.com/docs" }] },
    });
    expect(link.message.parts[0]).toMatchObject({
      type: "link",
      value: "https://example.com/docs",
    });
    const text = await sdk.chats.messages.send(dm.id, {
      message: { parts: [TEXT("See https://example.com/runbook")] },
    });
    expect(text.message.parts[0]).toMatchObject({
      type: "text",
      value: "See https://example.com/runbook",
    });
  });

  it("accepts text, media, text (text parts separated by media are fine)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [TEXT("before"), MEDIA("https://cdn.example.com/a.png"), TEXT("after")] },
    });
    expect(sent.message.parts.map((p) => p.type)).toEqual(["text", "media", "text"]);
  });

  it("replays a send with the same idempotency_key: same message id, nothing sent twice", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const body = { message: { parts: [TEXT("exactly once")], idempotency_key: "send-once-1" } };
    const first = await sdk.chats.messages.send(dm.id, body);
    const second = await sdk.chats.messages.send(dm.id, body);
    expect(second.message.id).toBe(first.message.id);
    expect(await allMessages(sdk, dm.id)).toHaveLength(2);
  });

  it("refuses the same idempotency_key with a different message with 400/1005 (emulator decision, idempotency.ts)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await sdk.chats.messages.send(dm.id, {
      message: { parts: [TEXT("one")], idempotency_key: "k" },
    });
    await expectApiError(
      sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("two")], idempotency_key: "k" } }),
      BadRequestError,
      400,
      1005,
    );
    expect(await allMessages(sdk, dm.id)).toHaveLength(2);
  });
});

describe("conformance: message content rules (§7.3)", () => {
  const ctx = useConformanceEmulator();

  async function expectRefused(parts: Part[], code: number) {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.messages.send(dm.id, { message: { parts } }),
      BadRequestError,
      400,
      code,
    );
    expect(await allMessages(sdk, dm.id)).toHaveLength(1);
  }

  it("refuses a link part that is not alone with 400/1004", async () => {
    await expectRefused([TEXT("look"), { type: "link", value: "https://example.com" }], 1004);
  });

  it("refuses consecutive text parts with 400/1004", async () => {
    await expectRefused([TEXT("one"), TEXT("two")], 1004);
  });

  it("refuses more than 100 parts with 400/1004", async () => {
    const parts: Part[] = Array.from({ length: 101 }, (_, i) =>
      i % 2 === 0
        ? TEXT(`t${i}`)
        : { type: "media" as const, attachment_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a" },
    );
    await expectRefused(parts, 1004);
  });

  it("refuses more than 40 media parts with a public url with 400/1004 (inferred)", async () => {
    const parts: Part[] = Array.from({ length: 41 }, (_, i) =>
      MEDIA(`https://cdn.example.com/${i}.png`),
    );
    await expectRefused(parts, 1004);
  });

  it("refuses a media part with both url and attachment_id with 400/1004 (inferred)", async () => {
    await expectRefused(
      [
        {
          type: "media",
          url: "https://cdn.example.com/a.png",
          attachment_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        },
      ],
      1004,
    );
  });

  it("refuses a text part over 10,000 characters with 400/1004", async () => {
    await expectRefused([TEXT("x".repeat(10_001))], 1004);
  });

  it("refuses a link URL over 2,048 characters with 400/1004 (inferred)", async () => {
    await expectRefused([{ type: "link", value: `https://example.com/${"a".repeat(2048)}` }], 1004);
  });

  it("refuses a non-HTTPS media url with 400/1004 (inferred)", async () => {
    await expectRefused([MEDIA("http://cdn.example.com/a.png")], 1004);
  });

  it("refuses an idempotency_key over 255 characters with 400/1005", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.messages.send(dm.id, {
        message: { parts: [TEXT("hi")], idempotency_key: "k".repeat(256) },
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses an unknown effect name with 400/1005 and accepts a known one (§7.4)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.messages.send(dm.id, {
        message: { parts: [TEXT("hi")], effect: { type: "screen", name: "slam" } },
      }),
      BadRequestError,
      400,
      1005,
    );
    const ok = await sdk.chats.messages.send(dm.id, {
      message: { parts: [TEXT("hi")], effect: { type: "screen", name: "confetti" } },
    });
    expect(ok.message.effect).toEqual({ type: "screen", name: "confetti" });
  });

  it("refuses a message without parts with 400/1001", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.messages.send(dm.id, { message: {} as MessageSendParams["message"] }),
      BadRequestError,
      400,
      1001,
    );
  });
});

describe("conformance: first-message rule on POST /v3/chats (§5.1.1)", () => {
  const ctx = useConformanceEmulator();

  it("refuses a URL inside the first message's text with 400/1005 and creates no chat", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.chats.create({
        from: lineA,
        to: [recipient(1)],
        message: { parts: [TEXT("Join https://example.com/x")] },
      }),
      BadRequestError,
      400,
      1005,
    );
    expect((await sdk.chats.listChats()).chats).toEqual([]);
  });

  it("refuses a link part as the first message with 400/1005", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.chats.create({
        from: lineA,
        to: [recipient(1)],
        message: { parts: [{ type: "link", value: "https://example.com" }] },
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("applies the part rules to the first message too (consecutive text → 1004)", async () => {
    const { sdk, lineA } = ctx();
    await expectApiError(
      sdk.chats.create({
        from: lineA,
        to: [recipient(1)],
        message: { parts: [TEXT("a"), TEXT("b")] },
      }),
      BadRequestError,
      400,
      1004,
    );
  });
});

describe("conformance: GET /v3/chats/{chatId}/messages", () => {
  const ctx = useConformanceEmulator();

  it("lists Message objects (§4.5) for the chat, including the first message", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)], "first");
    await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("second")] } });
    const { data: page, response } = await sdk.chats.messages.list(dm.id).withResponse();
    expect(response.status).toBe(200);
    expect(page.messages).toHaveLength(2);
    expect(page.next_cursor === null || page.next_cursor === "").toBe(true);
    for (const m of page.messages) {
      expect(m.id).toMatch(UUID);
      expect(m.chat_id).toBe(dm.id);
      expect(m.created_at).toMatch(ISO_DATE);
      expect(m.updated_at).toMatch(ISO_DATE);
      expect(m.is_from_me).toBe(true);
      expect(typeof m.is_delivered).toBe("boolean");
      expect(typeof m.is_read).toBe("boolean");
    }
    const texts = page.messages
      .map((m) => (m.parts?.[0] as { value?: string } | undefined)?.value)
      .sort();
    expect(texts).toEqual(["first", "second"]);
    expect(page.messages.map((m) => m.id)).toContain(dm.message.id);
  });

  it("pages with the auto-paginating iterator and yields each message once", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const ids = new Set([dm.message.id]);
    for (let i = 0; i < 6; i++) {
      ids.add(
        (await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT(`m${i}`)] } })).message.id,
      );
    }
    const first = await sdk.chats.messages.list(dm.id, { limit: 3 });
    expect(first.messages).toHaveLength(3);
    expect(first.next_cursor).toBeTruthy();
    const listed = await allMessages(sdk, dm.id, 3);
    expect(listed).toHaveLength(7);
    expect(new Set(listed.map((m) => m.id))).toEqual(ids);
  });

  it("lists newest first (emulator decision; order UNSETTLED)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const ids = [dm.message.id];
    for (let i = 0; i < 4; i++) {
      ids.push(
        (await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT(`m${i}`)] } })).message.id,
      );
    }
    expect((await allMessages(sdk, dm.id, 2)).map((m) => m.id)).toEqual([...ids].reverse());
  });

  it("pages 50 messages by default (emulator decision; [OLDSPEC] default)", async () => {
    const { sdk, lineA, control } = ctx();
    // 51 messages to one recipient exceed the 30/60 s pair limit; switch it off for this test.
    const settings: Parameters<typeof control.rateLimit>[0] = { rps: 0 };
    await control.rateLimit(Object.assign(settings, { pair_limit: false }));
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    for (let i = 0; i < 50; i++) {
      await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT(`m${i}`)] } });
    }
    const first = await sdk.chats.messages.list(dm.id);
    expect(first.messages).toHaveLength(50);
    expect(first.next_cursor).toBeTruthy();
    expect((await first.getNextPage()).messages).toHaveLength(1);
  });

  it("keeps chats' messages apart", async () => {
    const { sdk, lineA } = ctx();
    const a = await createChat(sdk, lineA, [recipient(1)]);
    const b = await createChat(sdk, lineA, [recipient(2)]);
    await sdk.chats.messages.send(a.id, { message: { parts: [TEXT("for a")] } });
    expect((await allMessages(sdk, b.id)).map((m) => m.chat_id)).toEqual([b.id]);
  });
});

describe("conformance: GET /v3/messages/{messageId}", () => {
  const ctx = useConformanceEmulator();

  it("retrieves a sent message as a Message object", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("find me")] } });
    const { data, response } = await sdk.messages.retrieve(sent.message.id).withResponse();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ id: sent.message.id, chat_id: dm.id, is_from_me: true });
    expect(data.parts?.[0]).toMatchObject({ type: "text", value: "find me" });
  });

  it("answers an unknown message id with NotFoundError 404/2002", async () => {
    await expectApiError(ctx().sdk.messages.retrieve(UNKNOWN_UUID), NotFoundError, 404, 2002);
  });
});

describe("conformance: per sender→recipient pair limit (§2.5: 30 messages per rolling 60 s)", () => {
  const ctx = useConformanceEmulator();

  it("refuses the 31st message to the same recipient within a minute with RateLimitError 429/1007 and Retry-After", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]); // message 1 of the pair
    for (let i = 2; i <= 30; i++) {
      await sdk.chats.messages.send(dm.id, { message: { parts: [TEXT(`message ${i}`)] } });
    }
    const { error, envelope } = await expectApiError(
      sdk.chats.messages.send(dm.id, { message: { parts: [TEXT("message 31")] } }),
      RateLimitError,
      429,
      1007,
    );
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(envelope.error.retry_after).toBe(Number(error.headers?.get("retry-after")));
    // The limit is per pair: another recipient from the same line is unaffected.
    const other = await createChat(sdk, lineA, [recipient(2)]);
    await expect(
      sdk.chats.messages.send(other.id, { message: { parts: [TEXT("fine")] } }),
    ).resolves.toHaveProperty("message");
  });
});
