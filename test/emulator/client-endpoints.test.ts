/**
 * The conformance scenarios through OUR client (`LinqClient`) instead of the official SDK:
 * every endpoint the engine may call, against a freshly started emulator — the success shape
 * the client hands back, and each documented error case as a `LinqApiError` carrying the
 * status, our error code and the trace id.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CreateChatRequest, MessageContent } from "../../src/api-wire/types.js";
import { LinqApiError } from "../../src/sync-engine/client/client-errors.js";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, DAVE, type Json } from "./emulator-http.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";

const emu = useEmulator({ allowInsecureWebhooks: true });
let client: LinqClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await client?.close();
  await receiver.close();
});
beforeEach(async () => {
  await client?.close();
  // Retries are the subject of test/client; here every answer must reach the test as sent.
  client = new LinqClient({ token: emu.token, baseUrl: emu.baseUrl, maxRetries: 0 });
  await emu.control.rateLimit({ rps: 0, capability_interval_ms: 0 });
});

const line = () => emu.phoneNumbers[0] as string;
const hello = (value = "Welcome"): MessageContent => ({ parts: [{ type: "text", value }] });
const createBody = (to: string[], message = hello()): CreateChatRequest => ({
  from: line(),
  to,
  message,
});

/** Runs `call`, expects a LinqApiError with `status` and `code`, and returns it. */
async function refused(call: Promise<unknown>, status: number, code: number) {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LinqApiError);
  const apiErr = err as LinqApiError;
  expect({ status: apiErr.status, code: apiErr.code }).toEqual({ status, code });
  expect(apiErr.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(apiErr.message).not.toContain(emu.token);
  return apiErr;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("our client against the emulator: phone numbers and capability", () => {
  it("lists the token's lines", async () => {
    const lines = await client.listPhoneNumbers();
    expect(lines.map((l) => l.phone_number)).toEqual(emu.phoneNumbers);
    expect(lines[0]).toMatchObject({ id: expect.any(String), reputation: { status: "HEALTHY" } });
  });

  it("checks iMessage and RCS capability; a bad address is 400/1002", async () => {
    await emu.control.setHandleService(BOB, "RCS");
    expect(await client.checkIMessage(ALICE)).toEqual({ address: ALICE, available: true });
    expect(await client.checkIMessage(BOB, line())).toEqual({ address: BOB, available: false });
    expect(await client.checkRcs(BOB)).toEqual({ address: BOB, available: true });
    await refused(client.checkRcs("555"), 400, 1002);
  });
});

describe("our client against the emulator: chats", () => {
  it("creates a direct chat and a group chat, retrieves and lists them with filters", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    expect(dm).toMatchObject({ is_group: false, service: "iMessage" });
    expect(dm.message.parts[0]).toMatchObject({ type: "text", value: "Welcome" });
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    expect(group.is_group).toBe(true);
    expect(group.handles.find((h) => h.is_me)?.handle).toBe(line());

    const got = await client.getChat(group.id);
    expect(got).toMatchObject({ id: group.id, is_group: true, display_name: `${ALICE}, ${BOB}` });
    expect((await collect(client.listChats())).map((c) => c.id)).toEqual([dm.id, group.id]);
    expect((await collect(client.listChats({ to: BOB }))).map((c) => c.id)).toEqual([group.id]);
    const page = await client.listChatsPage({ from: line(), limit: 1 });
    expect(page.chats.map((c) => c.id)).toEqual([dm.id]);
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  it("refuses creates by the documented rules", async () => {
    await refused(client.createChat({ ...createBody([ALICE]), from: "2025550100" }), 400, 1002);
    await refused(client.createChat({ ...createBody([ALICE]), from: "+19995550000" }), 403, 2006);
    await refused(client.createChat(createBody([ALICE], hello("see https://x.com"))), 400, 1005);
    await refused(
      client.createChat(createBody([ALICE], { parts: [{ type: "link", value: "https://x.com" }] })),
      400,
      1005,
    );
    const tooMany = Array.from({ length: 32 }, (_, i) => `+1415555${String(1000 + i)}`);
    await refused(client.createChat(createBody(tooMany)), 400, 1005);
    await refused(client.getChat("00000000-0000-4000-8000-000000000000"), 404, 2001);
  });

  it("renames a group and sets its icon (pending); a DM is 409/1006", async () => {
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    expect(
      await client.updateChat(group.id, {
        display_name: "Team",
        group_chat_icon: "https://cdn.example.com/t.png",
      }),
    ).toEqual({ chat_id: group.id, status: "pending" });
    expect(await client.getChat(group.id)).toMatchObject({
      display_name: "Team",
      group_chat_icon: "https://cdn.example.com/t.png",
    });
    const dm = (await client.createChat(createBody([CAROL]))).chat;
    await refused(client.updateChat(dm.id, { display_name: "No" }), 409, 1006);
  });

  it("marks read, shares the contact card once one exists (404/2012 before), sends a voice memo", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    await expect(client.markChatRead(dm.id)).resolves.toBeUndefined();
    await refused(client.shareContactCard(dm.id), 404, 2012);
    await client.createContactCard({ phone_number: line(), first_name: "Acme" });
    await expect(client.shareContactCard(dm.id)).resolves.toBeUndefined();
    const memo = (await client.sendVoiceMemo(dm.id, {
      voice_memo_url: "https://cdn.example.com/hello.m4a",
    })) as Json;
    expect(memo.voice_memo).toMatchObject({
      chat: { id: dm.id },
      voice_memo: { url: expect.any(String) },
    });
  });

  it("leaves a group of 4, after which interactions are 409/2013; smaller groups and DMs refuse", async () => {
    const small = (await client.createChat(createBody([ALICE, BOB]))).chat;
    await refused(client.leaveChat(small.id), 409, 2015);
    const dm = (await client.createChat(createBody([DAVE]))).chat;
    await refused(client.leaveChat(dm.id), 409, 1006);
    const group = (await client.createChat(createBody([ALICE, BOB, CAROL]))).chat;
    expect(await client.leaveChat(group.id)).toMatchObject({ status: "accepted" });
    await refused(client.sendMessage(group.id, hello("still there?")), 409, 2013);
    await refused(client.markChatRead(group.id), 409, 2013);
    await refused(client.addParticipant(group.id, DAVE), 409, 2013);
  });
});

describe("our client against the emulator: participants and typing", () => {
  it("adds to and removes from a group; the rules answer with their codes", async () => {
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    expect(await client.addParticipant(group.id, CAROL)).toMatchObject({ status: "accepted" });
    expect(await client.removeParticipant(group.id, CAROL)).toMatchObject({ status: "accepted" });
    const after = await client.getChat(group.id);
    expect(after.handles.find((h) => h.handle === CAROL)?.status).toBe("removed");
    await refused(client.removeParticipant(group.id, BOB), 409, 2015);
    await refused(client.addParticipant(group.id, "not-a-handle"), 400, 1002);
    await emu.control.setHandleService(DAVE, "SMS");
    await refused(client.addParticipant(group.id, DAVE), 409, 2017);
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    await refused(client.addParticipant(dm.id, BOB), 409, 1006);
  });

  it("starts and stops typing in a DM; a group is 403", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    await expect(client.startTyping(dm.id)).resolves.toBeUndefined();
    await expect(client.stopTyping(dm.id)).resolves.toBeUndefined();
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    await refused(client.startTyping(group.id), 403, 2005);
    await refused(client.stopTyping(group.id), 403, 2005);
  });
});

