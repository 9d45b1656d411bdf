import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, call, createChat, expectApiError, type Json } from "./emulator-http.js";

const emu = useEmulator();

describe("location", () => {
  it("requests location in a 1:1 iMessage chat with {success, message}", async () => {
    const dm = await createChat(emu, [ALICE]);
    const r = await call(emu, "POST", `/v3/chats/${dm.id}/location/request`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ success: true, message: "Location request sent" });
  });

  it("refuses groups (409/2016) and SMS/RCS DMs (409/2017)", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expectApiError(await call(emu, "POST", `/v3/chats/${group.id}/location/request`), 409, 2016);
    await emu.control.setHandleService(BOB, "SMS");
    const sms = await createChat(emu, [BOB]);
    expectApiError(await call(emu, "POST", `/v3/chats/${sms.id}/location/request`), 409, 2017);
    await emu.control.setHandleService(ALICE, "RCS");
    const rcs = await createChat(emu, [ALICE]);
    expectApiError(await call(emu, "POST", `/v3/chats/${rcs.id}/location/request`), 409, 2017);
  });

  it("returns a {success, data} FeatureCollection from simulated shares", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    const empty = await call(emu, "GET", `/v3/chats/${group.id}/location`, undefined, {
      headers: { accept: "application/geo+json" },
    });
    expect(empty.json).toEqual({
      success: true,
      data: { type: "FeatureCollection", features: [] },
    });
    await emu.control.simulate({
      type: "location.sharing.started",
      chat_id: group.id,
      handle: ALICE,
      coordinates: [-122.42, 37.77],
    });
    const one = await call(emu, "GET", `/v3/chats/${group.id}/location`);
    expect(one.json.data.features).toEqual([
      {
        type: "Feature",
        geometry: { type: "Point", coordinates: [-122.42, 37.77] },
        properties: { handle: ALICE, updated_at: expect.any(String) },
      },
    ]);
    await emu.control.simulate({
      type: "location.sharing.stopped",
      chat_id: group.id,
      handle: ALICE,
    });
    expect((await call(emu, "GET", `/v3/chats/${group.id}/location`)).json.data.features).toEqual(
      [],
    );
  });
});

describe("contact cards", () => {
  it("creates, refuses a second card (409/2014), merges on PATCH, lists by line", async () => {
    const line = emu.phoneNumbers[0] as string;
    const created = await call(emu, "POST", "/v3/contact_card", {
      phone_number: line,
      first_name: "Acme",
      last_name: "Support",
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      phone_number: line,
      first_name: "Acme",
      last_name: "Support",
      image_url: null,
      is_active: true,
    });
    expectApiError(
      await call(emu, "POST", "/v3/contact_card", { phone_number: line, first_name: "Again" }),
      409,
      2014,
    );
    const patched = await call(
      emu,
      "PATCH",
      `/v3/contact_card?phone_number=${encodeURIComponent(line)}`,
      { image_url: "https://cdn.example.com/a.png" },
    );
    expect(patched.json).toMatchObject({
      first_name: "Acme",
      last_name: "Support",
      image_url: "https://cdn.example.com/a.png",
    });
    const byLine = await call(
      emu,
      "GET",
      `/v3/contact_card?phone_number=${encodeURIComponent(line)}`,
    );
    expect(byLine.json.contact_cards).toHaveLength(1);
    const other = await call(
      emu,
      "GET",
      `/v3/contact_card?phone_number=${encodeURIComponent(emu.phoneNumbers[1] as string)}`,
    );
    expect(other.json).toEqual({ contact_cards: [] });
  });

  it("validates: missing fields 1001, bad number 1002, not owned 2006, PATCH without card 2012, non-https image 1005", async () => {
    const line = emu.phoneNumbers[0] as string;
    expectApiError(await call(emu, "POST", "/v3/contact_card", { first_name: "A" }), 400, 1001);
    expectApiError(await call(emu, "POST", "/v3/contact_card", { phone_number: line }), 400, 1001);
    expectApiError(
      await call(emu, "POST", "/v3/contact_card", { phone_number: "12", first_name: "A" }),
      400,
      1002,
    );
    expectApiError(
      await call(emu, "POST", "/v3/contact_card", {
        phone_number: "+19995550000",
        first_name: "A",
      }),
      403,
      2006,
    );
    expectApiError(
      await call(emu, "POST", "/v3/contact_card", {
        phone_number: line,
        first_name: "A",
        image_url: "http://x.com/a.png",
      }),
      400,
      1005,
    );
    expectApiError(
      await call(emu, "PATCH", `/v3/contact_card?phone_number=${encodeURIComponent(line)}`, {
        first_name: "B",
      }),
      404,
      2012,
    );
    expectApiError(await call(emu, "PATCH", "/v3/contact_card", { first_name: "B" }), 400, 1001);
  });
});

