import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, call, createChat, expectApiError } from "./emulator-http.js";

const LINE_A = "+12025550100";
const LINE_B = "+12025550111";
const emu = useEmulator({
  tokens: ["tok-a", "tok-b"],
  phoneNumbers: [LINE_A, LINE_B],
  tokenLines: { "tok-a": [LINE_A], "tok-b": [LINE_B] },
});

describe("auth and the error envelope", () => {
  it("answers 401/2004 without a bearer token", async () => {
    expectApiError(await call(emu, "GET", "/v3/chats", undefined, { token: null }), 401, 2004);
  });

  it("answers 401/2004 for an unknown token", async () => {
    expectApiError(
      await call(emu, "GET", "/v3/phone_numbers", undefined, { token: "nope" }),
      401,
      2004,
    );
  });

  it("sets a 32-hex X-Trace-ID on successful responses too", async () => {
    const r = await call(emu, "GET", "/v3/phone_numbers");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("answers 400/1003 for malformed JSON", async () => {
    expectApiError(await call(emu, "POST", "/v3/chats", "{not json"), 400, 1003);
  });

  it("answers 400/1003 for a non-JSON content type", async () => {
    const r = await call(emu, "POST", "/v3/chats", "from=x", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectApiError(r, 400, 1003);
  });

  it("answers 403/2006 when from is not a line of the token", async () => {
    const r = await call(
      emu,
      "POST",
      "/v3/chats",
      { from: LINE_B, to: [ALICE], message: { parts: [{ type: "text", value: "hi" }] } },
      { token: "tok-a" },
    );
    expectApiError(r, 403, 2006);
  });

  it("answers 403/2005 for a chat on another token's line, and hides it from lists", async () => {
    const chat = await createChat(emu, [ALICE], undefined, LINE_B, "tok-b");
    expectApiError(
      await call(emu, "GET", `/v3/chats/${chat.id}`, undefined, { token: "tok-a" }),
      403,
      2005,
    );
    expect(
      (await call(emu, "GET", `/v3/chats/${chat.id}`, undefined, { token: "tok-b" })).status,
    ).toBe(200);
    const listA = await call(emu, "GET", "/v3/chats", undefined, { token: "tok-a" });
    expect(listA.json.chats).toEqual([]);
  });

  it("only lists the token's own lines", async () => {
    const r = await call(emu, "GET", "/v3/phone_numbers", undefined, { token: "tok-a" });
    expect(r.json.phone_numbers.map((p: { phone_number: string }) => p.phone_number)).toEqual([
      LINE_A,
    ]);
  });

  it("accepts SDK headers, Accept: */* and sends 204 without a body", async () => {
    const created = await call(
      emu,
      "POST",
      "/v3/chats",
      { from: LINE_A, to: [ALICE], message: { parts: [{ type: "text", value: "hi" }] } },
      { token: "tok-a" },
    );
    const r = await call(emu, "POST", `/v3/chats/${created.json.chat.id}/read`, undefined, {
      token: "tok-a",
      headers: {
        accept: "*/*",
        "user-agent": "LinqAPIV3/JS 0.28.2",
        "x-stainless-retry-count": "0",
        "x-stainless-lang": "js",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
    });
    expect(r.status).toBe(204);
    expect(r.text).toBe("");
    expect(r.headers.get("content-type")).toBeNull();
    expect(r.headers.get("x-trace-id")).not.toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("answers 404 with the envelope for an unknown API route", async () => {
    const r = await call(emu, "GET", "/v3/nope");
    expect(r.status).toBe(404);
    expect(r.json.success).toBe(false);
  });
});