describe("our client against the emulator: messages and location", () => {
  it("sends (links allowed after the first message) and lists every message", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    const sent = await client.sendMessage(dm.id, {
      parts: [{ type: "link", value: "https://example.com" }],
      effect: { type: "bubble", name: "slam" },
    });
    expect(sent).toMatchObject({ chat_id: dm.id, message: { effect: { name: "slam" } } });
    const all = await collect(client.listMessages(dm.id, { limit: 1 }));
    expect(all.map((m) => m.id).sort()).toEqual([dm.message.id, sent.message.id].sort());
    const page = await client.listMessagesPage(dm.id, { limit: 1 });
    expect(page.messages).toHaveLength(1);
  });

  it("refuses part-rule violations with 400/1004", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    const text = { type: "text" as const, value: "a" };
    await refused(
      client.sendMessage(dm.id, { parts: [text, { type: "link", value: "https://x.com" }] }),
      400,
      1004,
    );
    await refused(client.sendMessage(dm.id, { parts: [text, text] }), 400, 1004);
    await refused(
      client.sendMessage(dm.id, {
        parts: [{ type: "link", value: `https://example.com/${"a".repeat(2048)}` }],
      }),
      400,
      1004,
    );
    const media = { type: "media" as const, url: "https://cdn.example.com/a.png" };
    const parts = Array.from({ length: 101 }, (_, i) => (i % 2 ? media : text));
    await refused(client.sendMessage(dm.id, { parts }), 400, 1004);
  });

  it("requests location in a 1:1 iMessage chat; a group is 409/2016, SMS 409/2017; reads a FeatureCollection", async () => {
    const dm = (await client.createChat(createBody([ALICE]))).chat;
    expect(await client.requestLocation(dm.id)).toEqual({
      success: true,
      message: "Location request sent",
    });
    await emu.control.simulate({
      type: "location.sharing.started",
      chat_id: dm.id,
      handle: ALICE,
      coordinates: [-122.42, 37.77],
    });
    const location = await client.getLocation(dm.id);
    expect(location).toMatchObject({
      success: true,
      data: { type: "FeatureCollection", features: [{ properties: { handle: ALICE } }] },
    });
    expect(location.data.features[0]?.geometry.coordinates).toEqual([-122.42, 37.77]);
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    await refused(client.requestLocation(group.id), 409, 2016);
    await emu.control.setHandleService(CAROL, "SMS");
    const sms = (await client.createChat(createBody([CAROL]))).chat;
    await refused(client.requestLocation(sms.id), 409, 2017);
  });
});

