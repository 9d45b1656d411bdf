/**
 * Webhook subscriptions and the event catalogue through the official SDK
 * (linq-api-v3.md §5.7, §5.8).
 */
import { describe, expect, it } from "vitest";
import { BadRequestError, ConflictError, NotFoundError } from "@linqapp/sdk";
import { WEBHOOK_EVENT_TYPES } from "../../src/api-wire/index.js";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TARGET = "https://hooks.example.com/linq/location";

describe("conformance: POST /v3/webhook-subscriptions", () => {
  const ctx = useConformanceEmulator();

  it("creates a subscription: 201 with the object and a whsec_ signing secret", async () => {
    const { sdk, lineA } = ctx();
    const { data, response } = await sdk.webhookSubscriptions
      .create({
        target_url: TARGET,
        subscribed_events: ["location.sharing.started", "location.sharing.stopped"],
        phone_numbers: [lineA],
      })
      .withResponse();
    expect(response.status).toBe(201);
    expect(data.id).toMatch(UUID);
    expect(data.target_url).toBe(TARGET);
    expect(data.subscribed_events).toEqual([
      "location.sharing.started",
      "location.sharing.stopped",
    ]);
    expect(data.is_active).toBe(true);
    expect(data.phone_numbers).toEqual([lineA]);
    expect(data.created_at).toMatch(ISO_DATE);
    expect(data.updated_at).toMatch(ISO_DATE);
    expect(data.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(
      Buffer.from(data.signing_secret.slice("whsec_".length), "base64").length,
    ).toBeGreaterThanOrEqual(16);
  });

  it("gives every subscription its own secret", async () => {
    const { sdk } = ctx();
    const a = await sdk.webhookSubscriptions.create({
      target_url: `${TARGET}?n=1`,
      subscribed_events: ["chat.created"],
    });
    const b = await sdk.webhookSubscriptions.create({
      target_url: `${TARGET}?n=2`,
      subscribed_events: ["chat.created"],
    });
    expect(a.signing_secret).not.toBe(b.signing_secret);
  });

  it("refuses a non-HTTPS target_url with 400/1005 when insecure webhooks are not allowed (emulator decision)", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.create({
        target_url: "http://hooks.example.com/x",
        subscribed_events: ["chat.created"],
      }),
      BadRequestError,
      400,
      1005,
    );
    expect((await ctx().sdk.webhookSubscriptions.list()).subscriptions).toEqual([]);
  });

  it("refuses a target_url already used on the account with 409/2015 (emulator decision)", async () => {
    const { sdk } = ctx();
    await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    await expectApiError(
      sdk.webhookSubscriptions.create({
        target_url: TARGET,
        subscribed_events: ["participant.added"],
      }),
      ConflictError,
      409,
      2015,
    );
    expect((await sdk.webhookSubscriptions.list()).subscriptions).toHaveLength(1);
  });

  it("refuses an unknown event type with 400/1005 (emulator decision)", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.create({
        target_url: TARGET,
        subscribed_events: ["chat.exploded" as "chat.created"],
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses an empty subscribed_events with 400/1005 (emulator decision)", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.create({ target_url: TARGET, subscribed_events: [] }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses an unknown ?version= payload version with 400/1005 (emulator decision)", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.create({
        target_url: `${TARGET}?version=2024-13-01`,
        subscribed_events: ["chat.created"],
      }),
      BadRequestError,
      400,
      1005,
    );
  });

  it("refuses a missing target_url with 400/1001", async () => {
    await expectApiError(
      ctx().sdk.webhookSubscriptions.create({ subscribed_events: ["chat.created"] } as {
        target_url: string;
        subscribed_events: ["chat.created"];
      }),
      BadRequestError,
      400,
      1001,
    );
  });
});

