/**
 * Crash safety against an emulator whose POST /v3/chats ignores the idempotency key — the
 * pessimistic reading of the open question §12.1. A replayed create would make a second chat,
 * so exactly-once here rests on chatsync finding the chat an interrupted create made. Fewer
 * points than crash-safety.test.ts: the scenarios where a create's outcome is unknown.
 */
import { describe } from "vitest";
import { defineCrashSafetySuite } from "./crash-safety-suite.js";

describe("crash safety when the API does not deduplicate chat creation", () => {
  defineCrashSafetySuite({
    chatCreateDedup: false,
    killFractions: [0.02, 0.1, 0.3, 0.5, 0.7],
    faults: ["5xx responses", "responses lost after commit", "all of them at once"],
    rateLimited: false,
  });
});
