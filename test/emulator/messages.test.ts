import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, call, createChat, expectApiError, text, type Json } from "./emulator-http.js";

const emu = useEmulator();

describe("chat messages", () => {
  it("sends with 202 {chat_id, message}; links are allowed after the first message", async () => {
    const dm = await createChat(emu, [ALICE]);
    const r = await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {
      message: { parts: [{ type: "link", value: "https://example.com" }] },
    });
    expect(r.status).toBe(202);
    expect(r.json.chat_id).toBe(dm.id);
    expect(r.json.message).toMatchObject({
      delivery_status: "sent",
      parts: [{ type: "link", value: "https://example.com", reactions: null }],
    });
    const withUrl = await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {
      message: text("see https://example.com"),
    });
    expect(withUrl.status).toBe(202);
  });

  it("enforces the part rules with 400/1004 and a missing message with 400/1001", async () => {
    const dm = await createChat(emu, [ALICE]);
    const send = (message: unknown) =>
      call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message });
    expectApiError(
      await send({
        parts: [
          { type: "text", value: "a" },
          { type: "link", value: "https://x.com" },
        ],
      }),
      400,
      1004,
    );
    expectApiError(
      await send({
        parts: Array.from({ length: 101 }, (_, i) =>
          i % 2 ? { type: "media", url: "https://x.com/a.png" } : { type: "text", value: "t" },
        ),
      }),
      400,
      1004,
    );
    expectApiError(
      await send({ parts: [{ type: "media", url: "https://x.com/a.png", attachment_id: "x" }] }),
      400,
      1004,
    );
    expectApiError(await send({ parts: [{ type: "media" }] }), 400, 1004);
    expectApiError(await send({ parts: [{ type: "carrier-pigeon" }] }), 400, 1004);
    expectApiError(await send({ parts: [] }), 400, 1001);
    expectApiError(await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {}), 400, 1001);
    expectApiError(
      await send({
        parts: [{ type: "text", value: "x" }],
        effect: { type: "screen", name: "rain" },
      }),
      400,
      1005,
    );
    expectApiError(
      await send({ parts: [{ type: "text", value: "x" }], preferred_service: "Fax" }),
      400,
      1005,
    );
  });

  it("allows up to 40 url media parts and refuses 41 (400/1004)", async () => {
    const dm = await createChat(emu, [ALICE]);
    const media = (n: number) => ({
      parts: Array.from({ length: n }, () => ({ type: "media", url: "https://x.com/a.png" })),
    });
    expect(
      (await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: media(40) })).status,
    ).toBe(202);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: media(41) }),
      400,
      1004,
    );
  });

  it("checks reply_to against the chat's messages (404/2002)", async () => {
    const dm = await createChat(emu, [ALICE]);
    const other = await createChat(emu, [BOB]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {
        message: text("re", { reply_to: { message_id: other.message.id } }),
      }),
      404,
      2002,
    );
    const ok = await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {
      message: text("re", { reply_to: { message_id: dm.message.id } }),
    });
    expect(ok.json.message.reply_to).toEqual({ message_id: dm.message.id });
  });

  it("lists newest first with cursor pagination (default 50)", async () => {
    const dm = await createChat(emu, [ALICE], text("m0"));
    for (let i = 1; i <= 4; i++)
      await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: text(`m${i}`) });
    const all = await call(emu, "GET", `/v3/chats/${dm.id}/messages`);
    expect(all.json.messages.map((m: Json) => m.parts[0].value)).toEqual([
      "m4",
      "m3",
      "m2",
      "m1",
      "m0",
    ]);
    expect(all.json.next_cursor).toBeNull();
    expect(all.json.messages[0]).toMatchObject({
      chat_id: dm.id,
      is_from_me: true,
      from: emu.phoneNumbers[0],
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await call(
        emu,
        "GET",
        `/v3/chats/${dm.id}/messages?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.json.messages.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.messages.map((m: Json) => m.parts[0].value));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["m4", "m3", "m2", "m1", "m0"]);
  });

  it("retrieves a message by id, 404/2002 for unknown ids", async () => {
    const dm = await createChat(emu, [ALICE]);
    expect((await call(emu, "GET", `/v3/messages/${dm.message.id}`)).json.id).toBe(dm.message.id);
    expectApiError(
      await call(emu, "GET", "/v3/messages/00000000-0000-4000-8000-000000000000"),
      404,
      2002,
    );
  });
});

describe("per-pair message limit", () => {
  it("can be turned off through the control API", async () => {
    await emu.control.rateLimit({ rps: 0, pair_limit: false });
    const dm = await createChat(emu, [ALICE]);
    for (let i = 1; i <= 31; i++) {
      expect(
        (await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: text(`m${i}`) })).status,
      ).toBe(202);
    }
  });

  it("allows 30 messages per minute from a line to one recipient, then 429/1007 with Retry-After", async () => {
    const dm = await createChat(emu, [ALICE]);
    for (let i = 1; i < 30; i++) {
      expect(
        (await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: text(`m${i}`) })).status,
      ).toBe(202);
    }
    const limited = await call(emu, "POST", `/v3/chats/${dm.id}/messages`, {
      message: text("one too many"),
    });
    expectApiError(limited, 429, 1007);
    expect(limited.headers.get("retry-after")).toBe(String(limited.json.error.retry_after));
    expect((await call(emu, "GET", `/v3/chats/${dm.id}/messages`)).json.messages).toHaveLength(30);
    // A group containing the same person is refused too: the pair is full.
    const group = await call(emu, "POST", "/v3/chats", {
      from: emu.phoneNumbers[0],
      to: [ALICE, BOB],
      message: text("hi"),
    });
    expectApiError(group, 429, 1007);
    expect((await createChat(emu, [BOB])).id).toEqual(expect.any(String));
  });
});

describe("iMessage app cards", () => {
  const app = (teamId = "ABCDE12345") => ({
    parts: [
      {
        type: "imessage_app",
        app: { bundle_id: "com.example.app", name: "Example", team_id: teamId },
        layout: { caption: "Hello" },
      },
    ],
  });

  it("sends an app card in an iMessage chat", async () => {
    const dm = await createChat(emu, [ALICE]);
    const r = await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: app() });
    expect(r.status).toBe(202);
    expect(r.json.message.parts[0]).toMatchObject({
      type: "imessage_app",
      layout: { caption: "Hello" },
    });
  });

  it("refuses an invalid app (400/1008) and non-iMessage delivery (409/2018)", async () => {
    const dm = await createChat(emu, [ALICE]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: app("abc") }),
      400,
      1008,
    );
    const viaSms = { ...app(), preferred_service: "SMS" };
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/messages`, { message: viaSms }),
      409,
      2018,
    );
    await emu.control.setHandleService(BOB, "SMS");
    const sms = await createChat(emu, [BOB]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${sms.id}/messages`, { message: app() }),
      409,
      2018,
    );
  });
});
