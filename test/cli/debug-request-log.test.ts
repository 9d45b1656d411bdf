import { describe, expect, it } from "vitest";
import {
  debugRequestHooks,
  formatRequestEvent,
  formatRetryEvent,
} from "../../src/cli/debug-request-log.js";

describe("--debug request log", () => {
  it("prints method, path, status, attempt and duration of each attempt", () => {
    expect(
      formatRequestEvent({
        method: "GET",
        path: "/v3/chats?limit=100",
        status: 200,
        attempt: 1,
        durationMs: 12.4,
      }),
    ).toBe("debug: GET /v3/chats?limit=100 → 200 (attempt 1, 12 ms)\n");
  });

  it("names the failure when no response arrived", () => {
    const error = Object.assign(new Error("reset"), { name: "LinqNetworkError" });
    expect(
      formatRequestEvent({
        method: "POST",
        path: "/v3/chats",
        attempt: 2,
        durationMs: 3,
        error: error as never,
      }),
    ).toBe("debug: POST /v3/chats → LinqNetworkError (attempt 2, 3 ms)\n");
  });

  it("prints each retry with its reason and wait", () => {
    expect(
      formatRetryEvent({
        method: "POST",
        path: "/v3/chats",
        attempt: 1,
        delayMs: 1500,
        reason: "429 (1007)",
        rateLimited: true,
      }),
    ).toBe(
      "debug: POST /v3/chats failed with 429 (1007); every request pauses for 1500 ms (attempt 2 next)\n",
    );
    expect(
      formatRetryEvent({
        method: "GET",
        path: "/v3/chats/c1",
        attempt: 3,
        delayMs: 4000,
        reason: "503",
        rateLimited: false,
      }),
    ).toBe("debug: GET /v3/chats/c1 failed with 503; retrying for 4000 ms (attempt 4 next)\n");
  });

  it("wires both hooks with --debug and none without", () => {
    const lines: string[] = [];
    const hooks = debugRequestHooks(true, (t) => lines.push(t));
    hooks.onRequest?.({ method: "GET", path: "/v3/x", status: 200, attempt: 1, durationMs: 1 });
    hooks.onRetry?.({
      method: "GET",
      path: "/v3/x",
      attempt: 1,
      delayMs: 5,
      reason: "503",
      rateLimited: false,
    });
    expect(lines).toHaveLength(2);
    const quiet = debugRequestHooks(false, (t) => lines.push(t));
    expect(quiet.onRequest).toBeUndefined();
  });

  it("without --debug says only that a request is retried for a reason other than a 429, once per attempt", () => {
    const lines: string[] = [];
    const hooks = debugRequestHooks(false, (t) => lines.push(t));
    const retry = (path: string, attempt: number, reason: string, rateLimited = false) =>
      hooks.onRetry?.({ method: "GET", path, attempt, delayMs: 2000, reason, rateLimited });
    retry("/v3/chats", 1, "429 (1007)", true);
    expect(lines).toEqual([]);
    retry("/v3/chats", 1, "ECONNREFUSED");
    retry("/v3/contact_card", 1, "ECONNREFUSED");
    retry("/v3/chats", 2, "ECONNREFUSED");
    expect(lines).toEqual([
      "Retrying: GET /v3/chats failed (ECONNREFUSED); attempt 2 in 2 s…\n",
      "Retrying: GET /v3/chats failed (ECONNREFUSED); attempt 3 in 2 s…\n",
    ]);
  });
});