describe("conformance: GET /v3/webhook-subscriptions[/{id}]", () => {
  const ctx = useConformanceEmulator();

  it("lists active and inactive subscriptions without their secrets", async () => {
    const { sdk } = ctx();
    const a = await sdk.webhookSubscriptions.create({
      target_url: `${TARGET}?n=1`,
      subscribed_events: ["chat.created"],
    });
    const b = await sdk.webhookSubscriptions.create({
      target_url: `${TARGET}?n=2`,
      subscribed_events: ["participant.added"],
    });
    await sdk.webhookSubscriptions.update(b.id, { is_active: false });
    const { data, response } = await sdk.webhookSubscriptions.list().withResponse();
    expect(response.status).toBe(200);
    expect(data.subscriptions.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(data.subscriptions.find((s) => s.id === b.id)?.is_active).toBe(false);
    for (const s of data.subscriptions) expect(s).not.toHaveProperty("signing_secret");
  });

  it("retrieves one subscription without its secret", async () => {
    const { sdk, lineA } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
      phone_numbers: [lineA],
    });
    const { data, response } = await sdk.webhookSubscriptions.retrieve(created.id).withResponse();
    expect(response.status).toBe(200);
    const withoutSecret: Record<string, unknown> = { ...created };
    delete withoutSecret.signing_secret;
    expect(data).toEqual(withoutSecret);
    expect(data).not.toHaveProperty("signing_secret");
  });
});

describe("conformance: PUT /v3/webhook-subscriptions/{id}", () => {
  const ctx = useConformanceEmulator();

  it("updates only the given fields and keeps the secret out of the answer", async () => {
    const { sdk, lineA } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    const { data, response } = await sdk.webhookSubscriptions
      .update(created.id, {
        subscribed_events: ["chat.created", "participant.removed"],
        phone_numbers: [lineA],
      })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      id: created.id,
      target_url: TARGET,
      is_active: true,
      subscribed_events: ["chat.created", "participant.removed"],
      phone_numbers: [lineA],
    });
    expect(data).not.toHaveProperty("signing_secret");
    expect(await sdk.webhookSubscriptions.retrieve(created.id)).toMatchObject({
      phone_numbers: [lineA],
    });
  });

  it("turns delivery off and on with is_active", async () => {
    const { sdk } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    expect(
      (await sdk.webhookSubscriptions.update(created.id, { is_active: false })).is_active,
    ).toBe(false);
    expect((await sdk.webhookSubscriptions.retrieve(created.id)).is_active).toBe(false);
    expect((await sdk.webhookSubscriptions.update(created.id, { is_active: true })).is_active).toBe(
      true,
    );
  });

  it("removes the phone-number filter with [] and with null; it reads back as null (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    for (const cleared of [[], null]) {
      const created = await sdk.webhookSubscriptions.create({
        target_url: `${TARGET}?cleared=${JSON.stringify(cleared)}`,
        subscribed_events: ["chat.created"],
        phone_numbers: [lineA],
      });
      const updated = await sdk.webhookSubscriptions.update(created.id, { phone_numbers: cleared });
      expect(updated.phone_numbers).toBeNull();
      expect((await sdk.webhookSubscriptions.retrieve(created.id)).phone_numbers).toBeNull();
    }
  });

  it("changes target_url", async () => {
    const { sdk } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    const updated = await sdk.webhookSubscriptions.update(created.id, {
      target_url: `${TARGET}/v2`,
    });
    expect(updated.target_url).toBe(`${TARGET}/v2`);
  });
});

describe("conformance: DELETE /v3/webhook-subscriptions/{id}", () => {
  const ctx = useConformanceEmulator();

  it("deletes: 204, then retrieve and delete answer NotFoundError 404/2010", async () => {
    const { sdk } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    const response = await sdk.webhookSubscriptions.delete(created.id).asResponse();
    expect(response.status).toBe(204);
    await expectApiError(sdk.webhookSubscriptions.retrieve(created.id), NotFoundError, 404, 2010);
    await expectApiError(sdk.webhookSubscriptions.delete(created.id), NotFoundError, 404, 2010);
    expect((await sdk.webhookSubscriptions.list()).subscriptions).toEqual([]);
  });

  it("frees the target_url for a new subscription", async () => {
    const { sdk } = ctx();
    const created = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    await sdk.webhookSubscriptions.delete(created.id);
    const again = await sdk.webhookSubscriptions.create({
      target_url: TARGET,
      subscribed_events: ["chat.created"],
    });
    expect(again.id).not.toBe(created.id);
  });
});

describe("conformance: GET /v3/webhook-events", () => {
  const ctx = useConformanceEmulator();

  it("lists all 27 SDK 0.28.2 event types with the docs link", async () => {
    const { data, response } = await ctx().sdk.webhookEvents.list().withResponse();
    expect(response.status).toBe(200);
    expect(data.doc_url).toBe("https://docs.linqapp.com/guides/webhooks/events");
    expect([...data.events].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });
});
