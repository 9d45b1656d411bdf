/**
 * Learns the server's request rate from its 429s, so the client paces itself instead of
 * bursting into the limit again after every pause.
 *
 * Why learn it: the reference documents no general request-rate limit (linq-api-v3.md §2.5,
 * open question 3 in §12), so the client cannot be configured with one up front, yet a server
 * may still enforce one. Only reacting (pause until Retry-After, then every concurrent request
 * fires at once) meets the limit again immediately and provokes several 429s per useful request.
 *
 * Decision (UNSETTLED §12 q3): AIMD, in the style of TCP congestion control.
 *  - First 429 while not pacing: adopt `decreaseFactor` × the rate the server accepted over the
 *    last `windowMs` (the best evidence of its limit). With nothing accepted in the window there
 *    is no evidence, so only the server's pause applies. Then "probe": grow by `probeGain` per
 *    accepted request (exponential at full use, ×1.65/s by default) so an estimate that a small
 *    server burst made too low recovers in seconds.
 *  - Each later 429: rate := decreaseFactor × min(paced rate, accepted rate over the window),
 *    then "steady" growth: +max(1 req/s, 5 %) per second of full use (per accepted request
 *    +max(1/rate, 0.05)). 0.9 rather than TCP's 0.5 because the decrease starts from a measured
 *    rate, and an apply must stay close to the server's rate (SPEC §8 budget b).
 *  - A 429 for a request sent before the last decrease causes no further decrease: concurrent
 *    requests refused by the same overload are one signal, not four.
 *  - Never below `floorRps`; never above `ceilingRps` (the explicit `rateLimit.rps`).
 *  - After `quietMs` without any 429 the pacing is dropped: a limit that was temporary must not
 *    slow the client forever; a lasting one is re-learned from the next 429.
 * Every 429 counts, including per-pair and capability-check limits (§2.5) that are not request
 * rates; the floor and the quiet-period reset bound what such a 429 can cost.
 *
 * Pure: no timers and no clock; every method takes the time (ms, monotonic) from the caller.
 */
import { LinqConfigError } from "./client-errors.js";

export interface AdaptiveRateOptions {
  /** Lowest paced rate, req/s. Default 1 (or the ceiling, if that is lower). */
  floorRps?: number;
  /** Hard upper bound, req/s (the explicit `rateLimit.rps`). Default: none. */
  ceilingRps?: number;
  /** Multiplier applied on a 429, in (0, 1). Default 0.9. */
  decreaseFactor?: number;
  /** Span over which accepted requests are counted to measure the server's rate, ms. Default 1000. */
  windowMs?: number;
  /** Time without a 429 after which pacing is dropped, ms. Default 30 000. */
  quietMs?: number;
}

export type PacingPhase = "off" | "probe" | "steady";

const PROBE_GAIN = 0.5;
const STEADY_MIN_STEP = 0.05;

export class AdaptiveRate {
  private readonly floorRps: number;
  private readonly ceilingRps: number;
  private readonly decreaseFactor: number;
  private readonly windowMs: number;
  private readonly quietMs: number;

  private rps: number | undefined;
  private phase: PacingPhase = "off";
  /** When the current rate was adopted; responses to requests sent earlier do not adjust it. */
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private last429At = Number.NEGATIVE_INFINITY;
  /** Times at which accepted (non-429) responses arrived, oldest first, within the window. */
  private accepted: number[] = [];

  constructor(options: AdaptiveRateOptions = {}) {
    const ceiling = options.ceilingRps ?? Number.POSITIVE_INFINITY;
    positive(ceiling, "rateLimit.rps");
    this.ceilingRps = ceiling;
    this.floorRps = Math.min(positive(options.floorRps ?? 1, "adaptiveRate.floorRps"), ceiling);
    const factor = options.decreaseFactor ?? 0.9;
    if (!(factor > 0 && factor < 1)) {
      throw new LinqConfigError(
        "INVALID_OPTION",
        `adaptiveRate.decreaseFactor must be between 0 and 1 (exclusive), got ${factor}`,
      );
    }
    this.decreaseFactor = factor;
    this.windowMs = positive(options.windowMs ?? 1_000, "adaptiveRate.windowMs");
    this.quietMs = positive(options.quietMs ?? 30_000, "adaptiveRate.quietMs");
  }

  /** The paced rate in req/s, or undefined when not pacing. Drops pacing after the quiet period. */
  currentRps(now: number): number | undefined {
    if (this.rps !== undefined && now - this.last429At >= this.quietMs) {
      this.rps = undefined;
      this.phase = "off";
      this.lastDecreaseAt = Number.NEGATIVE_INFINITY;
    }
    return this.rps;
  }

  /** Minimum spacing between request starts, ms (0 when not pacing). */
  intervalMs(now: number): number {
    const rps = this.currentRps(now);
    return rps === undefined ? 0 : 1_000 / rps;
  }

  phaseAt(now: number): PacingPhase {
    this.currentRps(now);
    return this.phase;
  }

  /** The server answered a request sent at `sentAt` with anything but 429. */
  recordAccepted(sentAt: number, now: number): void {
    this.accepted.push(now);
    this.prune(now);
    const rps = this.currentRps(now);
    if (rps === undefined || sentAt < this.lastDecreaseAt) return;
    const step = this.phase === "probe" ? PROBE_GAIN : Math.max(1 / rps, STEADY_MIN_STEP);
    this.rps = this.clamp(rps + step);
  }

  /** The server answered a request sent at `sentAt` with 429. */
  recordRateLimited(sentAt: number, now: number): void {
    const rps = this.currentRps(now);
    this.last429At = now;
    if (sentAt < this.lastDecreaseAt) return; // same overload as the last decrease
    this.prune(now);
    const measured = (this.accepted.length * 1_000) / this.windowMs;
    if (rps === undefined) {
      if (measured === 0) return; // no evidence of the server's rate: its pause is all we have
      this.rps = this.clamp(measured * this.decreaseFactor);
      this.phase = "probe";
    } else {
      // An empty window (a long pause) says nothing about the rate; fall back to the paced one.
      const base = measured > 0 ? Math.min(rps, measured) : rps;
      this.rps = this.clamp(base * this.decreaseFactor);
      this.phase = "steady";
    }
    this.lastDecreaseAt = now;
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.accepted.length && this.accepted[drop]! <= from) drop++;
    if (drop > 0) this.accepted.splice(0, drop);
  }

  private clamp(rps: number): number {
    return Math.min(this.ceilingRps, Math.max(this.floorRps, rps));
  }
}

function positive(value: number, name: string): number {
  if (!(typeof value === "number" && value > 0 && !Number.isNaN(value))) {
    throw new LinqConfigError("INVALID_OPTION", `${name} must be a number above 0, got ${value}`);
  }
  return value;
}
