import { describe, expect, it } from "vitest";
import { AdaptiveRate } from "../../src/sync-engine/client/adaptive-rate.js";
import { LinqConfigError } from "../../src/sync-engine/client/client-errors.js";

/** Records `count` accepted answers, all sent and answered at `at`. */
function acceptMany(rate: AdaptiveRate, count: number, at: number): void {
  for (let i = 0; i < count; i++) rate.recordAccepted(at, at);
}

describe("AdaptiveRate: decrease on 429", () => {
  it("does not pace before any 429", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 50, 0);
    expect(rate.currentRps(0)).toBeUndefined();
    expect(rate.intervalMs(0)).toBe(0);
    expect(rate.phaseAt(0)).toBe("off");
  });

  it("adopts decreaseFactor × the rate accepted over the last window on the first 429", () => {
    const rate = new AdaptiveRate();
    for (let i = 0; i < 20; i++) rate.recordAccepted(i * 40, i * 40); // 20 in 760 ms
    rate.recordRateLimited(800, 800);
    expect(rate.currentRps(800)).toBeCloseTo(18);
    expect(rate.intervalMs(800)).toBeCloseTo(1000 / 18);
    expect(rate.phaseAt(800)).toBe("probe");
  });

  it("counts only the answers inside the window", () => {
    const rate = new AdaptiveRate({ windowMs: 1000 });
    acceptMany(rate, 30, 0); // older than the window at t=1500
    acceptMany(rate, 10, 1000);
    rate.recordRateLimited(1500, 1500);
    expect(rate.currentRps(1500)).toBeCloseTo(9);
  });

  it("with nothing accepted in the window, only the server's pause applies", () => {
    const rate = new AdaptiveRate();
    rate.recordRateLimited(0, 0);
    expect(rate.currentRps(0)).toBeUndefined();
  });

  it("treats 429s to requests sent before the decrease as the same signal", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(10, 10); // decrease to 18 at t=10
    rate.recordRateLimited(5, 12); // sent at 5, in flight during the decrease
    rate.recordRateLimited(9, 14);
    expect(rate.currentRps(14)).toBeCloseTo(18);
  });

  it("a later 429 decreases from the lower of the paced and the measured rate, and steadies", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(10, 10); // 18, probing
    rate.recordRateLimited(2_000, 2_000); // window empty: falls back to the paced 18
    expect(rate.currentRps(2_000)).toBeCloseTo(16.2);
    expect(rate.phaseAt(2_000)).toBe("steady");
    acceptMany(rate, 5, 2_500); // only 5 accepted in the last second: the client used 5 req/s
    rate.recordRateLimited(2_600, 2_600);
    // 16.2 plus the steady growth of the 5 answers, then min(…, 5 measured) × 0.9.
    expect(rate.currentRps(2_600)).toBeCloseTo(4.5);
  });

  it("never goes below the floor", () => {
    const rate = new AdaptiveRate({ floorRps: 2 });
    acceptMany(rate, 3, 0);
    for (let t = 1; t <= 50; t++) rate.recordRateLimited(t, t);
    expect(rate.currentRps(50)).toBe(2);
    const defaultFloor = new AdaptiveRate();
    acceptMany(defaultFloor, 1, 0);
    for (let t = 1; t <= 50; t++) defaultFloor.recordRateLimited(t, t);
    expect(defaultFloor.currentRps(50)).toBe(1);
  });

  it("never exceeds the explicit ceiling, even while growing", () => {
    const rate = new AdaptiveRate({ ceilingRps: 5 });
    acceptMany(rate, 40, 0);
    rate.recordRateLimited(1, 1);
    expect(rate.currentRps(1)).toBe(5);
    for (let t = 2; t < 200; t++) rate.recordAccepted(t, t);
    expect(rate.currentRps(200)).toBe(5);
  });

  it("lowers the floor to a ceiling below it", () => {
    const rate = new AdaptiveRate({ ceilingRps: 0.5 });
    acceptMany(rate, 1, 0);
    rate.recordRateLimited(1, 1);
    expect(rate.currentRps(1)).toBe(0.5);
  });
});

describe("AdaptiveRate: recovery", () => {
  it("probes upwards by 0.5 req/s per accepted answer after the first decrease", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 5, 0);
    rate.recordRateLimited(10, 10); // 4.5
    for (let i = 0; i < 4; i++) rate.recordAccepted(20 + i, 20 + i);
    expect(rate.currentRps(30)).toBeCloseTo(6.5);
  });

  it("in the steady phase gains about 1 req/s per second of full use", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(1, 1);
    rate.recordRateLimited(2, 2); // steady at 16.2
    const start = rate.currentRps(2)!;
    for (let i = 0; i < 16; i++) rate.recordAccepted(10 + i * 60, 10 + i * 60);
    const after = rate.currentRps(1_000)!;
    expect(after - start).toBeGreaterThan(0.9);
    expect(after - start).toBeLessThan(1.1);
  });

  it("does not grow on answers to requests sent before the decrease", () => {
    const rate = new AdaptiveRate();
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(10, 10);
    for (let i = 0; i < 4; i++) rate.recordAccepted(5, 11 + i);
    expect(rate.currentRps(20)).toBeCloseTo(18);
  });

  it("drops the pacing after the quiet period without a 429, not before", () => {
    const rate = new AdaptiveRate({ quietMs: 10_000 });
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(100, 100);
    for (let t = 200; t < 9_000; t += 500) rate.recordAccepted(t, t); // successes do not reset it
    expect(rate.currentRps(10_099)).toBeDefined();
    expect(rate.currentRps(10_100)).toBeUndefined();
    expect(rate.phaseAt(10_100)).toBe("off");
    // Learned afresh from the next 429, as on the first one.
    acceptMany(rate, 10, 10_500);
    rate.recordRateLimited(10_600, 10_600);
    expect(rate.currentRps(10_600)).toBeCloseTo(9);
    expect(rate.phaseAt(10_600)).toBe("probe");
  });

  it("a 429 restarts the quiet period", () => {
    const rate = new AdaptiveRate({ quietMs: 10_000 });
    acceptMany(rate, 20, 0);
    rate.recordRateLimited(100, 100);
    rate.recordRateLimited(50, 9_000); // no decrease (sent before it), but still a 429
    expect(rate.currentRps(15_000)).toBeCloseTo(18);
    expect(rate.currentRps(19_000)).toBeUndefined();
  });
});

describe("AdaptiveRate options", () => {
  it("rejects nonsense with a config error", () => {
    expect(() => new AdaptiveRate({ decreaseFactor: 1 })).toThrow(LinqConfigError);
    expect(() => new AdaptiveRate({ decreaseFactor: 0 })).toThrow(LinqConfigError);
    expect(() => new AdaptiveRate({ floorRps: 0 })).toThrow(LinqConfigError);
    expect(() => new AdaptiveRate({ windowMs: -1 })).toThrow(LinqConfigError);
    expect(() => new AdaptiveRate({ quietMs: Number.NaN })).toThrow(LinqConfigError);
    expect(() => new AdaptiveRate({ ceilingRps: 0 })).toThrow(/rateLimit\.rps/);
  });
});
