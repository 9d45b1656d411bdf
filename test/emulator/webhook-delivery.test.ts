import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackTarget } from "../../src/emulator/webhook-dispatcher.js";
import { startTestEmulator, useEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, DAVE, call, createChat, text, type Json } from "./emulator-http.js";
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from "./webhook-receiver.js";

const emu = useEmulator({ allowInsecureWebhooks: true });
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});

async function subscribe(
  events: string[],
  extra: Record<string, unknown> = {},
  url = receiver.url,
) {
  receiver.received.length = 0;
  const r = await call(emu, "POST", "/v3/webhook-subscriptions", {
    target_url: url,
    subscribed_events: events,
    ...extra,
  });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; signing_secret: string };
}

function envelope(d: ReceivedDelivery): Json {
  return JSON.parse(d.body);
}

describe("webhook delivery", () => {
  it("signs per Standard Webhooks (Webhook.verify passes) with webhook-id = event_id and the §9.6 envelope", async () => {
    const sub = await subscribe(["chat.created", "message.sent"]);
    const chat = await createChat(emu, [ALICE]);
    const got = await receiver.waitFor(2);
    const verifier = new Webhook(sub.signing_secret);
    for (const d of got) {
      const payload = verifier.verify(d.body, d.headers as Record<string, string>) as Json;
      expect(payload.event_id).toBe(d.headers["webhook-id"]);
      expect(Object.keys(payload).sort()).toEqual(
        [
          "api_version",
          "created_at",
          "data",
          "event_id",
          "event_type",
          "partner_id",
          "trace_id",
          "webhook_version",
        ].sort(),
      );
      expect(payload).toMatchObject({ api_version: "v3", webhook_version: "2026-02-03" });
      expect(payload.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(d.headers["x-webhook-event"]).toBe(payload.event_type);
      expect(d.headers["x-webhook-subscription-id"]).toBe(sub.id);
    }
    const byType = Object.fromEntries(got.map((d) => [envelope(d).event_type, envelope(d)]));
    expect(byType["chat.created"].data).toMatchObject({ id: chat.id, is_group: false });
    expect(byType["message.sent"].data).toMatchObject({
      id: chat.message.id,
      direction: "outbound",
      chat: { id: chat.id },
    });
    expect(byType["message.sent"].data.parts[0]).toEqual({
      type: "text",
      value: "Welcome",
      text_decorations: null,
    });
  });

  it("rejects a tampered body under Webhook.verify, and sends a legacy hex signature over timestamp.body", async () => {
    const sub = await subscribe(["chat.created"]);
    await createChat(emu, [ALICE]);
    const [d] = await receiver.waitFor(1);
    if (d === undefined) throw new Error("no delivery");
    expect(() =>
      new Webhook(sub.signing_secret).verify(
        d.body.replace("v3", "v4"),
        d.headers as Record<string, string>,
      ),
    ).toThrow();
    const key = Buffer.from(sub.signing_secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key)
      .update(`${d.headers["x-webhook-timestamp"]}.${d.body}`)
      .digest("hex");
    expect(d.headers["x-webhook-signature"]).toBe(expected);
  });

  it("retries on 500 with the same webhook-id until the receiver accepts", async () => {
    const sub = await subscribe(["chat.created"]);
    receiver.respondWith(500, 503, 429);
    await createChat(emu, [ALICE]);
    const got = await receiver.waitFor(4);
    expect(got.map((d) => d.status)).toEqual([500, 503, 429, 200]);
    expect(new Set(got.map((d) => d.headers["webhook-id"])).size).toBe(1);
    for (const d of got)
      new Webhook(sub.signing_secret).verify(d.body, d.headers as Record<string, string>);
    const state: Json = await emu.control.state();
    const record = state.webhook_deliveries.find((r: Json) => r.subscription_id === sub.id);
    expect(record).toMatchObject({ attempts: 4, state: "delivered", last_status: 200 });
  });

  it("does not retry other 4xx answers", async () => {
    const sub = await subscribe(["chat.created"]);
    receiver.respondWith(400);
    await createChat(emu, [ALICE]);
    await receiver.waitFor(1);
    await expect
      .poll(async () =>
        ((await emu.control.state()) as Json).webhook_deliveries.find(
          (r: Json) => r.subscription_id === sub.id,
        ),
      )
      .toMatchObject({ attempts: 1, state: "failed", last_status: 400 });
  });

  it("honours the phone_numbers filter, event types and is_active", async () => {
    const [l1, l2] = emu.phoneNumbers as [string, string];
    const filtered = await subscribe(
      ["chat.created"],
      { phone_numbers: [l2] },
      `${receiver.url}?f=1`,
    );
    const inactive = await subscribe(["chat.created"], {}, `${receiver.url}?f=2`);
    await call(emu, "PUT", `/v3/webhook-subscriptions/${inactive.id}`, { is_active: false });
    const other = await subscribe(["message.sent"], {}, `${receiver.url}?f=3`);
    const all = await subscribe(["chat.created"], {}, `${receiver.url}?f=4`);
    await createChat(emu, [ALICE], undefined, l1);
    const state: Json = await emu.control.state();
    const subsHit = state.webhook_deliveries
      .filter((r: Json) => r.event_type === "chat.created")
      .map((r: Json) => r.subscription_id);
    expect(subsHit).toContain(all.id);
    expect(subsHit).not.toContain(filtered.id);
    expect(subsHit).not.toContain(inactive.id);
    expect(subsHit).not.toContain(other.id);
    await createChat(emu, [BOB], undefined, l2);
    const after: Json = await emu.control.state();
    expect(after.webhook_deliveries.map((r: Json) => r.subscription_id)).toContain(filtered.id);
  });

  it("emits participant, rename and icon events for API changes", async () => {
    await subscribe([
      "participant.added",
      "participant.removed",
      "chat.group_name_updated",
      "chat.group_icon_updated",
    ]);
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: DAVE });
    await call(emu, "DELETE", `/v3/chats/${group.id}/participants`, { handle: DAVE });
    await call(emu, "PUT", `/v3/chats/${group.id}`, {
      display_name: "Team",
      group_chat_icon: "https://cdn.example.com/t.png",
    });
    await call(emu, "POST", `/v3/chats/${group.id}/leave`);
    const got = (await receiver.waitFor(5)).map(envelope);
    const find = (type: string, pred: (e: Json) => boolean = () => true) =>
      got.find((e) => e.event_type === type && pred(e));
    expect(find("participant.added")?.data).toMatchObject({
      handle: DAVE,
      chat_id: group.id,
      participant: { handle: DAVE, status: "active" },
    });
    expect(
      find("participant.removed", (e) => e.data.handle === DAVE)?.data.participant.status,
    ).toBe("removed");
    expect(find("chat.group_name_updated")?.data).toMatchObject({
      chat_id: group.id,
      old_value: null,
      new_value: "Team",
      changed_by_handle: { handle: emu.phoneNumbers[0], is_me: true },
    });
    expect(find("chat.group_icon_updated")?.data).toMatchObject({
      chat_id: group.id,
      old_value: null,
      new_value: "https://cdn.example.com/t.png",
      changed_by_handle: { handle: emu.phoneNumbers[0], is_me: true },
    });
    const left = find("participant.removed", (e) => e.data.handle === emu.phoneNumbers[0]);
    expect(left?.data.participant).toMatchObject({ is_me: true, status: "left" });
  });

  it("emits events for simulated changes: participant.left, participant.added, group.renamed, location sharing", async () => {
    await subscribe([
      "participant.added",
      "participant.removed",
      "chat.group_name_updated",
      "location.sharing.started",
      "location.sharing.stopped",
    ]);
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    await emu.control.simulate({ type: "participant.left", chat_id: group.id, handle: BOB });
    await emu.control.simulate({ type: "participant.added", chat_id: group.id, handle: DAVE });
    await emu.control.simulate({
      type: "group.renamed",
      chat_id: group.id,
      display_name: "Renamed",
      by: ALICE,
    });
    await emu.control.simulate({
      type: "location.sharing.started",
      chat_id: group.id,
      handle: ALICE,
      coordinates: [-122.42, 37.77],
    });
    await emu.control.simulate({
      type: "location.sharing.stopped",
      chat_id: group.id,
      handle: ALICE,
    });
    const got = (await receiver.waitFor(5)).map(envelope);
    const types = got.map((e) => e.event_type).sort();
    expect(types).toEqual([
      "chat.group_name_updated",
      "location.sharing.started",
      "location.sharing.stopped",
      "participant.added",
      "participant.removed",
    ]);
    const renamed = got.find((e) => e.event_type === "chat.group_name_updated");
    expect(renamed.data).toMatchObject({
      new_value: "Renamed",
      changed_by_handle: { handle: ALICE },
    });
    const started = got.find((e) => e.event_type === "location.sharing.started");
    expect(started.data).toMatchObject({
      shared_by: ALICE,
      shared_with: emu.phoneNumbers[0],
      chat_id: group.id,
      ends_at: null,
    });
    const stopped = got.find((e) => e.event_type === "location.sharing.stopped");
    expect(stopped.data.began_at).toBe(started.data.began_at);
    expect(stopped.data.ended_at).toEqual(expect.any(String));
  });

  it("delivers the 2025-01-01 message payload when the target pins that version", async () => {
    await subscribe(["message.sent"], {}, `${receiver.url}?version=2025-01-01`);
    const chat = await createChat(emu, [ALICE], text("old format"));
    const [d] = await receiver.waitFor(1);
    const e = envelope(d as ReceivedDelivery);
    expect(e.webhook_version).toBe("2025-01-01");
    expect(e.data).toMatchObject({
      chat_id: chat.id,
      is_from_me: true,
      message: { id: chat.message.id },
    });
  });
});

