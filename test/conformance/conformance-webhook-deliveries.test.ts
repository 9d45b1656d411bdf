/**
 * Webhook deliveries from the emulator to a real local receiver (linq-api-v3.md §9, SPEC §7):
 * each delivery is verified with the `standardwebhooks` package AND the official SDK's
 * `client.webhooks.unwrap()`, the §9.6 envelope and §9.8 payloads are checked, and the
 * event-type, phone-number and is_active filters are exercised.
 */
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { WebhookEnvelope, WebhookEventType } from "../../src/api-wire/index.js";
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from "../support/webhook-receiver.js";
import { useConformanceEmulator, type ConformanceContext } from "./harness/conformance-emulator.js";
import { recipient } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Subscription {
  id: string;
  secret: string;
  path: string;
}

function envelopeOf(delivery: ReceivedDelivery): WebhookEnvelope<Record<string, unknown>> {
  return JSON.parse(delivery.rawBody) as WebhookEnvelope<Record<string, unknown>>;
}

function pathOnly(delivery: ReceivedDelivery): string {
  return delivery.path.split("?")[0] ?? "";
}

/** A delivery to `path` carrying `eventType`, optionally with a predicate on its data. */
function matching(
  path: string,
  eventType: WebhookEventType,
  data: (d: Record<string, unknown>) => boolean = () => true,
) {
  return (delivery: ReceivedDelivery) => {
    if (pathOnly(delivery) !== path) return false;
    const env = envelopeOf(delivery);
    return env.event_type === eventType && data(env.data);
  };
}

/**
 * Everything §9.3/§9.4/§9.6 promise about one delivery, checked with both official verifiers.
 * Returns the parsed envelope.
 */
