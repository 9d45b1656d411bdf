/**
 * Ranges of the emulator's numeric settings, shared by start-up options and the control API so
 * both accept exactly the same. Out-of-range values used to slip through silently: a delay past
 * 2^31-1 ms fires after 1 ms, and `rps: 1e-300` made `Retry-After: 1e+300`.
 */

/** Longest delay (latency, async operations, capability interval): ten minutes. */
export const MAX_DELAY_MS = 600_000;
/** Below one request per 1000 s a Retry-After stops being a useful number. */
export const MIN_RPS = 0.001;
export const MAX_RPS = 1_000_000;

/** Why `rps`/`burst` are unusable, or undefined. `rps` 0 means no limit. */
export function rateLimitProblem(rps: unknown, burst: unknown): string | undefined {
  if (typeof rps !== "number" || !(rps === 0 || (rps >= MIN_RPS && rps <= MAX_RPS)))
    return `rps must be 0 (no limit) or a number from ${MIN_RPS} to ${MAX_RPS} (got ${JSON.stringify(rps)})`;
  if (
    burst !== undefined &&
    !(Number.isInteger(burst) && (burst as number) >= 1 && (burst as number) <= MAX_RPS)
  )
    return `burst must be a whole number from 1 to ${MAX_RPS} (got ${JSON.stringify(burst)})`;
  return undefined;
}

/** Why a delay setting is unusable, or undefined. */
export function delayProblem(name: string, ms: unknown): string | undefined {
  if (!Number.isInteger(ms) || (ms as number) < 0 || (ms as number) > MAX_DELAY_MS)
    return `${name} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (got ${JSON.stringify(ms)})`;
  return undefined;
}
