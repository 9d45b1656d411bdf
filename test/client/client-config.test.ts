import { describe, expect, it } from "vitest";
import { LinqConfigError } from "../../src/sync-engine/client/client-errors.js";
import {
  DEFAULT_BASE_URL,
  resolveBaseUrl,
  resolveToken,
} from "../../src/sync-engine/client/client-config.js";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";

describe("token resolution", () => {
  it("prefers LINQ_API_TOKEN over LINQ_API_V3_API_KEY", () => {
    expect(resolveToken({ LINQ_API_TOKEN: "primary", LINQ_API_V3_API_KEY: "sdk" })).toBe("primary");
    expect(resolveToken({ LINQ_API_V3_API_KEY: "sdk" })).toBe("sdk");
    expect(resolveToken({ LINQ_API_TOKEN: "", LINQ_API_V3_API_KEY: "sdk" })).toBe("sdk");
  });

  it("names the variable to set when no token is found", () => {
    const err = (() => {
      try {
        resolveToken({});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LinqConfigError);
    expect((err as LinqConfigError).code).toBe("MISSING_TOKEN");
    expect((err as Error).message).toContain("LINQ_API_TOKEN");
  });

  it("refuses a token with whitespace inside without echoing it", () => {
    expect(() => resolveToken({ LINQ_API_TOKEN: "abc def-SECRETPART" })).toThrow(/whitespace/);
    try {
      resolveToken({ LINQ_API_TOKEN: "abc def-SECRETPART" });
    } catch (e) {
      expect((e as Error).message).not.toContain("SECRETPART");
    }
  });
});

describe("base URL resolution", () => {
  it("explicit option, then LINQ_API_BASE_URL, then LINQ_API_V3_BASE_URL, then production", () => {
    const env = {
      LINQ_API_BASE_URL: "https://a.test/api/partner",
      LINQ_API_V3_BASE_URL: "https://b.test/api/partner",
    };
    expect(resolveBaseUrl(env, "https://explicit.test/x/")).toBe("https://explicit.test/x");
    expect(resolveBaseUrl(env)).toBe("https://a.test/api/partner");
    expect(resolveBaseUrl({ LINQ_API_V3_BASE_URL: "https://b.test/api/partner/" })).toBe(
      "https://b.test/api/partner",
    );
    expect(resolveBaseUrl({})).toBe(DEFAULT_BASE_URL);
  });

  it("rejects a non-http URL naming where it came from", () => {
    expect(() => resolveBaseUrl({ LINQ_API_BASE_URL: "ftp://x" })).toThrow(/LINQ_API_BASE_URL/);
    expect(() => resolveBaseUrl({ LINQ_API_BASE_URL: "not a url" })).toThrow(LinqConfigError);
  });
});

describe("LinqClient.fromEnv", () => {
  it("uses the env precedence and lets overrides win", async () => {
    const env = { LINQ_API_V3_API_KEY: "k", LINQ_API_V3_BASE_URL: "https://b.test/api/partner" };
    const a = LinqClient.fromEnv(env);
    const b = LinqClient.fromEnv({ ...env, LINQ_API_BASE_URL: "https://a.test/api/partner" });
    const c = LinqClient.fromEnv(env, { baseUrl: "https://c.test/api/partner" });
    expect([a.baseUrl, b.baseUrl, c.baseUrl]).toEqual([
      "https://b.test/api/partner",
      "https://a.test/api/partner",
      "https://c.test/api/partner",
    ]);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("throws a config error without a token", () => {
    expect(() => LinqClient.fromEnv({ LINQ_API_BASE_URL: "https://a.test" })).toThrow(
      /LINQ_API_TOKEN/,
    );
  });
});
