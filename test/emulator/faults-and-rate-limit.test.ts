import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { startEmulator, EmulatorOptionError } from "../../src/emulator/index.js";
import { useEmulator, type StartedEmulator } from "../support/emulator.js";
import { ALICE, call, expectApiError, text } from "./emulator-http.js";

const emu = useEmulator();

/** Raw request that reports a connection reset instead of throwing. */
function rawPost(
  e: StartedEmulator,
  path: string,
  body: unknown,
): Promise<{ kind: "response"; status: number } | { kind: "reset" }> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(`${e.baseUrl}${path}`, {
      method: "POST",
      agent: false,
      headers: {
        authorization: `Bearer ${e.token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ kind: "response", status: res.statusCode ?? 0 }));
    });
    req.on("error", () => resolve({ kind: "reset" }));
    req.end(payload);
  });
}

const createBody = () => ({ from: emu.phoneNumbers[0], to: [ALICE], message: text("hi") });

describe("faults", () => {
  it("statuses: answers with one of them and the right envelope; nothing is created", async () => {
    await emu.control.faults({ probability: 1, statuses: [503] });
    const r = await call(emu, "POST", "/v3/chats", createBody());
    expectApiError(r, 503, 4004);
    await emu.control.faults({ probability: 1, statuses: [500] });
    expectApiError(await call(emu, "GET", "/v3/chats"), 500, 3006);
    await emu.control.faults({ probability: 0 });
    expect((await call(emu, "GET", "/v3/chats")).json.chats).toEqual([]);
  });

  it("statuses: a 429 carries retry_after and Retry-After", async () => {
    await emu.control.faults({ probability: 1, statuses: [429] });
    const r = await call(emu, "GET", "/v3/chats");
    expectApiError(r, 429, 1007);
    expect(r.json.error.retry_after).toBe(1);
    expect(r.headers.get("retry-after")).toBe("1");
  });

  it("reset_connection: the socket closes before handling, nothing is created, the log shows status 0", async () => {
    await emu.control.faults({ probability: 1, reset_connection: true });
    expect(await rawPost(emu, "/v3/chats", createBody())).toEqual({ kind: "reset" });
    await emu.control.faults({ probability: 0 });
    expect((await call(emu, "GET", "/v3/chats")).json.chats).toEqual([]);
    const log = await emu.control.requests();
    expect(log[0]).toMatchObject({
      method: "POST",
      path: "/api/partner/v3/chats",
      status: 0,
      fault: "reset_connection",
    });
  });

  it("drop_response_after_commit: the chat is created but the client gets no response", async () => {
    await emu.control.faults({ probability: 1, drop_response_after_commit: true });
    expect(await rawPost(emu, "/v3/chats", createBody())).toEqual({ kind: "reset" });
    await emu.control.faults({ probability: 0 });
    expect((await call(emu, "GET", "/v3/chats")).json.chats).toHaveLength(1);
    const log = await emu.control.requests();
    expect(log[0]).toMatchObject({
      method: "POST",
      status: 201,
      fault: "drop_response_after_commit",
    });
  });

  it("probability 0.5 fails some requests and lets others through", async () => {
    await emu.control.faults({ probability: 0.5, statuses: [500] });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push((await call(emu, "GET", "/v3/phone_numbers")).status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(200);
  });

  it("the control API is never faulted and rejects bad settings", async () => {
    await emu.control.faults({ probability: 1, statuses: [500], reset_connection: true });
    expect(Array.isArray(await emu.control.requests())).toBe(true);
    await expect(emu.control.faults({ probability: 2 })).rejects.toThrow(/probability/);
    await expect(emu.control.faults({ probability: 1, latency_ms: [5, 1] })).rejects.toThrow(
      /latency_ms/,
    );
  });

  it("latency_ms delays but still answers", async () => {
    await emu.control.faults({ probability: 0, latency_ms: [1, 5] });
    expect((await call(emu, "GET", "/v3/phone_numbers")).status).toBe(200);
  });
});

describe("rate limit", () => {
  it("answers 429/1007 with error.retry_after and Retry-After once the bucket is empty", async () => {
    await emu.control.rateLimit({ rps: 1, burst: 2 });
    const statuses = [];
    let limited;
    for (let i = 0; i < 3; i++) {
      const r = await call(emu, "GET", "/v3/phone_numbers");
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses).toEqual([200, 200, 429]);
    if (limited === undefined) throw new Error("no 429");
    expectApiError(limited, 429, 1007);
    expect(limited.json.error.retry_after).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("retry-after")).toBe(String(limited.json.error.retry_after));
    expect(Number(limited.headers.get("retry-after-ms"))).toBeGreaterThan(0);
    expect(await emu.control.requests()).toHaveLength(3);
  });

  it("{rps:0} removes the limit; the control API is never limited", async () => {
    await emu.control.rateLimit({ rps: 1, burst: 1 });
    await call(emu, "GET", "/v3/phone_numbers");
    for (let i = 0; i < 5; i++) await emu.control.requests();
    await emu.control.rateLimit({ rps: 0 });
    for (let i = 0; i < 5; i++)
      expect((await call(emu, "GET", "/v3/phone_numbers")).status).toBe(200);
  });
});

describe("rate limit from start-up options", () => {
  const limited = useEmulator({ rateLimit: { rps: 1, burst: 1 }, tokens: ["t1", "t2"] });
  it("applies per token from the options and survives reset", async () => {
    expect(
      (await call(limited, "GET", "/v3/phone_numbers", undefined, { token: "t1" })).status,
    ).toBe(200);
    expect(
      (await call(limited, "GET", "/v3/phone_numbers", undefined, { token: "t1" })).status,
    ).toBe(429);
    expect(
      (await call(limited, "GET", "/v3/phone_numbers", undefined, { token: "t2" })).status,
    ).toBe(200);
  });
});

describe("faults from start-up options", () => {
  const faulty = useEmulator({ faults: { probability: 1, statuses: [503] } });

  it("fail API requests from the first one, never the control API, and come back after reset", async () => {
    expectApiError(await call(faulty, "GET", "/v3/phone_numbers"), 503, 4004);
    expect((await faulty.control.state()).faults).toEqual({ probability: 1, statuses: [503] });
    await faulty.control.faults({ probability: 0 });
    expect((await call(faulty, "GET", "/v3/phone_numbers")).status).toBe(200);
    await faulty.control.reset();
    expectApiError(await call(faulty, "GET", "/v3/phone_numbers"), 503, 4004);
  });

  it("are checked like PUT /__emulator/faults", async () => {
    await expect(startEmulator({ port: 0, faults: { probability: 2 } as never })).rejects.toThrow(
      EmulatorOptionError,
    );
    await expect(
      startEmulator({ port: 0, faults: { probability: 1, statuses: [200] } }),
    ).rejects.toThrow(/statuses must be an array of HTTP error statuses/);
  });
});
