import { describe, expect, it } from "vitest";
import { FINAL_CONFLICT_CODES } from "../../src/api-wire/error-codes.js";
import { LinqConfigError } from "../../src/sync-engine/client/client-errors.js";
import { isIdempotentRequest, RetryPolicy } from "../../src/sync-engine/client/retry-policy.js";

const policy = (random = () => 0) =>
  new RetryPolicy({ maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, random });

describe("isIdempotentRequest", () => {
  it("treats reads, PUT and DELETE as idempotent", () => {
    expect(isIdempotentRequest("GET", undefined)).toBe(true);
    expect(isIdempotentRequest("PUT", { display_name: "x" })).toBe(true);
    expect(isIdempotentRequest("DELETE", { handle: "+14155550101" })).toBe(true);
  });

  it("treats a POST as idempotent only with a non-empty message.idempotency_key", () => {
    expect(isIdempotentRequest("POST", { message: { parts: [], idempotency_key: "k1" } })).toBe(
      true,
    );
    expect(isIdempotentRequest("POST", { message: { parts: [], idempotency_key: "" } })).toBe(
      false,
    );
    expect(isIdempotentRequest("POST", { message: { parts: [] } })).toBe(false);
    expect(isIdempotentRequest("POST", { idempotency_key: "top-level-does-not-count" })).toBe(
      false,
    );
    expect(isIdempotentRequest("POST", undefined)).toBe(false);
    expect(isIdempotentRequest("PATCH", { first_name: "A" })).toBe(false);
  });
});

describe("RetryPolicy.decide", () => {
  it("honours retry_after on 429 exactly, for any method", () => {
    const d = policy().decide(
      { kind: "status", status: 429, code: 1007, retryAfterMs: 7000 },
      { attempt: 1, idempotent: false },
    );
    expect(d).toEqual({ retry: true, delayMs: 7000, reason: "429 (1007)", rateLimited: true });
  });

  it("backs off exponentially on 429 without retry_after, capped", () => {
    const p = policy();
    const delays = [1, 2, 3, 4, 5].map((attempt) => {
      const d = p.decide(
        { kind: "status", status: 429, code: 1007 },
        { attempt, idempotent: true },
      );
      return d.retry ? d.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(new RetryPolicy({ maxRetries: 20, random: () => 0 }).backoffMs(10)).toBe(30_000);
  });

  it("takes up to 25% off the backoff as jitter", () => {
    expect(policy(() => 0.999999).backoffMs(3)).toBe(3000);
    expect(policy(() => 0.5).backoffMs(3)).toBe(3500);
  });

  it("surfaces a 429 whose wait exceeds maxRetryAfterMs instead of sleeping through it", () => {
    const p = new RetryPolicy({ maxRetryAfterMs: 60_000 });
    const d = p.decide(
      { kind: "status", status: 429, code: 1007, retryAfterMs: 3_600_000 },
      { attempt: 1, idempotent: true },
    );
    expect(d.retry).toBe(false);
  });

  it("retries 5xx for idempotent requests only", () => {
    const p = policy();
    expect(
      p.decide({ kind: "status", status: 503, code: 4004 }, { attempt: 1, idempotent: true }).retry,
    ).toBe(true);
    expect(
      p.decide({ kind: "status", status: 500, code: 3006 }, { attempt: 1, idempotent: false })
        .retry,
    ).toBe(false);
  });

  it("never retries final 409 codes or other 4xx", () => {
    const p = policy();
    for (const code of FINAL_CONFLICT_CODES) {
      expect(
        p.decide({ kind: "status", status: 409, code }, { attempt: 1, idempotent: true }).retry,
      ).toBe(false);
    }
    for (const [status, code] of [
      [400, 1001],
      [401, 2004],
      [403, 2006],
      [404, 2001],
      [409, 2015],
      [422, 4005],
    ]) {
      expect(
        p.decide({ kind: "status", status: status!, code: code! }, { attempt: 1, idempotent: true })
          .retry,
      ).toBe(false);
    }
  });

  it("retries network errors for idempotent requests, and for any request never sent", () => {
    const p = policy();
    expect(
      p.decide(
        { kind: "network", code: "ECONNRESET", sentBeforeFailure: true },
        { attempt: 1, idempotent: true },
      ).retry,
    ).toBe(true);
    expect(
      p.decide(
        { kind: "network", code: "ECONNRESET", sentBeforeFailure: true },
        { attempt: 1, idempotent: false },
      ).retry,
    ).toBe(false);
    expect(
      p.decide(
        { kind: "network", code: "ECONNREFUSED", sentBeforeFailure: false },
        { attempt: 1, idempotent: false },
      ).retry,
    ).toBe(true);
  });

  it("stops after maxRetries retries", () => {
    const p = new RetryPolicy({ maxRetries: 2, random: () => 0 });
    const f = { kind: "status", status: 500, code: 3006 } as const;
    expect(p.decide(f, { attempt: 2, idempotent: true }).retry).toBe(true);
    expect(p.decide(f, { attempt: 3, idempotent: true }).retry).toBe(false);
  });

  it("rejects a negative maxRetries with a config error", () => {
    expect(() => new RetryPolicy({ maxRetries: -1 })).toThrow(LinqConfigError);
  });
});
