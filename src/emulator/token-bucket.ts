/**
 * A token bucket: `rps` tokens per second refill up to `burst`. `take()` either spends one
 * token or says how long until one is available (the 429's Retry-After).
 */
export interface RateLimitSettings {
  rps: number;
  burst?: number;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  readonly burst: number;

  constructor(
    readonly rps: number,
    burst: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rps > 0)) throw new RangeError(`rate limit rps must be > 0 (got ${rps})`);
    // Default burst: one second's worth, at least one request.
    this.burst = Math.max(1, burst ?? Math.ceil(rps));
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /** Spends a token; returns 0 when allowed, otherwise the wait in ms until one is available. */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rps);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) / this.rps) * 1000;
  }
}

/** One bucket per bearer token, so two tokens do not throttle each other. */
export class PerTokenRateLimiter {
  private buckets = new Map<string, TokenBucket>();
  private settings: RateLimitSettings | undefined;

  constructor(settings?: RateLimitSettings) {
    this.configure(settings);
  }

  /** `undefined` or `rps: 0` removes the limit. */
  configure(settings: RateLimitSettings | undefined): void {
    if (settings !== undefined && !(settings.rps >= 0)) {
      throw new RangeError(`rate limit rps must be a number >= 0 (got ${String(settings.rps)})`);
    }
    if (settings?.burst !== undefined && !(settings.burst >= 1)) {
      throw new RangeError(`rate limit burst must be >= 1 (got ${String(settings.burst)})`);
    }
    this.settings = settings && settings.rps > 0 ? { ...settings } : undefined;
    this.buckets.clear();
  }

  current(): RateLimitSettings | undefined {
    return this.settings;
  }

  /** 0 = allowed; otherwise ms to wait. */
  take(token: string): number {
    if (this.settings === undefined) return 0;
    let bucket = this.buckets.get(token);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.settings.rps, this.settings.burst);
      this.buckets.set(token, bucket);
    }
    return bucket.take();
  }
}