function verifyDelivery(
  ctx: ConformanceContext,
  delivery: ReceivedDelivery,
  sub: Subscription,
): WebhookEnvelope<Record<string, unknown>> {
  expect(delivery.method).toBe("POST");
  expect(delivery.headers["content-type"]).toMatch(/^application\/json/);

  // Standard Webhooks headers and signature.
  const id = delivery.headers["webhook-id"];
  const timestamp = delivery.headers["webhook-timestamp"];
  const signature = delivery.headers["webhook-signature"];
  expect(id).toBeTruthy();
  expect(timestamp).toMatch(/^\d+$/);
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
  expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*( v1,[A-Za-z0-9+/]+=*)*$/);

  const parsed = JSON.parse(delivery.rawBody);
  expect(new Webhook(sub.secret).verify(delivery.rawBody, delivery.headers)).toEqual(parsed);
  expect(
    ctx.sdk.webhooks.unwrap(delivery.rawBody, { headers: delivery.headers, key: sub.secret }),
  ).toEqual(parsed);
  // The key also works without its whsec_ prefix (§9.4).
  expect(
    ctx.sdk.webhooks.unwrap(delivery.rawBody, {
      headers: delivery.headers,
      key: sub.secret.slice("whsec_".length),
    }),
  ).toEqual(parsed);
  // A changed body or another secret must not verify: the signature really covers them.
  expect(() => new Webhook(sub.secret).verify(`${delivery.rawBody} `, delivery.headers)).toThrow(
    WebhookVerificationError,
  );
  expect(() =>
    ctx.sdk.webhooks.unwrap(delivery.rawBody, {
      headers: delivery.headers,
      key: `whsec_${Buffer.from("another secret entirely!").toString("base64")}`,
    }),
  ).toThrow(WebhookVerificationError);

  // §9.6 envelope: all eight fields.
  const env = envelopeOf(delivery);
  expect(Object.keys(env).sort()).toEqual(
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
  expect(env.api_version).toBe("v3");
  expect(["2025-01-01", "2026-02-03"]).toContain(env.webhook_version);
  expect(env.event_id).toMatch(UUID);
  expect(env.created_at).toMatch(ISO_DATE);
  expect(env.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(env.partner_id).toBeTypeOf("string");
  expect(env.partner_id.length).toBeGreaterThan(0);
  expect(env.data).toBeTypeOf("object");

  // Emulator decision (webhook-dispatcher.ts, §12 q7): webhook-id is the event_id.
  expect(id).toBe(env.event_id);

  // Legacy headers (§9.3), still sent on every delivery.
  expect(delivery.headers["x-webhook-event"]).toBe(env.event_type);
  expect(delivery.headers["x-webhook-subscription-id"]).toBe(sub.id);
  expect(delivery.headers["x-webhook-timestamp"]).toBe(timestamp);
  // Emulator decision (§12 q8): keyed with the base64-decoded secret, like v1.
  const key = Buffer.from(sub.secret.slice("whsec_".length), "base64");
  const legacy = createHmac("sha256", key).update(`${timestamp}.${delivery.rawBody}`).digest("hex");
  expect(delivery.headers["x-webhook-signature"]).toBe(legacy);
  return env;
}

describe("conformance: webhook deliveries", () => {
  const ctx = useConformanceEmulator({ allowInsecureWebhooks: true });
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function subscribe(
    path: string,
    events: WebhookEventType[],
    extra: { phone_numbers?: string[]; query?: string } = {},
  ): Promise<Subscription> {
    const created = await ctx().sdk.webhookSubscriptions.create({
      target_url: `${receiver.origin}${path}${extra.query ?? ""}`,
      subscribed_events: events,
      ...(extra.phone_numbers ? { phone_numbers: extra.phone_numbers } : {}),
    });
    return { id: created.id, secret: created.signing_secret, path };
  }

  it("delivers chat.created for a chat made through the API, signed and in the §9.6 envelope", async () => {
    const sub = await subscribe("/all", ["chat.created"]);
    const { sdk, lineA } = ctx();
    const chat = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const delivery = await receiver.waitFor(
      "chat.created",
      matching("/all", "chat.created", (d) => d.id === chat.id),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    // Created after 2026-02-03 without ?version= → the latest version (§9.5).
    expect(env.webhook_version).toBe("2026-02-03");
    // §9.8: chat.created data has the Chat object's shape.
    const data = env.data as {
      id: string;
      is_group: boolean;
      handles: Array<{ handle: string }>;
      health_status: { status: string };
    };
    expect(data).toMatchObject({
      id: chat.id,
      is_group: true,
      health_status: { status: "HEALTHY" },
    });
    expect(data).toHaveProperty("created_at");
    expect(data).toHaveProperty("updated_at");
    expect(data).toHaveProperty("display_name");
    expect(data.handles.map((h) => h.handle).sort()).toEqual(
      [lineA, recipient(1), recipient(2)].sort(),
    );
  });

  it("uses the payload version pinned with ?version= on the target URL", async () => {
    const sub = await subscribe("/pinned", ["chat.created"], { query: "?version=2025-01-01" });
    const chat = await createChat(ctx().sdk, ctx().lineA, [recipient(1)]);
    const delivery = await receiver.waitFor(
      "pinned chat.created",
      matching("/pinned", "chat.created", (d) => d.id === chat.id),
    );
    expect(verifyDelivery(ctx(), delivery, sub).webhook_version).toBe("2025-01-01");
  });

  it("delivers participant.removed when a participant leaves on their own (simulate participant.left)", async () => {
    const sub = await subscribe("/all", ["participant.removed"]);
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await control.simulate({ type: "participant.left", chat_id: group.id, handle: recipient(2) });
    const delivery = await receiver.waitFor(
      "participant.removed",
      matching("/all", "participant.removed", (d) => d.handle === recipient(2)),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    expect(env.data).toMatchObject({ handle: recipient(2), chat_id: group.id });
    const participant = env.data.participant as { handle?: string; status?: string } | undefined;
    if (participant !== undefined) expect(participant.handle).toBe(recipient(2));
    // Emulator decision (queued-operations.ts, §12 q11): people who left stay with status "left".
    const after = await sdk.chats.retrieve(group.id);
    const left = after.handles.find((h) => h.handle === recipient(2));
    expect(left?.status).toBe("left");
    expect(left?.left_at).toMatch(ISO_DATE);
  });

  it("delivers participant.added for someone added on a device (simulate participant.added)", async () => {
    const sub = await subscribe("/all", ["participant.added"]);
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await control.simulate({ type: "participant.added", chat_id: group.id, handle: recipient(5) });
    const delivery = await receiver.waitFor(
      "participant.added",
      matching("/all", "participant.added", (d) => d.handle === recipient(5)),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data).toMatchObject({
      handle: recipient(5),
      chat_id: group.id,
    });
    const roster = (await sdk.chats.retrieve(group.id)).handles.map((h) => h.handle);
    expect(roster).toContain(recipient(5));
  });

  it("delivers participant.added for a participant added through the API", async () => {
    const sub = await subscribe("/all", ["participant.added"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await sdk.chats.participants.add(group.id, { handle: recipient(3) });
    const delivery = await receiver.waitFor(
      "participant.added",
      matching("/all", "participant.added", (d) => d.handle === recipient(3)),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data).toMatchObject({
      handle: recipient(3),
      chat_id: group.id,
    });
  });

  it("delivers chat.group_name_updated for an out-of-band rename (simulate group.renamed)", async () => {
    const sub = await subscribe("/all", ["chat.group_name_updated"]);
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await control.simulate({
      type: "group.renamed",
      chat_id: group.id,
      display_name: "Renamed on a phone",
      by: recipient(1),
    });
    const delivery = await receiver.waitFor(
      "chat.group_name_updated",
      matching("/all", "chat.group_name_updated", (d) => d.chat_id === group.id),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    expect(env.data).toMatchObject({ chat_id: group.id, new_value: "Renamed on a phone" });
    // §6: changed_by_handle says who renamed it on their device.
    expect(env.data.changed_by_handle).toMatchObject({ handle: recipient(1) });
    expect(env.data.updated_at).toMatch(ISO_DATE);
    expect((await sdk.chats.retrieve(group.id)).display_name).toBe("Renamed on a phone");
  });

  it("delivers chat.group_name_updated with old and new value for a rename through the API", async () => {
    const sub = await subscribe("/all", ["chat.group_name_updated"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await sdk.chats.update(group.id, { display_name: "First" });
    await receiver.waitFor(
      "first rename",
      matching("/all", "chat.group_name_updated", (d) => d.new_value === "First"),
    );
    await sdk.chats.update(group.id, { display_name: "Second" });
    const delivery = await receiver.waitFor(
      "second rename",
      matching("/all", "chat.group_name_updated", (d) => d.new_value === "Second"),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data).toMatchObject({
      chat_id: group.id,
      old_value: "First",
      new_value: "Second",
    });
  });

  it("delivers location.sharing.started and .stopped with the [PY] payloads", async () => {
    const sub = await subscribe("/loc", ["location.sharing.started", "location.sharing.stopped"]);
    const { sdk, lineA, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await control.simulate({
      type: "location.sharing.started",
      chat_id: dm.id,
      handle: recipient(1),
      coordinates: [-122.42, 37.77],
    });
    const started = verifyDelivery(
      ctx(),
      await receiver.waitFor(
        "location.sharing.started",
        matching("/loc", "location.sharing.started"),
      ),
      sub,
    );
    expect(started.data).toMatchObject({
      shared_by: recipient(1),
      shared_with: lineA,
      chat_id: dm.id,
    });
    expect(started.data.began_at).toMatch(ISO_DATE);
    // §9.8: ends_at null = shared indefinitely (no end was given).
    expect(started.data.ends_at).toBeNull();

    await control.simulate({
      type: "location.sharing.stopped",
      chat_id: dm.id,
      handle: recipient(1),
    });
    const stopped = verifyDelivery(
      ctx(),
      await receiver.waitFor(
        "location.sharing.stopped",
        matching("/loc", "location.sharing.stopped"),
      ),
      sub,
    );
    expect(stopped.data).toMatchObject({
      shared_by: recipient(1),
      shared_with: lineA,
      chat_id: dm.id,
    });
    expect(stopped.data.began_at).toBe(started.data.began_at);
    expect(stopped.data.ended_at).toMatch(ISO_DATE);
    expect(stopped.event_id).not.toBe(started.event_id);
  });

  it("delivers participant.removed for a removal through the API", async () => {
    const sub = await subscribe("/all", ["participant.removed"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await sdk.chats.participants.remove(group.id, { handle: recipient(3) });
    const delivery = await receiver.waitFor(
      "participant.removed",
      matching("/all", "participant.removed", (d) => d.handle === recipient(3)),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data).toMatchObject({
      handle: recipient(3),
      chat_id: group.id,
    });
  });

  it("delivers participant.removed for your own line when you leave (§9.8)", async () => {
    const sub = await subscribe("/all", ["participant.removed"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await sdk.chats.leaveChat(group.id);
    const delivery = await receiver.waitFor(
      "participant.removed for own line",
      matching("/all", "participant.removed", (d) => d.handle === lineA),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data).toMatchObject({
      handle: lineA,
      chat_id: group.id,
    });
  });

  it("delivers chat.group_icon_updated for an icon change through the API", async () => {
    const sub = await subscribe("/all", ["chat.group_icon_updated"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const icon = "https://cdn.example.com/oncall.png";
    await sdk.chats.update(group.id, { group_chat_icon: icon });
    const delivery = await receiver.waitFor(
      "chat.group_icon_updated",
      matching("/all", "chat.group_icon_updated", (d) => d.chat_id === group.id),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    expect(env.data).toMatchObject({ chat_id: group.id, old_value: null, new_value: icon });
    expect(env.data.updated_at).toMatch(ISO_DATE);
  });

  it("delivers message.sent in the 2026-02-03 shape (flat MessageEventV2, §9.7)", async () => {
    const sub = await subscribe("/v2026", ["message.sent"], { query: "?version=2026-02-03" });
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [{ type: "text", value: "tracked" }], idempotency_key: "track-1" },
    });
    const delivery = await receiver.waitFor(
      "message.sent v2026",
      matching("/v2026", "message.sent", (d) => d.id === sent.message.id),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    expect(env.webhook_version).toBe("2026-02-03");
    const data = env.data as Record<string, unknown> & {
      chat: {
        id: string;
        is_group?: boolean;
        owner_handle?: { handle: string; is_me: boolean } | null;
      };
      sender_handle: { handle: string };
      parts: Array<Record<string, unknown>>;
    };
    expect(data).toMatchObject({
      id: sent.message.id,
      direction: "outbound",
      idempotency_key: "track-1",
    });
    expect(["iMessage", "SMS", "RCS"]).toContain(data.service);
    expect(data.sender_handle.handle).toBe(lineA);
    expect(data.chat.id).toBe(dm.id);
    expect(data.chat).toHaveProperty("health_status");
    if (data.chat.owner_handle)
      expect(data.chat.owner_handle).toMatchObject({ handle: lineA, is_me: true });
    expect(data.parts).toEqual([expect.objectContaining({ type: "text", value: "tracked" })]);
    expect(data.parts[0]).not.toHaveProperty("reactions");
    expect(data.sent_at).toMatch(ISO_DATE);
  });

  it("delivers message.sent in the 2025-01-01 shape (nested message, §9.7)", async () => {
    const sub = await subscribe("/v2025", ["message.sent"], { query: "?version=2025-01-01" });
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const sent = await sdk.chats.messages.send(dm.id, {
      message: { parts: [{ type: "text", value: "old format" }] },
    });
    const delivery = await receiver.waitFor(
      "message.sent v2025",
      matching(
        "/v2025",
        "message.sent",
        (d) => (d.message as { id?: string } | undefined)?.id === sent.message.id,
      ),
    );
    const env = verifyDelivery(ctx(), delivery, sub);
    expect(env.webhook_version).toBe("2025-01-01");
    expect(env.data).toMatchObject({
      chat_id: dm.id,
      is_group: false,
      is_from_me: true,
      recipient_handle: null,
      received_at: null,
    });
    // from_handle's type is not pinned by the sources ([OLDSPEC]): a string or a ChatHandle.
    const fromHandle = env.data.from_handle as string | { handle: string };
    expect(typeof fromHandle === "string" ? fromHandle : fromHandle.handle).toBe(lineA);
    const message = env.data.message as { id: string; parts: unknown[] };
    expect(message.parts).toEqual([expect.objectContaining({ type: "text", value: "old format" })]);
  });

  it("carries ends_at for a time-limited share", async () => {
    const sub = await subscribe("/loc", ["location.sharing.started"]);
    const { sdk, lineA, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    await control.simulate({
      type: "location.sharing.started",
      chat_id: dm.id,
      handle: recipient(1),
      coordinates: [-122.42, 37.77],
      ends_at: endsAt,
    });
    const delivery = await receiver.waitFor(
      "timed share",
      matching("/loc", "location.sharing.started"),
    );
    expect(verifyDelivery(ctx(), delivery, sub).data.ends_at).toBe(endsAt);
  });

  it("only delivers subscribed event types", async () => {
    const onlyAdds = await subscribe("/adds", ["participant.added"]);
    await subscribe("/all", ["chat.created", "participant.added"]);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await receiver.waitFor(
      "chat.created on /all",
      matching("/all", "chat.created", (d) => d.id === group.id),
    );
    await sdk.chats.participants.add(group.id, { handle: recipient(3) });
    // Sentinel: the later participant.added reached /adds, so an earlier chat.created would have too.
    const add = await receiver.waitFor(
      "participant.added on /adds",
      matching("/adds", "participant.added"),
    );
    verifyDelivery(ctx(), add, onlyAdds);
    await receiver.waitFor("participant.added on /all", matching("/all", "participant.added"));
    expect(
      receiver.deliveries
        .filter((d) => pathOnly(d) === "/adds")
        .map((d) => envelopeOf(d).event_type),
    ).toEqual(["participant.added"]);
  });

  it("honours the phone-number filter: a subscription filtered to the other line gets nothing", async () => {
    const { sdk, lineA, lineB } = ctx();
    const lineBOnly = await subscribe("/line-b", ["chat.created"], { phone_numbers: [lineB] });
    await subscribe("/all", ["chat.created"]);
    const onA = await createChat(sdk, lineA, [recipient(1)]);
    const onB = await createChat(sdk, lineB, [recipient(2)]);
    await receiver.waitFor(
      "line A chat on /all",
      matching("/all", "chat.created", (d) => d.id === onA.id),
    );
    await receiver.waitFor(
      "line B chat on /all",
      matching("/all", "chat.created", (d) => d.id === onB.id),
    );
    const toB = await receiver.waitFor(
      "line B chat on /line-b",
      matching("/line-b", "chat.created", (d) => d.id === onB.id),
    );
    verifyDelivery(ctx(), toB, lineBOnly);
    const lineBIds = receiver.deliveries
      .filter((d) => pathOnly(d) === "/line-b")
      .map((d) => envelopeOf(d).data.id);
    expect(lineBIds).toEqual([onB.id]);
  });

  it("delivers nothing to an inactive subscription", async () => {
    const { sdk, lineA } = ctx();
    const paused = await subscribe("/paused", ["chat.created"]);
    await sdk.webhookSubscriptions.update(paused.id, { is_active: false });
    await subscribe("/all", ["chat.created"]);
    const first = await createChat(sdk, lineA, [recipient(1)]);
    await receiver.waitFor(
      "chat.created on /all",
      matching("/all", "chat.created", (d) => d.id === first.id),
    );
    await sdk.webhookSubscriptions.update(paused.id, { is_active: true });
    const second = await createChat(sdk, lineA, [recipient(2)]);
    await receiver.waitFor(
      "chat.created on /paused after reactivation",
      matching("/paused", "chat.created", (d) => d.id === second.id),
    );
    const pausedIds = receiver.deliveries
      .filter((d) => pathOnly(d) === "/paused")
      .map((d) => envelopeOf(d).data.id);
    expect(pausedIds).toEqual([second.id]);
  });

  it("stops delivering after the subscription is deleted", async () => {
    const { sdk, lineA } = ctx();
    const doomed = await subscribe("/doomed", ["chat.created"]);
    await sdk.webhookSubscriptions.delete(doomed.id);
    await subscribe("/all", ["chat.created"]);
    const chat = await createChat(sdk, lineA, [recipient(1)]);
    await receiver.waitFor(
      "chat.created on /all",
      matching("/all", "chat.created", (d) => d.id === chat.id),
    );
    expect(receiver.deliveries.filter((d) => pathOnly(d) === "/doomed")).toEqual([]);
  });
});

describe("conformance: webhook delivery retries", () => {
  const ctx = useConformanceEmulator({ allowInsecureWebhooks: true });
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    // Fail the first attempt with a 500 (retryable per §9.2), accept the rest.
    receiver = await startWebhookReceiver({
      respond: (_d, earlier) => (earlier.length === 0 ? 500 : 204),
    });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("retries a 5xx delivery with the same webhook-id and a valid signature", async () => {
    const created = await ctx().sdk.webhookSubscriptions.create({
      target_url: `${receiver.origin}/flaky`,
      subscribed_events: ["chat.created"],
    });
    const sub = { id: created.id, secret: created.signing_secret, path: "/flaky" };
    await createChat(ctx().sdk, ctx().lineA, [recipient(1)]);
    await vi.waitFor(() => expect(receiver.deliveries.length).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
    });
    const [first, retry] = receiver.deliveries as [ReceivedDelivery, ReceivedDelivery];
    verifyDelivery(ctx(), retry, sub);
    expect(retry.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(envelopeOf(retry).event_id).toBe(envelopeOf(first).event_id);
  });
});

describe("conformance: insecure webhook targets", () => {
  const ctx = useConformanceEmulator({ allowInsecureWebhooks: true });

  it("accepts an http://127.0.0.1 target_url when started with allowInsecureWebhooks", async () => {
    const created = await ctx().sdk.webhookSubscriptions.create({
      target_url: "http://127.0.0.1:9/hook",
      subscribed_events: ["chat.created"],
    });
    expect(created.target_url).toBe("http://127.0.0.1:9/hook");
  });
});

describe("conformance: webhook retry policy (§9.2: retry 5xx/429/network, not other 4xx)", () => {
  const ctx = useConformanceEmulator({ allowInsecureWebhooks: true });
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver({
      respond: (d, earlier) => {
        if (pathOnly(d) === "/gone") return 410;
        if (pathOnly(d) === "/busy")
          return earlier.some((e) => pathOnly(e) === "/busy") ? 204 : 429;
        return 204;
      },
    });
  });
  afterEach(async () => {
    await receiver.close();
  });

  type DeliveryLog = Array<{
    subscription_id: string;
    attempts: number;
    state: string;
    last_status: number | null;
  }>;
  async function deliveryLog(): Promise<DeliveryLog> {
    return (await ctx().control.state()).webhook_deliveries as DeliveryLog;
  }

  it("does not retry a 410 and records the delivery as settled after one attempt", async () => {
    const created = await ctx().sdk.webhookSubscriptions.create({
      target_url: `${receiver.origin}/gone`,
      subscribed_events: ["chat.created"],
    });
    await createChat(ctx().sdk, ctx().lineA, [recipient(1)]);
    await vi.waitFor(async () => {
      const record = (await deliveryLog()).find((r) => r.subscription_id === created.id);
      expect(record?.state).not.toBe("pending");
    });
    const record = (await deliveryLog()).find((r) => r.subscription_id === created.id)!;
    expect(record).toMatchObject({ attempts: 1, last_status: 410 });
    expect(receiver.deliveries.filter((d) => pathOnly(d) === "/gone")).toHaveLength(1);
  });

  it("retries a 429 until it is accepted", async () => {
    const created = await ctx().sdk.webhookSubscriptions.create({
      target_url: `${receiver.origin}/busy`,
      subscribed_events: ["chat.created"],
    });
    await createChat(ctx().sdk, ctx().lineA, [recipient(1)]);
    await vi.waitFor(async () => {
      const record = (await deliveryLog()).find((r) => r.subscription_id === created.id);
      expect(record).toMatchObject({ state: "delivered", attempts: 2, last_status: 204 });
    });
    const busy = receiver.deliveries.filter((d) => pathOnly(d) === "/busy");
    expect(busy).toHaveLength(2);
    expect(busy[1]!.headers["webhook-id"]).toBe(busy[0]!.headers["webhook-id"]);
  });
});
