import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, call, createChat, expectApiError, text } from "./emulator-http.js";

const emu = useEmulator({ tokens: ["tok-1", "tok-2"] });

describe("message.idempotency_key", () => {
  it("POST /v3/chats: a repeat returns the original 201 body and creates no second chat or message", async () => {
    const body = {
      from: emu.phoneNumbers[0],
      to: [ALICE, BOB],
      message: text("Welcome", { idempotency_key: "k-create-1" }),
    };
    const first = await call(emu, "POST", "/v3/chats", body);
    const second = await call(emu, "POST", "/v3/chats", { ...body, to: [BOB, ALICE] });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    const list = await call(emu, "GET", "/v3/chats");
    expect(list.json.chats).toHaveLength(1);
    const msgs = await call(emu, "GET", `/v3/chats/${first.json.chat.id}/messages`);
    expect(msgs.json.messages).toHaveLength(1);
  });

  it("message sends: a repeat returns the same message id and status", async () => {
    const chat = await createChat(emu, [ALICE]);
    const send = () =>
      call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
        message: text("again", { idempotency_key: "k-send-1" }),
      });
    const a = await send();
    const b = await send();
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.json.message.id).toBe(a.json.message.id);
    expect((await call(emu, "GET", `/v3/chats/${chat.id}/messages`)).json.messages).toHaveLength(2);
  });

  it("the same key with a different payload is 400/1005 and creates nothing", async () => {
    const chat = await createChat(emu, [ALICE]);
    await call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
      message: text("one", { idempotency_key: "k-x" }),
    });
    expectApiError(
      await call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
        message: text("two", { idempotency_key: "k-x" }),
      }),
      400,
      1005,
    );
    expect((await call(emu, "GET", `/v3/chats/${chat.id}/messages`)).json.messages).toHaveLength(2);
  });

  it("is scoped per token: another token with the same key creates its own chat", async () => {
    const body = {
      from: emu.phoneNumbers[0],
      to: [ALICE],
      message: text("hi", { idempotency_key: "k-scope" }),
    };
    const a = await call(emu, "POST", "/v3/chats", body, { token: "tok-1" });
    const b = await call(emu, "POST", "/v3/chats", body, { token: "tok-2" });
    expect(b.json.chat.id).not.toBe(a.json.chat.id);
  });

  it("is scoped per line: the same key from another line creates its own chat", async () => {
    const [l1, l2] = emu.phoneNumbers as [string, string];
    const a = await call(emu, "POST", "/v3/chats", {
      from: l1,
      to: [ALICE],
      message: text("hi", { idempotency_key: "k-line" }),
    });
    const b = await call(emu, "POST", "/v3/chats", {
      from: l2,
      to: [ALICE],
      message: text("hi", { idempotency_key: "k-line" }),
    });
    expect(b.json.chat.id).not.toBe(a.json.chat.id);
  });

  it("without a key, a repeat creates a second chat (no find-or-create)", async () => {
    const body = { from: emu.phoneNumbers[0], to: [ALICE], message: text("hi") };
    const a = await call(emu, "POST", "/v3/chats", body);
    const b = await call(emu, "POST", "/v3/chats", body);
    expect(b.json.chat.id).not.toBe(a.json.chat.id);
  });

  it("rejects keys longer than 255 characters (400/1005)", async () => {
    const chat = await createChat(emu, [ALICE]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
        message: text("x", { idempotency_key: "k".repeat(256) }),
      }),
      400,
      1005,
    );
  });
});

describe("POST /v3/chats with chatCreateDedup: false (the other reading of §12.1)", () => {
  const noDedup = useEmulator({ chatCreateDedup: false });

  it("a repeated key makes a second chat with its own welcome message", async () => {
    const body = {
      from: noDedup.phoneNumbers[0],
      to: [ALICE, BOB],
      message: text("Welcome", { idempotency_key: "k-create-nodedup" }),
    };
    const first = await call(noDedup, "POST", "/v3/chats", body);
    const second = await call(noDedup, "POST", "/v3/chats", body);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json.chat.id).not.toBe(first.json.chat.id);
    expect((await call(noDedup, "GET", "/v3/chats")).json.chats).toHaveLength(2);
  });

  it("message sends in a chat still deduplicate (§7.6 documents that)", async () => {
    const chat = await createChat(noDedup, [ALICE]);
    const send = () =>
      call(noDedup, "POST", `/v3/chats/${chat.id}/messages`, {
        message: text("again", { idempotency_key: "k-send-nodedup" }),
      });
    expect((await send()).json.message.id).toBe((await send()).json.message.id);
  });
});
