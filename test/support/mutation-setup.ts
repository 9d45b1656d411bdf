// vitest setup of mutation runs only (vitest.mutate.config.ts): properties without an explicit
// size try few cases, from a fixed seed, so a mutant is judged the same way on every run.
import fc from "fast-check";

fc.configureGlobal({ numRuns: 10, seed: 1_234_567 });
