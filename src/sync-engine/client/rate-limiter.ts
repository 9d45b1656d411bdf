/**
 * Client-side request gate, applied before every attempt:
 *  - an optional token bucket (`rps` tokens per second, at most `burst` saved up), so an apply
 *    under a known server limit is spaced out and never meets a 429 at all;
 *  - a shared pause: when any request gets a 429 with a wait, `pauseFor` holds back EVERY
 *    request until the wait is over, not just the one that was refused;
 *  - adaptive pacing (`AdaptiveRate`, see there for why and how): after 429s, request starts
 *    are spaced at a rate learned from the server's answers, reported through
 *    `recordAccepted` / `recordRateLimited`. The explicit bucket stays a hard ceiling.
 * Waiters are served first come, first served, so a burst of callers cannot starve one.
 */
import { AdaptiveRate, type AdaptiveRateOptions } from "./adaptive-rate.js";
import { LinqConfigError } from "./client-errors.js";
import { systemClock, type Clock } from "./clock.js";

export interface RateLimitOptions {
  /** Sustained requests per second. */
  rps: number;
  /** Requests that may go out back to back after an idle period. Default: ceil(rps), at least 1. */
  burst?: number;
}

export class RateLimiter {
  private readonly rps: number | undefined;
  private readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private readonly adaptive: AdaptiveRate | undefined;
  /** When the last slot was granted; the adaptive spacing counts from here. */
  private lastGrantAt = Number.NEGATIVE_INFINITY;
  /** Tail of the FIFO of waiters; each waiter starts when the previous one got its slot. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limit: RateLimitOptions | undefined,
    private readonly clock: Clock = systemClock,
    /** Adaptive pacing after 429s; `false` turns it off (pause only). */
    adaptive: Omit<AdaptiveRateOptions, "ceilingRps"> | false = {},
  ) {
    if (limit !== undefined) {
      if (!(Number.isFinite(limit.rps) && limit.rps > 0)) {
        throw new LinqConfigError(
          "INVALID_OPTION",
          `rateLimit.rps must be a number above 0, got ${limit.rps}`,
        );
      }
      const burst = limit.burst ?? Math.max(1, Math.ceil(limit.rps));
      if (!(Number.isInteger(burst) && burst >= 1)) {
        throw new LinqConfigError(
          "INVALID_OPTION",
          `rateLimit.burst must be an integer of at least 1, got ${burst}`,
        );
      }
      this.rps = limit.rps;
      this.burst = burst;
    } else {
      this.rps = undefined;
      this.burst = 1;
    }
    this.tokens = this.burst;
    this.lastRefill = clock.now();
    this.adaptive =
      adaptive === false
        ? undefined
        : new AdaptiveRate({
            ...adaptive,
            ...(this.rps === undefined ? {} : { ceilingRps: this.rps }),
          });
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every request back for `ms` from now (extends, never shortens, a running pause). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
    // The server's wait already spaces the next request: it may go the moment the pause ends.
    this.lastGrantAt = Number.NEGATIVE_INFINITY;
  }

  /** The server answered (not 429) a request whose slot was granted at `sentAt`. */
  recordAccepted(sentAt: number): void {
    this.adaptive?.recordAccepted(sentAt, this.clock.now());
  }

  /** The server answered 429 to a request whose slot was granted at `sentAt`. */
  recordRateLimited(sentAt: number): void {
    this.adaptive?.recordRateLimited(sentAt, this.clock.now());
  }

  /** The rate learned from 429s, req/s, or undefined while not pacing. */
  pacedRps(): number | undefined {
    return this.adaptive?.currentRps(this.clock.now());
  }

  /** Milliseconds left of the shared pause (0 when none). */
  pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const pause = this.pausedUntil - now;
      if (pause > 0) {
        await this.clock.sleep(Math.ceil(pause));
        continue; // the pause may have been extended while we slept
      }
      const paced = this.lastGrantAt + (this.adaptive?.intervalMs(now) ?? 0) - now;
      if (paced > 0) {
        await this.clock.sleep(Math.ceil(paced));
        continue; // a pause may have started, or the rate changed, while we slept
      }
      if (this.rps !== undefined) {
        this.refill(now);
        if (this.tokens < 1) {
          await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.rps) * 1_000));
          continue;
        }
        this.tokens -= 1;
      }
      this.lastGrantAt = now;
      return;
    }
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * (this.rps ?? 0)) / 1_000);
    this.lastRefill = now;
  }
}
