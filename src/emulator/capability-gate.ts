/**
 * The capability-check limit (§2.5: "1 per 10 s"; UNSETTLED whether per line or token).
 * Decision: per line. `take(line)` returns 0 when a check may run now, else ms to wait.
 */
export class CapabilityGate {
  private lastCheck = new Map<string, number>();

  constructor(public intervalMs: number) {}

  take(line: string, now = Date.now()): number {
    const last = this.lastCheck.get(line);
    if (last !== undefined && now - last < this.intervalMs) return this.intervalMs - (now - last);
    this.lastCheck.set(line, now);
    return 0;
  }

  reset(): void {
    this.lastCheck.clear();
  }
}
