/**
 * Lines and capability checks through the official SDK (linq-api-v3.md §5.10.1, §5.12).
 */
import { describe, expect, it } from "vitest";
import { BadRequestError, NotFoundError, RateLimitError } from "@linqapp/sdk";
import { expectApiError } from "./harness/api-error-assertions.js";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { recipient, UNKNOWN_UUID } from "./harness/sample-values.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe("conformance: GET /v3/phone_numbers", () => {
  const ctx = useConformanceEmulator();

  it("lists the token's lines with id, reputation, health_status and forwarding_number", async () => {
    const { sdk, emulator } = ctx();
    const { data, response } = await sdk.phoneNumbers.list().withResponse();
    expect(response.status).toBe(200);
    expect(data.phone_numbers.map((p) => p.phone_number).sort()).toEqual(
      [...emulator.phoneNumbers].sort(),
    );
    for (const line of data.phone_numbers) {
      expect(line.id).toMatch(UUID);
      expect(line.phone_number).toMatch(/^\+[1-9][0-9]{1,14}$/);
      expect(line.reputation.status).toBe("HEALTHY");
      expect(line.reputation.doc_url).toBeTypeOf("string");
      expect(line.health_status.status).toBe(line.reputation.status);
      expect(line.forwarding_number).toBeNull();
    }
    expect(new Set(data.phone_numbers.map((p) => p.id)).size).toBe(data.phone_numbers.length);
  });
});

describe("conformance: lines given at start", () => {
  const ctx = useConformanceEmulator({
    phoneNumbers: ["+12025550100", "+12025550111", "+12025550122"],
  });

  it("serves exactly the configured lines", async () => {
    const { phone_numbers } = await ctx().sdk.phoneNumbers.list();
    expect(phone_numbers.map((p) => p.phone_number).sort()).toEqual([
      "+12025550100",
      "+12025550111",
      "+12025550122",
    ]);
  });
});

describe("conformance: capability checks", () => {
  const ctx = useConformanceEmulator();

  // One check per test: capability checks are rate-limited against enumeration (§2.5).
  it("reports iMessage available for a recipient on iMessage (the emulator default)", async () => {
    const { data, response } = await ctx()
      .sdk.capability.checkIMessage({ address: recipient(1) })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toEqual({ address: recipient(1), available: true });
  });

  it("reports iMessage unavailable for an SMS-only recipient", async () => {
    await ctx().control.setHandleService(recipient(2), "SMS");
    expect(await ctx().sdk.capability.checkIMessage({ address: recipient(2) })).toEqual({
      address: recipient(2),
      available: false,
    });
  });

  it("reports RCS available for an RCS recipient", async () => {
    await ctx().control.setHandleService(recipient(3), "RCS");
    expect(
      await ctx().sdk.capability.checkRCS({ address: recipient(3), from: ctx().lineA }),
    ).toEqual({
      address: recipient(3),
      available: true,
    });
  });

  it("reports RCS unavailable for an SMS-only recipient", async () => {
    await ctx().control.setHandleService(recipient(4), "SMS");
    expect(await ctx().sdk.capability.checkRCS({ address: recipient(4) })).toEqual({
      address: recipient(4),
      available: false,
    });
  });

  it("accepts an email address for the iMessage check", async () => {
    const data = await ctx().sdk.capability.checkIMessage({ address: "alice@example.com" });
    expect(data).toEqual({ address: "alice@example.com", available: true });
  });
});

describe("conformance: PUT /v3/phone_numbers/{phoneNumberId}", () => {
  const ctx = useConformanceEmulator();

  it("sets and clears call forwarding by the line's id", async () => {
    const { sdk, lineA } = ctx();
    const { phone_numbers } = await sdk.phoneNumbers.list();
    const line = phone_numbers.find((p) => p.phone_number === lineA)!;
    const { data, response } = await sdk.phoneNumbers
      .update(line.id, { forwarding_number: "+14155550188" })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data).toEqual({ id: line.id, phone_number: lineA, forwarding_number: "+14155550188" });
    const listed = (await sdk.phoneNumbers.list()).phone_numbers.find((p) => p.id === line.id);
    expect(listed?.forwarding_number).toBe("+14155550188");
    expect(
      (await sdk.phoneNumbers.update(line.id, { forwarding_number: null })).forwarding_number,
    ).toBeNull();
  });

  it("answers an unknown line id with NotFoundError 404/2019", async () => {
    await expectApiError(
      ctx().sdk.phoneNumbers.update(UNKNOWN_UUID, { forwarding_number: null }),
      NotFoundError,
      404,
      2019,
    );
  });

  it("refuses a forwarding number that is not E.164 with 400/1002", async () => {
    const { phone_numbers } = await ctx().sdk.phoneNumbers.list();
    await expectApiError(
      ctx().sdk.phoneNumbers.update(phone_numbers[0]!.id, { forwarding_number: "415-555-0188" }),
      BadRequestError,
      400,
      1002,
    );
  });
});

describe("conformance: capability-check rate limit (§2.5)", () => {
  const ctx = useConformanceEmulator();

  it("answers a second check from the same line within the interval with RateLimitError 429/1007 and Retry-After", async () => {
    const { sdk, lineA } = ctx();
    await sdk.capability.checkIMessage({ address: recipient(1), from: lineA });
    const { error, envelope } = await expectApiError(
      sdk.capability.checkIMessage({ address: recipient(2), from: lineA }),
      RateLimitError,
      429,
      1007,
    );
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(envelope.error.retry_after).toBe(Number(error.headers?.get("retry-after")));
  });
});

describe("conformance: GET /v3/phonenumbers (deprecated) and GET /v3/available_number", () => {
  const ctx = useConformanceEmulator();

  it("still lists the lines on the deprecated path", async () => {
    const { sdk, emulator } = ctx();
    const { phone_numbers } = await sdk.phonenumbers.list();
    expect(phone_numbers.map((p) => p.phone_number).sort()).toEqual(
      [...emulator.phoneNumbers].sort(),
    );
    for (const line of phone_numbers) expect(line.id).toMatch(UUID);
  });

  it("suggests one of the token's lines, with a vCard link", async () => {
    const { sdk, emulator } = ctx();
    const data = await sdk.availableNumber.retrieve();
    expect(emulator.phoneNumbers).toContain(data.phone_number);
    expect(data.vcf_url).toMatch(/^https?:\/\//);
  });

  it("prefers the line an existing chat with those recipients is on (comma-joined `to`)", async () => {
    const { sdk, lineB } = ctx();
    await sdk.chats.create({
      from: lineB,
      to: [recipient(1), recipient(2)],
      message: { parts: [{ type: "text", value: "hi" }] },
    });
    const data = await sdk.availableNumber.retrieve({ to: [recipient(1), recipient(2)] });
    expect(data.phone_number).toBe(lineB);
  });

  it("accepts the repeated form of the `to` query parameter as well (§1.3)", async () => {
    const { sdk, lineB, emulator } = ctx();
    await sdk.chats.create({
      from: lineB,
      to: [recipient(1), recipient(2)],
      message: { parts: [{ type: "text", value: "hi" }] },
    });
    const query = `to=${encodeURIComponent(recipient(1))}&to=${encodeURIComponent(recipient(2))}`;
    const res = await fetch(`${emulator.baseUrl}/v3/available_number?${query}`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { phone_number: string }).phone_number).toBe(lineB);
  });
});
