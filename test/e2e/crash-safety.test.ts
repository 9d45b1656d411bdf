/** Crash safety against an emulator whose POST /v3/chats deduplicates by idempotency key (its default). */
import { describe } from "vitest";
import { defineCrashSafetySuite } from "./crash-safety-suite.js";

describe("crash safety", () => {
  defineCrashSafetySuite({
    chatCreateDedup: true,
    // Ten points from start to near the end (not the very end, where the apply could finish
    // before the kill lands).
    killFractions: [0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.78, 0.85],
    faults: [
      "5xx responses",
      "429 responses",
      "connection resets",
      "responses lost after commit",
      "all of them at once",
    ],
    rateLimited: true,
  });
});
