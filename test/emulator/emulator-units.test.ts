import { describe, expect, it } from "vitest";
import { CapabilityGate } from "../../src/emulator/capability-gate.js";
import { FaultInjector, parseFaultSettings } from "../../src/emulator/fault-injector.js";
import {
  chooseChatService,
  normalizeHandle,
  supportsService,
} from "../../src/emulator/handle-format.js";
import { fingerprint } from "../../src/emulator/idempotency.js";
import { PairRateLimiter } from "../../src/emulator/pair-rate-limit.js";
import { decodeCursor, encodeCursor, paginate, parseLimit } from "../../src/emulator/pagination.js";
import { Router } from "../../src/emulator/router.js";
import { TokenBucket } from "../../src/emulator/token-bucket.js";
import { retryDelayMs } from "../../src/emulator/webhook-dispatcher.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills at rps", () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(500);
    now = 500;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(500);
  });

  it("defaults burst to one second of requests", () => {
    expect(new TokenBucket(20, undefined).burst).toBe(20);
    expect(new TokenBucket(0.5, undefined).burst).toBe(1);
  });
});

describe("FaultInjector", () => {
  it("never fails with probability 0 or no enabled mode", () => {
    const f = new FaultInjector(() => 0);
    f.configure({ probability: 0, statuses: [500] });
    expect(f.decide()).toEqual({ kind: "none" });
    f.configure({ probability: 1 });
    expect(f.decide()).toEqual({ kind: "none" });
  });

  it("picks among the enabled kinds with the random source", () => {
    const draws = [0, 0.9, 0];
    const f = new FaultInjector(() => draws.shift() ?? 0);
    f.configure({ probability: 1, statuses: [500], reset_connection: true });
    expect(f.decide()).toEqual({ kind: "reset_connection" });
  });

  it("draws the latency between min and max with the random source; none when unset", () => {
    const draws = [0, 0.5, 0.999];
    const f = new FaultInjector(() => draws.shift() ?? 0);
    expect(f.latencyMs()).toBe(0);
    f.configure({ probability: 0, latency_ms: [100, 300] });
    expect([f.latencyMs(), f.latencyMs(), f.latencyMs()]).toEqual([100, 200, 299.8]);
  });

  it("parses and rejects settings", () => {
    expect(parseFaultSettings({ probability: 0.1, statuses: [503], latency_ms: [1, 2] })).toEqual({
      probability: 0.1,
      statuses: [503],
      latency_ms: [1, 2],
    });
    expect(() => parseFaultSettings({ probability: 1, statuses: [200] })).toThrow(/statuses/);
    expect(() => parseFaultSettings([])).toThrow(/object/);
  });
});

describe("pagination", () => {
  const items = [1, 2, 3, 4, 5].map((seq) => ({ seq }));
  it("round-trips cursors and rejects foreign ones", () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(decodeCursor(null)).toBeUndefined();
    expect(() => decodeCursor("abc")).toThrow(/cursor/);
  });

  it("pages ascending and descending", () => {
    const p1 = paginate(items, { after: undefined, limit: 2, direction: "asc" });
    expect(p1.items.map((i) => i.seq)).toEqual([1, 2]);
    const p2 = paginate(items, {
      after: decodeCursor(p1.next_cursor),
      limit: 10,
      direction: "asc",
    });
    expect(p2).toEqual({ items: [3, 4, 5].map((seq) => ({ seq })), next_cursor: null });
    const d = paginate([...items].reverse(), { after: 3, limit: 5, direction: "desc" });
    expect(d.items.map((i) => i.seq)).toEqual([2, 1]);
  });

  it("validates limit", () => {
    expect(parseLimit(null, 20)).toBe(20);
    expect(parseLimit("100", 20)).toBe(100);
    expect(() => parseLimit("1.5", 20)).toThrow(/limit/);
  });
});

describe("Router", () => {
  const r = new Router<string>()
    .add("GET", "/v3/chats/:chatId", "get")
    .add("PUT", "/v3/chats/:chatId", "put");
  it("matches params, reports wrong methods and unknown paths", () => {
    expect(r.match("GET", "/v3/chats/a%2Bb")).toEqual({
      kind: "found",
      handler: "get",
      params: { chatId: "a+b" },
    });
    expect(r.match("DELETE", "/v3/chats/x")).toEqual({
      kind: "method_not_allowed",
      allowed: ["GET", "PUT"],
    });
    expect(r.match("GET", "/v3/chats/x/y")).toEqual({ kind: "not_found" });
  });
});

describe("handles and services", () => {
  it("normalizes E.164 and emails, rejects the rest with 1002", () => {
    expect(normalizeHandle("to", " +14155550101 ")).toBe("+14155550101");
    expect(normalizeHandle("to", "Ann@Example.COM")).toBe("ann@example.com");
    expect(() => normalizeHandle("to", "415-555")).toThrow(expect.objectContaining({ code: 1002 }));
  });

  it("chooses the best common service and honours preferred_service", () => {
    const r = (best: "iMessage" | "SMS" | "RCS", handle = "+14155550101") => ({ handle, best });
    expect(chooseChatService([r("iMessage"), r("RCS")], undefined)).toBe("RCS");
    expect(chooseChatService([r("iMessage")], "SMS")).toBe("SMS");
    expect(chooseChatService([r("SMS")], "iMessage")).toBeUndefined();
    expect(chooseChatService([r("iMessage", "a@b.co"), r("SMS")], undefined)).toBeUndefined();
    expect(supportsService("a@b.co", "iMessage", "SMS")).toBe(false);
  });
});

describe("limits and schedules", () => {
  it("capability gate: one check per line per interval", () => {
    const g = new CapabilityGate(10_000);
    expect(g.take("+1", 0)).toBe(0);
    expect(g.take("+1", 4_000)).toBe(6_000);
    expect(g.take("+2", 4_000)).toBe(0);
    expect(g.take("+1", 10_000)).toBe(0);
  });

  it("pair limiter: 30 per rolling minute per pair; a refused send counts for no pair", () => {
    const p = new PairRateLimiter(true);
    for (let i = 0; i < 30; i++) expect(p.take("+1", ["a"], i)).toBe(0);
    expect(p.take("+1", ["a", "b"], 100)).toBe(60_000 - 100);
    expect(p.take("+1", ["b"], 100)).toBe(0);
    expect(p.take("+1", ["a"], 60_000)).toBe(0);
  });

  it("pair limiter: disabled lets everything through", () => {
    const p = new PairRateLimiter(false);
    for (let i = 0; i < 40; i++) expect(p.take("+1", ["a"], i)).toBe(0);
  });

  it("webhook retry delay doubles from 100 ms and caps at 5 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 9].map(retryDelayMs)).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  it("fingerprints ignore object key order", () => {
    expect(fingerprint({ a: 1, b: [{ x: 1, y: 2 }] })).toBe(
      fingerprint({ b: [{ y: 2, x: 1 }], a: 1 }),
    );
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});
