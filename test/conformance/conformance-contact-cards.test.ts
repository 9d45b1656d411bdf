/**
 * Contact cards through the official SDK (linq-api-v3.md §5.9): one card per line, create,
 * get (all or one line), merge-PATCH, and the 2014 duplicate rule.
 */
import { describe, expect, it } from "vitest";
import { BadRequestError, ConflictError, NotFoundError, PermissionDeniedError } from "@linqapp/sdk";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { FOREIGN_LINE } from "./harness/sample-values.js";

describe("conformance: POST /v3/contact_card", () => {
  const ctx = useConformanceEmulator();

  it("creates a card for a line and returns the SetContactCard, active", async () => {
    const { sdk, lineA } = ctx();
    const { data, response } = await sdk.contactCard
      .create({
        phone_number: lineA,
        first_name: "Acme",
        last_name: "Support",
        image_url: "https://cdn.example.com/a.png",
      })
      .withResponse();
    // Success status is UNSETTLED (200 or 201); the emulator chose 201.
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      phone_number: lineA,
      first_name: "Acme",
      last_name: "Support",
      is_active: true,
    });
    expect(data.image_url).toMatch(/^https:\/\//);
  });

  it("refuses a second card for the same line with ConflictError 409/2014", async () => {
    const { sdk, lineA } = ctx();
    await sdk.contactCard.create({ phone_number: lineA, first_name: "Acme" });
    await expectApiError(
      sdk.contactCard.create({ phone_number: lineA, first_name: "Other" }),
      ConflictError,
      409,
      2014,
    );
    const { contact_cards } = await sdk.contactCard.retrieve({ phone_number: lineA });
    expect(contact_cards.map((c) => c.first_name)).toEqual(["Acme"]);
  });

  it("refuses a phone_number that is not E.164 with 400/1002", async () => {
    await expectApiError(
      ctx().sdk.contactCard.create({ phone_number: "2025550100", first_name: "Acme" }),
      BadRequestError,
      400,
      1002,
    );
  });

  it("refuses a missing first_name with 400/1001", async () => {
    await expectApiError(
      ctx().sdk.contactCard.create({ phone_number: ctx().lineA } as {
        phone_number: string;
        first_name: string;
      }),
      BadRequestError,
      400,
      1001,
    );
  });

  it("refuses a line that is not on the account with 403/2006 (emulator decision; 2006 or 2012 UNSETTLED)", async () => {
    await expectApiError(
      ctx().sdk.contactCard.create({ phone_number: FOREIGN_LINE, first_name: "Acme" }),
      PermissionDeniedError,
      403,
      2006,
    );
  });
});

describe("conformance: GET /v3/contact_card", () => {
  const ctx = useConformanceEmulator();

  it("lists every card without phone_number, and one line's card with it", async () => {
    const { sdk, lineA, lineB } = ctx();
    await sdk.contactCard.create({ phone_number: lineA, first_name: "Acme" });
    await sdk.contactCard.create({ phone_number: lineB, first_name: "Beta" });
    const { data: all, response } = await sdk.contactCard.retrieve().withResponse();
    expect(response.status).toBe(200);
    expect(all.contact_cards.map((c) => c.phone_number).sort()).toEqual([lineA, lineB].sort());
    const one = await sdk.contactCard.retrieve({ phone_number: lineB });
    expect(one.contact_cards).toHaveLength(1);
    expect(one.contact_cards[0]).toMatchObject({
      phone_number: lineB,
      first_name: "Beta",
      is_active: true,
    });
  });

  it("answers an empty list when no card exists", async () => {
    const { contact_cards } = await ctx().sdk.contactCard.retrieve();
    expect(contact_cards).toEqual([]);
  });

  it("answers [] for a line without a card (emulator decision; [] or 404/2012 UNSETTLED)", async () => {
    const { sdk, lineA, lineB } = ctx();
    await sdk.contactCard.create({ phone_number: lineA, first_name: "Acme" });
    expect((await sdk.contactCard.retrieve({ phone_number: lineB })).contact_cards).toEqual([]);
  });
});

describe("conformance: PATCH /v3/contact_card?phone_number=", () => {
  const ctx = useConformanceEmulator();

  it("merges: fields left out keep their value", async () => {
    const { sdk, lineA } = ctx();
    await sdk.contactCard.create({ phone_number: lineA, first_name: "Acme", last_name: "Support" });
    const { data, response } = await sdk.contactCard
      .update({ phone_number: lineA, first_name: "Acme Inc" })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      phone_number: lineA,
      first_name: "Acme Inc",
      last_name: "Support",
    });
    const { contact_cards } = await sdk.contactCard.retrieve({ phone_number: lineA });
    expect(contact_cards[0]).toMatchObject({ first_name: "Acme Inc", last_name: "Support" });
  });

  it("updates the image_url", async () => {
    const { sdk, lineA } = ctx();
    await sdk.contactCard.create({
      phone_number: lineA,
      first_name: "Acme",
      image_url: "https://cdn.example.com/a.png",
    });
    const data = await sdk.contactCard.update({
      phone_number: lineA,
      image_url: "https://cdn.example.com/b.png",
    });
    expect(data.first_name).toBe("Acme");
    expect(data.image_url).not.toBe("https://cdn.example.com/a.png");
    expect(data.image_url).toMatch(/^https:\/\//);
  });

  it("refuses to patch a line without a card with 404/2012 (emulator decision) and creates none", async () => {
    const { sdk, lineB } = ctx();
    await expectApiError(
      sdk.contactCard.update({ phone_number: lineB, first_name: "Ghost" }),
      NotFoundError,
      404,
      2012,
    );
    expect((await sdk.contactCard.retrieve()).contact_cards).toEqual([]);
  });
});
