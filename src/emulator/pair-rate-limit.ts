/**
 * The documented per-pair limit (§2.5): 30 messages per rolling 60 s for each unique
 * sender→recipient pair. A send to a group counts once for every active recipient; the
 * send is refused (429/1007) when any of its pairs is full, and then counts for none.
 * Kept in memory only: a restart forgets the window, as a rolling minute would anyway.
 *
 * On by default, like the API. Fixtures that send more than 30 messages a minute to the same
 * test recipient can turn it off with the `pairRateLimit: false` option or
 * `PUT /__emulator/rate-limit {"pair_limit": false}`.
 */
export const PAIR_MESSAGE_LIMIT = 30;
export const PAIR_WINDOW_MS = 60_000;

export class PairRateLimiter {
  private sent = new Map<string, number[]>();
  enabled: boolean;

  constructor(
    enabled = true,
    private readonly limit = PAIR_MESSAGE_LIMIT,
    private readonly windowMs = PAIR_WINDOW_MS,
  ) {
    this.enabled = enabled;
  }

  /** Records one message from `line` to each recipient; returns 0, or ms until it would fit. */
  take(line: string, recipients: readonly string[], now = Date.now()): number {
    if (!this.enabled) return 0;
    let waitMs = 0;
    const windows = recipients.map((r) => {
      const key = `${line}→${r}`;
      const recent = (this.sent.get(key) ?? []).filter((t) => now - t < this.windowMs);
      this.sent.set(key, recent);
      if (recent.length >= this.limit)
        waitMs = Math.max(waitMs, (recent[0] as number) + this.windowMs - now);
      return recent;
    });
    if (waitMs > 0) return waitMs;
    for (const w of windows) w.push(now);
    return 0;
  }

  reset(): void {
    this.sent.clear();
  }
}