describe("our client against the emulator: webhook subscriptions and contact cards", () => {
  it("creates (secret only at creation), lists, retrieves, updates and deletes a subscription", async () => {
    const created = await client.createWebhookSubscription({
      target_url: receiver.url,
      subscribed_events: ["chat.created"],
      phone_numbers: [line()],
    });
    expect(created.signing_secret).toMatch(/^whsec_/);
    const listed = await client.listWebhookSubscriptions();
    expect(listed.map((s) => s.id)).toEqual([created.id]);
    expect(listed[0]).not.toHaveProperty("signing_secret");
    const got = await client.getWebhookSubscription(created.id);
    expect(got).toMatchObject({ target_url: receiver.url, phone_numbers: [line()] });
    expect(got).not.toHaveProperty("signing_secret");
    const updated = await client.updateWebhookSubscription(created.id, {
      is_active: false,
      phone_numbers: null,
    });
    expect(updated).toMatchObject({ is_active: false, phone_numbers: null });
    await expect(client.deleteWebhookSubscription(created.id)).resolves.toBeUndefined();
    await refused(client.getWebhookSubscription(created.id), 404, 2010);
    expect((await client.listWebhookEvents()).events).toContain("location.sharing.started");
  });

  it("refuses a non-https target (400/1005), a duplicate target (409/2015) and unknown events (400/1005)", async () => {
    await refused(
      client.createWebhookSubscription({
        target_url: "http://hooks.example.com/x",
        subscribed_events: ["chat.created"],
      }),
      400,
      1005,
    );
    await client.createWebhookSubscription({
      target_url: receiver.url,
      subscribed_events: ["chat.created"],
    });
    await refused(
      client.createWebhookSubscription({
        target_url: receiver.url,
        subscribed_events: ["chat.created"],
      }),
      409,
      2015,
    );
    await refused(
      client.createWebhookSubscription({
        target_url: `${receiver.url}?other=1`,
        subscribed_events: ["chat.exploded" as never],
      }),
      400,
      1005,
    );
  });

  it("gets, creates and patches a contact card; a second create is 409/2014", async () => {
    expect(await client.listContactCards(line())).toEqual([]);
    const card = await client.createContactCard({ phone_number: line(), first_name: "Acme" });
    expect(card).toMatchObject({ phone_number: line(), first_name: "Acme", is_active: true });
    await refused(
      client.createContactCard({ phone_number: line(), first_name: "Again" }),
      409,
      2014,
    );
    const patched = await client.updateContactCard(line(), { last_name: "Support" });
    expect(patched).toMatchObject({ first_name: "Acme", last_name: "Support" });
    expect(await client.listContactCards(line())).toEqual([patched]);
    await refused(
      client.updateContactCard(emu.phoneNumbers[1] as string, { first_name: "X" }),
      404,
      2012,
    );
  });
});

