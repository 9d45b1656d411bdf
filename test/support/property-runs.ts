/**
 * How many cases a fast-check property tries. `npm test` tries `n`; a mutation run
 * (`npm run mutate`, which sets CHATSYNC_MUTATION_RUN) re-runs every covering test once per
 * mutant, so it tries a tenth with a fixed seed: the exact-value tests do most of the killing
 * there, and a property at full size would make one folder take hours on two cores.
 */
export function propertyRuns(n: number): number {
  return process.env.CHATSYNC_MUTATION_RUN === "1" ? Math.max(10, Math.round(n / 10)) : n;
}
