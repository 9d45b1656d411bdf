// Mutation testing of the pure core (`npm run mutate`, issue 12). Stryker changes one operator or
// branch at a time in the files below and runs the unit tests of vitest.mutate.config.ts against
// each change; a change no test notices is a "survivor". scripts/mutate.mjs runs this per folder
// and holds the targets. Not part of `npm test` or .ci/run: it takes minutes, not seconds.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/sync-engine/plan/**/*.ts",
    "src/sync-engine/state/**/*.ts",
    "src/sync-engine/model/**/*.ts",
    "src/sync-engine/config/**/*.ts",
    // Orchestration of I/O, not logic: refreshes against the API, opens the state backend.
    "!src/sync-engine/plan/run-plan.ts",
    // Backends read and write files and PostgreSQL; test/state/*-backend.test.ts cover them.
    "!src/sync-engine/state/backends/**",
    // Lock files, process ids and hostnames on disk; test/state/file-lock.test.ts covers it.
    "!src/sync-engine/state/state-lock.ts",
    // Walks folders and reads files; the text it reads is parsed and resolved by mutated files.
    "!src/sync-engine/config/load-config.ts",
  ],
  // Equivalent mutants left surviving (no `// Stryker disable` there: it would also switch off
  // the meaningful mutants on the same line):
  // - plan/removal-guard.ts `removes > 0 &&` → `true` or `>= 0`: with no removal, 0 * 2 > roster
  //   is false for any roster (a length), so the guard answers the same.
  // - plan/find-lookalike-chats.ts `view.active.length === 1` → `true`: a direct chat has one
  //   other handle, so `active[0] === to` already decides it on any chat the API returns.
  coverageAnalysis: "perTest",
  // Two cores, shared with other test suites: at most two test runners.
  concurrency: 2,
  timeoutMS: 20_000,
  // A static mutant (a module-level constant) reruns every test; at concurrency 1 that costs
  // minutes each. They are left out of the score rather than measured.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["clear-text", "json", "progress"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowEmojis: false, reportTests: false, reportMutants: false },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