describe("phone numbers", () => {
  it("lists the lines with ids and HEALTHY reputation; the deprecated path too", async () => {
    const r = await call(emu, "GET", "/v3/phone_numbers");
    expect(r.json.phone_numbers.map((p: Json) => p.phone_number)).toEqual(emu.phoneNumbers);
    expect(r.json.phone_numbers[0]).toMatchObject({
      id: expect.any(String),
      reputation: { status: "HEALTHY" },
      forwarding_number: null,
    });
    const old = await call(emu, "GET", "/v3/phonenumbers");
    expect(old.json.phone_numbers[0]).toMatchObject({
      id: r.json.phone_numbers[0].id,
      phone_number: emu.phoneNumbers[0],
    });
  });

  it("sets and clears forwarding by line id; unknown id 404/2019; bad number 1002; missing key 1001", async () => {
    const id = (await call(emu, "GET", "/v3/phone_numbers")).json.phone_numbers[0].id;
    const set = await call(emu, "PUT", `/v3/phone_numbers/${id}`, {
      forwarding_number: "+14155550199",
    });
    expect(set.json).toEqual({
      id,
      phone_number: emu.phoneNumbers[0],
      forwarding_number: "+14155550199",
    });
    expect(
      (await call(emu, "PUT", `/v3/phone_numbers/${id}`, { forwarding_number: "" })).json
        .forwarding_number,
    ).toBeNull();
    expectApiError(
      await call(
        emu,
        "PUT",
        `/v3/phone_numbers/${encodeURIComponent(emu.phoneNumbers[0] as string)}`,
        { forwarding_number: null },
      ),
      404,
      2019,
    );
    expectApiError(
      await call(emu, "PUT", `/v3/phone_numbers/${id}`, { forwarding_number: "555" }),
      400,
      1002,
    );
    expectApiError(await call(emu, "PUT", `/v3/phone_numbers/${id}`, {}), 400, 1001);
  });

  it("suggests the line of an existing chat for available_number (to comma-joined or repeated)", async () => {
    const l2 = emu.phoneNumbers[1] as string;
    await createChat(emu, [ALICE, BOB], undefined, l2);
    const joined = await call(
      emu,
      "GET",
      `/v3/available_number?to=${encodeURIComponent(`${ALICE},${BOB}`)}`,
    );
    const repeated = await call(
      emu,
      "GET",
      `/v3/available_number?to=${encodeURIComponent(BOB)}&to=${encodeURIComponent(ALICE)}`,
    );
    expect(joined.json.phone_number).toBe(l2);
    expect(repeated.json.phone_number).toBe(l2);
    expect((await call(emu, "GET", "/v3/available_number")).json.phone_number).toBe(
      emu.phoneNumbers[0],
    );
  });
});

describe("capability checks", () => {
  it("reports the handle's configured service and rate-limits per line (429/1007 with Retry-After)", async () => {
    await emu.control.setHandleService(BOB, "RCS");
    const [l1, l2] = emu.phoneNumbers as [string, string];
    const a = await call(emu, "POST", "/v3/capability/check_imessage", {
      address: ALICE,
      from: l1,
    });
    expect(a.json).toEqual({ address: ALICE, available: true });
    const limited = await call(emu, "POST", "/v3/capability/check_imessage", {
      address: BOB,
      from: l1,
    });
    expectApiError(limited, 429, 1007);
    expect(Number(limited.headers.get("retry-after"))).toBe(limited.json.error.retry_after);
    expect(limited.json.error.retry_after).toBeGreaterThanOrEqual(1);
    const rcs = await call(emu, "POST", "/v3/capability/check_rcs", { address: BOB, from: l2 });
    expect(rcs.json).toEqual({ address: BOB, available: true });
  });

  it("can be relaxed through the control API, and validates the address", async () => {
    await emu.control.rateLimit({ rps: 0, capability_interval_ms: 0 });
    await emu.control.setHandleService(BOB, "SMS");
    expect(
      (await call(emu, "POST", "/v3/capability/check_imessage", { address: BOB })).json.available,
    ).toBe(false);
    expect(
      (await call(emu, "POST", "/v3/capability/check_rcs", { address: BOB })).json.available,
    ).toBe(false);
    expect(
      (await call(emu, "POST", "/v3/capability/check_imessage", { address: "a@b.co" })).json
        .available,
    ).toBe(true);
    expectApiError(await call(emu, "POST", "/v3/capability/check_imessage", {}), 400, 1001);
    expectApiError(
      await call(emu, "POST", "/v3/capability/check_rcs", { address: "nope" }),
      400,
      1002,
    );
  });
});
