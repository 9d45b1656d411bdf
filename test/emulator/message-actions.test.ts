/**
 * The emulator's rules behind the §5.5 endpoints: edit limits (with an injected clock and a
 * backdated data file), reuse vs new chat on the auto-from send, idempotency replay, thread
 * grouping and order, and the webhooks these produce.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRecord, MessageRecord } from "../../src/emulator/account-store.js";
import {
  EDIT_WINDOW_MS,
  MAX_EDITS,
  editRefusal,
} from "../../src/emulator/routes/message-actions.js";
import { startTestEmulator, useEmulator } from "../support/emulator.js";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  call,
  createChat,
  expectApiError,
  text,
  type Json,
} from "./emulator-http.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";

const SENT_AT = "2026-03-01T12:00:00.000Z";

function record(parts: MessageRecord["parts"], editCount = 0): MessageRecord {
  return {
    id: randomUUID(),
    seq: 1,
    chat_id: "c",
    created_at: SENT_AT,
    sent_at: SENT_AT,
    parts,
    effect: null,
    preferred_service: null,
    service: "iMessage",
    reply_to: null,
    idempotency_key: null,
    kind: "message",
    edit_count: editCount,
  };
}
const TEXT_PART = { type: "text" as const, value: "hi", reactions: null };
const chatOn = (service: ChatRecord["service"]) => ({ id: "c", service }) as ChatRecord;
const at = (msAfterSend: number) => new Date(Date.parse(SENT_AT) + msAfterSend);

describe("edit limits (pure rule, injected clock)", () => {
  it("allows an edit up to exactly 15 minutes after sending and refuses 1 ms later (409/2015)", () => {
    const m = record([TEXT_PART]);
    expect(editRefusal(m, chatOn("iMessage"), 0, at(EDIT_WINDOW_MS))).toBeUndefined();
    expect(editRefusal(m, chatOn("iMessage"), 0, at(EDIT_WINDOW_MS + 1))).toMatchObject({
      status: 409,
      code: 2015,
    });
  });

  it("allows the 5th edit and refuses the 6th (409/2015)", () => {
    expect(
      editRefusal(record([TEXT_PART], MAX_EDITS - 1), chatOn("iMessage"), 0, at(0)),
    ).toBeUndefined();
    expect(editRefusal(record([TEXT_PART], MAX_EDITS), chatOn("iMessage"), 0, at(0))).toMatchObject(
      { status: 409, code: 2015 },
    );
  });

  it("refuses a non-text part (400/1005) and a non-iMessage chat (409/2017)", () => {
    const media = {
      type: "media" as const,
      id: "a",
      filename: "a.png",
      mime_type: "image/png",
      size_bytes: 0,
      url: "https://cdn.example.com/a.png",
      reactions: null,
    };
    expect(editRefusal(record([media]), chatOn("iMessage"), 0, at(0))).toMatchObject({
      status: 400,
      code: 1005,
    });
    expect(editRefusal(record([TEXT_PART]), chatOn("SMS"), 0, at(0))).toMatchObject({
      status: 409,
      code: 2017,
    });
  });
});

describe("edit window over HTTP (message backdated in the data file)", () => {
  it("refuses editing a message sent 16 minutes ago with 409/2015", async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), "chatsync-edit-")), "emulator.json");
    const emu = await startTestEmulator({ dataFile });
    try {
      const chat = await createChat(emu, [ALICE]);
      const id = chat.message.id as string;
      expect((await call(emu, "PATCH", `/v3/messages/${id}`, { text: "fresh" })).status).toBe(200);
      // Another process may replace the file (README "Persistence"); the emulator re-reads it.
      const state = JSON.parse(readFileSync(dataFile, "utf8"));
      const old = new Date(Date.now() - 16 * 60_000).toISOString();
      for (const m of state.messages) if (m.id === id) m.sent_at = old;
      writeFileSync(`${dataFile}.tmp`, JSON.stringify(state));
      renameSync(`${dataFile}.tmp`, dataFile);
      expectApiError(await call(emu, "PATCH", `/v3/messages/${id}`, { text: "late" }), 409, 2015);
    } finally {
      await emu.close();
    }
  });
});

describe("POST /v3/messages: which chat and line", () => {
  const emu = useEmulator();
  const send = (to: string[], message: unknown = text("hi"), headers = {}) =>
    call(emu, "POST", "/v3/messages", { to, message }, { headers });

  it("spreads new chats over the lines (fewest chats first) and reuses each one after", async () => {
    const [lineA, lineB] = emu.phoneNumbers;
    const first = await send([ALICE]);
    const second = await send([BOB]);
    expect(first.json.from_selection.reason).toBe("new_best_number");
    expect([first.json.from, second.json.from].sort()).toEqual([lineA, lineB].sort());
    const again = await send([BOB]);
    expect(again.json).toMatchObject({
      chat_id: second.json.chat_id,
      from: second.json.from,
      created_new_chat: false,
      from_selection: { reason: "reused_active_chat" },
    });
  });

  it("matches the exact recipient set: a subset, a superset or a DM inside a group is a new chat", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    for (const to of [[ALICE], [ALICE, BOB, CAROL]]) {
      const r = await send(to);
      expect(r.status).toBe(202);
      expect(r.json.chat_id).not.toBe(group.id);
      expect(r.json.created_new_chat).toBe(true);
    }
    expect((await send([BOB, ALICE, BOB])).json.chat_id).toBe(group.id);
  });

  it("does not reuse a chat you left (new chat instead)", async () => {
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    expect((await call(emu, "POST", `/v3/chats/${group.id}/leave`)).status).toBe(202);
    const r = await send([ALICE, BOB, CAROL]);
    expect(r.json.created_new_chat).toBe(true);
    expect(r.json.chat_id).not.toBe(group.id);
  });

  it("reuses an AT_RISK chat; fails over from CRITICAL once, then reuses the new chat", async () => {
    const dm = await createChat(emu, [DAVE]);
    await emu.control.simulate({ type: "chat.health", chat_id: dm.id, status: "AT_RISK" });
    expect((await send([DAVE])).json.chat_id).toBe(dm.id);
    await emu.control.simulate({ type: "chat.health", chat_id: dm.id, status: "CRITICAL" });
    const failover = await send([DAVE]);
    expect(failover.json).toMatchObject({
      from_selection: { reason: "failover_flagged", reused_existing_chat: false },
      previous_chat_id: dm.id,
    });
    expect(failover.json.from).toBe(emu.phoneNumbers[1]);
    // Without continuation_message the original message is the one sent.
    expect(failover.json.message.parts[0].value).toBe("hi");
    const next = await send([DAVE]);
    expect(next.json).toMatchObject({
      chat_id: failover.json.chat_id,
      from_selection: { reason: "reused_active_chat" },
    });
  });

  it("replays by Idempotency-Key header or message.idempotency_key alike; a changed request is 400/1005", async () => {
    const first = await send([ALICE], text("once"), { "idempotency-key": "k-1" });
    const sameKeyInBody = await send([ALICE], text("once", { idempotency_key: "k-1" }));
    expect(sameKeyInBody.status).toBe(202);
    expect(sameKeyInBody.json).toEqual(first.json);
    const state = (await emu.control.state()) as Json;
    expect(state.messages.filter((m: Json) => m.chat_id === first.json.chat_id)).toHaveLength(1);
    expectApiError(await send([ALICE], text("different"), { "idempotency-key": "k-1" }), 400, 1005);
  });
});

describe("POST /v3/messages: a token with one line", () => {
  const emu = useEmulator({ phoneNumbers: ["+12025550177"] });

  it("cannot fail over without another line: 409/2015, and nothing is sent", async () => {
    const dm = await createChat(emu, [ALICE]);
    await emu.control.simulate({ type: "chat.health", chat_id: dm.id, status: "CRITICAL" });
    const r = await call(emu, "POST", "/v3/messages", { to: [ALICE], message: text("x") });
    expectApiError(r, 409, 2015);
    const state = (await emu.control.state()) as Json;
    expect(state.messages).toHaveLength(1);
  });
});

describe("threads", () => {
  const emu = useEmulator();

  it("groups replies to a deleted root under its id, in send order", async () => {
    const chat = await createChat(emu, [ALICE]);
    const root = chat.message.id as string;
    const reply = async (to: string) =>
      (
        await call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
          message: text("re", { reply_to: { message_id: to } }),
        })
      ).json.message.id as string;
    const a = await reply(root);
    const b = await reply(root);
    const c = await reply(a);
    expect((await call(emu, "DELETE", `/v3/messages/${root}`)).status).toBe(204);
    const r = await call(emu, "GET", `/v3/messages/${c}/thread`);
    expect(r.json.messages.map((m: Json) => m.id)).toEqual([a, b, c]);
    const desc = await call(emu, "GET", `/v3/messages/${b}/thread?order=desc&limit=2`);
    expect(desc.json.messages.map((m: Json) => m.id)).toEqual([c, b]);
    const rest = await call(
      emu,
      "GET",
      `/v3/messages/${b}/thread?order=desc&limit=2&cursor=${desc.json.next_cursor}`,
    );
    expect(rest.json).toEqual({
      messages: [expect.objectContaining({ id: a })],
      next_cursor: null,
    });
  });

  it("refuses another token's message with 403/2005", async () => {
    const other = await startTestEmulator({
      tokens: ["tok-a", "tok-b"],
      phoneNumbers: ["+12025550181", "+12025550182"],
      tokenLines: { "tok-b": ["+12025550182"] },
    });
    try {
      const chat = await createChat(other, [ALICE], text("a"), "+12025550181", "tok-a");
      const id = chat.message.id as string;
      const asB = { token: "tok-b" };
      expectApiError(
        await call(other, "GET", `/v3/messages/${id}/thread`, undefined, asB),
        403,
        2005,
      );
      expectApiError(await call(other, "DELETE", `/v3/messages/${id}`, undefined, asB), 403, 2005);
      expectApiError(
        await call(other, "PATCH", `/v3/messages/${id}`, { text: "x" }, asB),
        403,
        2005,
      );
    } finally {
      await other.close();
    }
  });
});

describe("webhooks from the §5.5 endpoints", () => {
  const emu = useEmulator({ allowInsecureWebhooks: true });
  let v2026: WebhookReceiver;
  let v2025: WebhookReceiver;
  beforeAll(async () => {
    v2026 = await startWebhookReceiver();
    v2025 = await startWebhookReceiver();
  });
  afterAll(async () => {
    await v2026.close();
    await v2025.close();
  });
  const EVENTS = [
    "chat.created",
    "message.sent",
    "message.edited",
    "reaction.added",
    "reaction.removed",
  ];
  async function subscribeBoth() {
    v2026.received.length = 0;
    v2025.received.length = 0;
    for (const [r, version] of [
      [v2026, "2026-02-03"],
      [v2025, "2025-01-01"],
    ] as const) {
      const s = await call(emu, "POST", "/v3/webhook-subscriptions", {
        target_url: `${r.url}?version=${version}`,
        subscribed_events: EVENTS,
      });
      expect(s.status, s.text).toBe(201);
    }
  }
  const types = (r: WebhookReceiver) =>
    r.received.map((d) => JSON.parse(d.body).event_type as string).sort();
  const recorded = async () =>
    ((await emu.control.state()) as Json).webhook_deliveries.map((d: Json) => d.event_type);

  it("auto-from send: chat.created and message.sent for a new chat, message.sent alone on reuse", async () => {
    await subscribeBoth();
    const first = await call(emu, "POST", "/v3/messages", { to: [ALICE], message: text("a") });
    await call(emu, "POST", "/v3/messages", { to: [ALICE], message: text("b") });
    await v2026.waitFor(3);
    expect(types(v2026)).toEqual(["chat.created", "message.sent", "message.sent"]);
    const sent = v2026.received
      .map((d) => JSON.parse(d.body))
      .filter((e) => e.event_type === "message.sent");
    expect(sent.map((e) => e.data.chat.id)).toEqual([first.json.chat_id, first.json.chat_id]);
  });

  it("edit: message.edited reaches the 2026-02-03 subscription only, with the §9.7 payload", async () => {
    const chat = await createChat(emu, [ALICE]);
    await subscribeBoth();
    const id = chat.message.id as string;
    expect((await call(emu, "PATCH", `/v3/messages/${id}`, { text: "edited" })).status).toBe(200);
    const [delivery] = await v2026.waitFor(1);
    const event = JSON.parse(delivery?.body ?? "{}");
    expect(event.event_type).toBe("message.edited");
    expect(event.data).toMatchObject({
      id,
      direction: "outbound",
      part: { index: 0, text: "edited" },
      chat: { id: chat.id, is_group: false, owner_handle: { is_me: true } },
      sender_handle: { handle: emu.phoneNumbers[0] },
    });
    expect(event.data.edited_at).toEqual(expect.any(String));
    expect(await recorded()).toEqual(["message.edited"]);
  });

  it("reactions: added, replaced (removed + added), repeated (nothing), removed", async () => {
    const chat = await createChat(emu, [ALICE]);
    await subscribeBoth();
    const id = chat.message.id as string;
    const react = (operation: string, type: string) =>
      call(emu, "POST", `/v3/messages/${id}/reactions`, { operation, type });
    await react("add", "love");
    await react("add", "like");
    await react("add", "like");
    await react("remove", "love");
    await react("remove", "like");
    expect(await recorded()).toEqual(
      ["reaction.added", "reaction.removed", "reaction.added", "reaction.removed"].flatMap((t) => [
        t,
        t,
      ]),
    );
    await v2025.waitFor(4);
    const payloads = v2025.received.map((d) => JSON.parse(d.body));
    expect(payloads.map((e) => `${e.event_type}:${e.data.reaction_type}`).sort()).toEqual([
      "reaction.added:like",
      "reaction.added:love",
      "reaction.removed:like",
      "reaction.removed:love",
    ]);
    expect(payloads[0].data).toMatchObject({
      is_from_me: true,
      chat_id: chat.id,
      message_id: id,
      part_index: 0,
      from_handle: { handle: emu.phoneNumbers[0], is_me: true },
    });
    const read = await call(emu, "GET", `/v3/messages/${id}`);
    expect(read.json.parts[0].reactions).toBeNull();
  });

  it("app-card update fires message.sent for the new message", async () => {
    const chat = await createChat(emu, [ALICE]);
    const card = await call(emu, "POST", `/v3/chats/${chat.id}/messages`, {
      message: {
        parts: [
          {
            type: "imessage_app",
            app: { bundle_id: "com.example.app", name: "Example", team_id: "ABCDE12345" },
            layout: { caption: "v1" },
          },
        ],
      },
    });
    await subscribeBoth();
    const r = await call(emu, "POST", `/v3/messages/${card.json.message.id}/update`, {
      layout: { caption: "v2" },
    });
    expect(r.status).toBe(202);
    const [delivery] = await v2026.waitFor(1);
    expect(JSON.parse(delivery?.body ?? "{}").data.id).toBe(r.json.message.id);
  });
});
