import { describe, expect, it } from "vitest";
import {
  isJsonContentType,
  parseRetryAfterHeader,
} from "../../src/sync-engine/client/http-transport.js";

describe("parseRetryAfterHeader", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfterHeader("45")).toBe(45);
    expect(parseRetryAfterHeader(" 0 ")).toBe(0);
  });

  it("reads an HTTP date relative to now, never negative", () => {
    const now = Date.parse("2026-11-27T08:00:00Z");
    expect(parseRetryAfterHeader("Fri, 27 Nov 2026 08:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfterHeader("Fri, 27 Nov 2026 07:59:00 GMT", now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfterHeader(undefined)).toBeUndefined();
    expect(parseRetryAfterHeader("soon")).toBeUndefined();
    expect(parseRetryAfterHeader("-5")).toBeUndefined();
  });
});

describe("isJsonContentType", () => {
  it("accepts application/json with parameters and any +json type", () => {
    expect(isJsonContentType("application/json; charset=utf-8")).toBe(true);
    expect(isJsonContentType("Application/JSON")).toBe(true);
    expect(isJsonContentType("application/geo+json")).toBe(true);
    expect(isJsonContentType("application/problem+json; charset=utf-8")).toBe(true);
  });

  it("rejects everything else", () => {
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType("text/html")).toBe(false);
    expect(isJsonContentType("application/jsonp")).toBe(false);
  });
});
