/**
 * Crash safety with the state in PostgreSQL (SPEC §6a): the same SIGKILL and fault scenarios
 * as crash-safety.test.ts, journaled as rows instead of file lines. Fewer points: the engine is
 * the same, what differs is where each journaled change lands.
 */
import { describe } from "vitest";
import { defineCrashSafetySuite } from "./crash-safety-suite.js";

describe("crash safety with a PostgreSQL state", () => {
  defineCrashSafetySuite({
    chatCreateDedup: false,
    killFractions: [0.05, 0.3, 0.55, 0.8],
    faults: ["responses lost after commit", "all of them at once"],
    rateLimited: false,
    backend: "postgres",
  });
});
