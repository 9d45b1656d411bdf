import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../src/api-wire/index.js";
import { useEmulator } from "../support/emulator.js";
import { call, expectApiError } from "./emulator-http.js";

const emu = useEmulator();
const create = (body: unknown) => call(emu, "POST", "/v3/webhook-subscriptions", body);

describe("webhook subscriptions", () => {
  it("creates (201) with a whsec_ secret of 32 random bytes, returned only at creation", async () => {
    const r = await create({
      target_url: "https://hooks.example.com/a",
      subscribed_events: ["message.sent"],
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      target_url: "https://hooks.example.com/a",
      subscribed_events: ["message.sent"],
      is_active: true,
      phone_numbers: null,
    });
    expect(r.json.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(r.json.signing_secret.slice(6), "base64")).toHaveLength(32);
    const got = await call(emu, "GET", `/v3/webhook-subscriptions/${r.json.id}`);
    expect(got.json.signing_secret).toBeUndefined();
    const list = await call(emu, "GET", "/v3/webhook-subscriptions");
    expect(list.json.subscriptions.map((s: { id: string }) => s.id)).toEqual([r.json.id]);
    expect(list.json.subscriptions[0].signing_secret).toBeUndefined();
  });

  it("validates target_url: https only (400/1005), unique per account (409/2015), known ?version", async () => {
    expectApiError(
      await create({
        target_url: "http://hooks.example.com/a",
        subscribed_events: ["message.sent"],
      }),
      400,
      1005,
    );
    expectApiError(
      await create({ target_url: "http://127.0.0.1:9/a", subscribed_events: ["message.sent"] }),
      400,
      1005,
    );
    expectApiError(await create({ subscribed_events: ["message.sent"] }), 400, 1001);
    expectApiError(
      await create({
        target_url: "https://h.example.com/a?version=2024-01-01",
        subscribed_events: ["message.sent"],
      }),
      400,
      1005,
    );
    await create({ target_url: "https://h.example.com/a", subscribed_events: ["message.sent"] });
    expectApiError(
      await create({ target_url: "https://h.example.com/a", subscribed_events: ["chat.created"] }),
      409,
      2015,
    );
    expect(
      (
        await create({
          target_url: "https://h.example.com/a?line=2",
          subscribed_events: ["chat.created"],
        })
      ).status,
    ).toBe(201);
  });

  it("validates events (400/1005 unknown or empty; 400/1001 missing) and phone_numbers (1002, 2006)", async () => {
    const url = "https://h.example.com/ev";
    expectApiError(
      await create({ target_url: url, subscribed_events: ["message.exploded"] }),
      400,
      1005,
    );
    expectApiError(await create({ target_url: url, subscribed_events: [] }), 400, 1005);
    expectApiError(await create({ target_url: url }), 400, 1001);
    expectApiError(
      await create({
        target_url: url,
        subscribed_events: ["message.sent"],
        phone_numbers: ["555"],
      }),
      400,
      1002,
    );
    expectApiError(
      await create({
        target_url: url,
        subscribed_events: ["message.sent"],
        phone_numbers: ["+19995550000"],
      }),
      403,
      2006,
    );
  });

  it("updates partially; [] and null both clear the phone filter", async () => {
    const line = emu.phoneNumbers[0];
    const sub = (
      await create({
        target_url: "https://h.example.com/u",
        subscribed_events: ["message.sent"],
        phone_numbers: [line],
      })
    ).json;
    expect(sub.phone_numbers).toEqual([line]);
    const off = await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { is_active: false });
    expect(off.json).toMatchObject({
      is_active: false,
      phone_numbers: [line],
      subscribed_events: ["message.sent"],
    });
    expect(
      (await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { phone_numbers: [] })).json
        .phone_numbers,
    ).toBeNull();
    await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { phone_numbers: [line] });
    expect(
      (await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { phone_numbers: null })).json
        .phone_numbers,
    ).toBeNull();
    expectApiError(
      await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { signing_secret: "whsec_x" }),
      400,
      1005,
    );
  });

  it("deletes with 204 and no body; unknown ids are 404/2010", async () => {
    const sub = (
      await create({ target_url: "https://h.example.com/d", subscribed_events: ["message.sent"] })
    ).json;
    const del = await call(emu, "DELETE", `/v3/webhook-subscriptions/${sub.id}`, undefined, {
      headers: { accept: "*/*" },
    });
    expect([del.status, del.text]).toEqual([204, ""]);
    expectApiError(await call(emu, "GET", `/v3/webhook-subscriptions/${sub.id}`), 404, 2010);
    expectApiError(
      await call(emu, "PUT", `/v3/webhook-subscriptions/${sub.id}`, { is_active: true }),
      404,
      2010,
    );
    expectApiError(await call(emu, "DELETE", `/v3/webhook-subscriptions/${sub.id}`), 404, 2010);
  });

  it("lists the event catalogue", async () => {
    const r = await call(emu, "GET", "/v3/webhook-events");
    expect(r.json).toEqual({
      doc_url: "https://docs.linqapp.com/guides/webhooks/events",
      events: [...WEBHOOK_EVENT_TYPES],
    });
  });
});

describe("insecure webhook targets", () => {
  const insecure = useEmulator({ allowInsecureWebhooks: true });
  it("accepts http loopback targets only when allowed, never other http hosts", async () => {
    const ok = await call(insecure, "POST", "/v3/webhook-subscriptions", {
      target_url: "http://127.0.0.1:9/h",
      subscribed_events: ["chat.created"],
    });
    expect(ok.status).toBe(201);
    const bad = await call(insecure, "POST", "/v3/webhook-subscriptions", {
      target_url: "http://example.com/h",
      subscribed_events: ["chat.created"],
    });
    expectApiError(bad, 400, 1005);
  });
});