describe("webhook retries and close()", () => {
  it("retries a delivery whose connection broke, with the same webhook-id", async () => {
    const seen: { id: string | undefined; cut: boolean }[] = [];
    const flaky = createServer((req, res) => {
      const cut = seen.length === 0;
      seen.push({ id: req.headers["webhook-id"] as string | undefined, cut });
      if (cut) req.socket.destroy();
      else res.writeHead(200).end();
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`;
      const sub = await subscribe(["chat.created"], {}, url);
      await createChat(emu, [ALICE]);
      await expect
        .poll(async () =>
          ((await emu.control.state()) as Json).webhook_deliveries.find(
            (r: Json) => r.subscription_id === sub.id,
          ),
        )
        .toMatchObject({ attempts: 2, state: "delivered", last_status: 200 });
      expect(seen).toHaveLength(2);
      expect(seen[1]?.id).toBe(seen[0]?.id);
    } finally {
      await new Promise<void>((r) => {
        flaky.close(() => r());
        flaky.closeAllConnections();
      });
    }
  });

  it("close() stops pending retries", async () => {
    const local = await startTestEmulator({ allowInsecureWebhooks: true });
    const failing = await startWebhookReceiver();
    failing.respondWith(...Array.from({ length: 20 }, () => 500));
    try {
      const sub = await call(local, "POST", "/v3/webhook-subscriptions", {
        target_url: failing.url,
        subscribed_events: ["chat.created"],
      });
      expect(sub.status).toBe(201);
      await createChat(local, [ALICE]);
      await failing.waitFor(2);
      await local.close();
      const count = failing.received.length;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(failing.received.length).toBe(count);
    } finally {
      await failing.close();
    }
  });
});

describe("delivery scope", () => {
  it("delivers to loopback targets only; a remote target is recorded as skipped, never called", async () => {
    await subscribe(["chat.created"]);
    const remote = await call(emu, "POST", "/v3/webhook-subscriptions", {
      target_url: "https://hooks.example.com/linq",
      subscribed_events: ["chat.created"],
    });
    expect(remote.status).toBe(201);
    const remoteId = (remote.json as { id: string }).id;
    await createChat(emu, [ALICE]);
    await receiver.waitFor(1);
    const state = (await emu.control.state()) as {
      webhook_deliveries: { subscription_id: string; state: string; attempts: number }[];
    };
    const toRemote = state.webhook_deliveries.filter((d) => d.subscription_id === remoteId);
    expect(toRemote).toEqual([expect.objectContaining({ state: "skipped", attempts: 0 })]);
  });

  it("recognizes loopback hosts", () => {
    expect(isLoopbackTarget("http://127.0.0.1:9/x")).toBe(true);
    expect(isLoopbackTarget("https://127.10.0.3/x")).toBe(true);
    expect(isLoopbackTarget("https://localhost/x")).toBe(true);
    expect(isLoopbackTarget("http://[::1]:80/")).toBe(true);
    expect(isLoopbackTarget("https://hooks.example.com/linq")).toBe(false);
    expect(isLoopbackTarget("https://127.0.0.1.example.com/")).toBe(false);
    expect(isLoopbackTarget("https://10.0.0.1/")).toBe(false);
    expect(isLoopbackTarget("not a url")).toBe(false);
  });
});