describe("our client against the emulator: auth", () => {
  it("an unknown token is 401/2004 and the error never shows the token", async () => {
    const stranger = new LinqClient({
      token: "tok_not_known_secret",
      baseUrl: emu.baseUrl,
      maxRetries: 0,
    });
    try {
      const err = await refused(stranger.listPhoneNumbers(), 401, 2004);
      expect(`${err.message} ${err.stack ?? ""}`).not.toContain("tok_not_known_secret");
    } finally {
      await stranger.close();
    }
  });
});

describe("our client against the emulator: a delete whose response was lost", () => {
  /** A client that turns the emulator's faults off before its first retry. */
  function clientTurningFaultsOffBeforeRetry(): LinqClient {
    return new LinqClient({
      token: emu.token,
      baseUrl: emu.baseUrl,
      baseDelayMs: 1,
      sleep: () => emu.control.faults({ probability: 0 }),
    });
  }
  const loseResponses = () =>
    emu.control.faults({ probability: 1, drop_response_after_commit: true });

  it("reports a participant removal done when the retry finds the person already removed", async () => {
    const group = (await client.createChat(createBody([ALICE, BOB, CAROL]))).chat;
    const retrying = clientTurningFaultsOffBeforeRetry();
    try {
      await loseResponses();
      expect(await retrying.removeParticipant(group.id, CAROL)).toMatchObject({
        status: "accepted",
      });
    } finally {
      await retrying.close();
    }
    const after = await client.getChat(group.id);
    expect(after.handles.find((h) => h.handle === CAROL)?.status).toBe("removed");
    const deletes = (await emu.control.requests()).filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => r.status)).toEqual([202, 409]);
  });

  it("still reports a removal the API refused for another reason", async () => {
    const group = (await client.createChat(createBody([ALICE, BOB]))).chat;
    const retrying = clientTurningFaultsOffBeforeRetry();
    try {
      // The first attempt fails before the API looks at it; the retry meets the real rule.
      await emu.control.faults({ probability: 1, statuses: [503] });
      await refused(retrying.removeParticipant(group.id, BOB), 409, 2015);
    } finally {
      await retrying.close();
    }
  });

  it("reports a webhook subscription delete done when the retry finds it gone", async () => {
    const sub = await client.createWebhookSubscription({
      target_url: receiver.url,
      subscribed_events: ["chat.created"],
    });
    const retrying = clientTurningFaultsOffBeforeRetry();
    try {
      await loseResponses();
      await expect(retrying.deleteWebhookSubscription(sub.id)).resolves.toBeUndefined();
    } finally {
      await retrying.close();
    }
    expect(await client.listWebhookSubscriptions()).toEqual([]);
  });

  it("retries a contact card update after a 5xx: the PATCH sets fixed values", async () => {
    await client.createContactCard({ phone_number: line(), first_name: "Acme" });
    const retrying = clientTurningFaultsOffBeforeRetry();
    try {
      await emu.control.faults({ probability: 1, statuses: [503] });
      expect(await retrying.updateContactCard(line(), { last_name: "Support" })).toMatchObject({
        first_name: "Acme",
        last_name: "Support",
      });
    } finally {
      await retrying.close();
    }
    const patches = (await emu.control.requests()).filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.status)).toEqual([503, 200]);
  });
});
