/**
 * A fake `Clock` for the client's injected `now`/`sleep`. In `auto` mode a sleep advances time
 * at once (and is recorded), so retries and spacing run instantly; in `manual` mode sleepers
 * wait until the test calls `advance`.
 */
import type { Clock } from "../../src/sync-engine/client/clock.js";

export class FakeClock implements Clock {
  private t = 0;
  readonly sleeps: number[] = [];
  private waiters: { until: number; resolve: () => void }[] = [];
  private sleepListeners: (() => void)[] = [];

  constructor(private readonly mode: "auto" | "manual" = "auto") {}

  now = (): number => this.t;

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    for (const l of this.sleepListeners.splice(0)) l();
    if (this.mode === "auto") {
      this.t += ms;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiters.push({ until: this.t + ms, resolve }));
  };

  /** Manual mode: moves time forward and wakes every sleeper whose time has come. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.waiters.filter((w) => w.until <= this.t);
    this.waiters = this.waiters.filter((w) => w.until > this.t);
    for (const w of due) w.resolve();
  }

  /** Resolves once at least `count` sleeps have been requested. */
  async waitForSleeps(count: number): Promise<void> {
    while (this.sleeps.length < count) {
      await new Promise<void>((resolve) => this.sleepListeners.push(resolve));
    }
  }
}
