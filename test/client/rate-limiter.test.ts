import { describe, expect, it } from "vitest";
import { LinqConfigError } from "../../src/sync-engine/client/client-errors.js";
import { RateLimiter } from "../../src/sync-engine/client/rate-limiter.js";
import { FakeClock } from "./fake-clock.js";

describe("RateLimiter token bucket", () => {
  it("lets a burst through, then spaces requests 1/rps apart", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter({ rps: 10, burst: 2 }, clock);
    const passedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    expect(passedAt).toEqual([0, 0, 100, 200, 300]);
  });

  it("refills while idle, but never beyond the burst", async () => {
    const clock = new FakeClock("manual");
    const limiter = new RateLimiter({ rps: 5, burst: 3 }, clock);
    for (let i = 0; i < 3; i++) await limiter.acquire();
    clock.advance(10_000); // far more than needed to refill 3 tokens
    const passedAt: number[] = [];
    const all = Promise.all(
      Array.from({ length: 4 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    await clock.waitForSleeps(1);
    expect(passedAt).toEqual([10_000, 10_000, 10_000]);
    expect(clock.sleeps).toEqual([200]);
    clock.advance(200);
    await all;
    expect(passedAt).toEqual([10_000, 10_000, 10_000, 10_200]);
  });

  it("without a bucket, passes at once", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter(undefined, clock);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(clock.sleeps).toEqual([]);
  });

  it("a pause holds back every waiter until it is over", async () => {
    const clock = new FakeClock("manual");
    const limiter = new RateLimiter(undefined, clock);
    limiter.pauseFor(3000);
    const passedAt: number[] = [];
    const all = Promise.all(
      [1, 2, 3].map(() => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    await clock.waitForSleeps(1);
    expect(passedAt).toEqual([]);
    limiter.pauseFor(1000); // a shorter pause must not shorten the running one
    clock.advance(3000);
    await all;
    expect(passedAt).toEqual([3000, 3000, 3000]);
  });

  it("rejects a zero rps with a config error", () => {
    expect(() => new RateLimiter({ rps: 0 })).toThrow(LinqConfigError);
    expect(() => new RateLimiter({ rps: 5, burst: 0 })).toThrow(LinqConfigError);
  });
});

describe("RateLimiter adaptive pacing after 429s", () => {
  /** 10 requests through an unpaced limiter at t=0, all accepted, then the 11th refused. */
  async function afterOverload(limiter: RateLimiter, clock: FakeClock): Promise<void> {
    for (let i = 0; i < 10; i++) {
      await limiter.acquire();
      limiter.recordAccepted(clock.now());
    }
    await limiter.acquire();
    limiter.recordRateLimited(clock.now());
    limiter.pauseFor(50);
  }

  it("spaces the requests after a 429 at the learned rate, the first one right after the pause", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter(undefined, clock);
    await afterOverload(limiter, clock);
    expect(limiter.pacedRps()).toBeCloseTo(9); // 10 accepted in the window × 0.9
    const passedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    // ceil(1000 / 9) = 112 ms apart once the 50 ms pause is over.
    expect(passedAt).toEqual([50, 162, 274, 386]);
  });

  it("with adaptive pacing off, only the pause holds requests back", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter(undefined, clock, false);
    await afterOverload(limiter, clock);
    expect(limiter.pacedRps()).toBeUndefined();
    const passedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    expect(passedAt).toEqual([50, 50, 50, 50]);
  });

  it("keeps the explicit rateLimit as a ceiling of the learned rate", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter({ rps: 4, burst: 20 }, clock);
    await afterOverload(limiter, clock); // 10 accepted would suggest 9 req/s
    expect(limiter.pacedRps()).toBe(4);
    for (let i = 0; i < 50; i++) limiter.recordAccepted(clock.now());
    expect(limiter.pacedRps()).toBe(4);
    const passedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    expect(passedAt).toEqual([50, 300, 550]);
  });

  it("speeds up again after successes, and stops pacing after a quiet period", async () => {
    const clock = new FakeClock("auto");
    const limiter = new RateLimiter(undefined, clock, { quietMs: 5_000 });
    await afterOverload(limiter, clock);
    const learned = limiter.pacedRps()!;
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      limiter.recordAccepted(clock.now());
    }
    expect(limiter.pacedRps()!).toBeGreaterThan(learned);
    clock.advance(5_000);
    expect(limiter.pacedRps()).toBeUndefined();
    const start = clock.now();
    const passedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () => limiter.acquire().then(() => passedAt.push(clock.now()))),
    );
    expect(passedAt).toEqual([start, start, start]);
  });
});
