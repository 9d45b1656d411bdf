import { describe, expect, it } from "vitest";
import { LinqArgumentError } from "../../src/sync-engine/client/client-errors.js";
import { apiPath, buildQuery } from "../../src/sync-engine/client/request-url.js";

describe("apiPath", () => {
  it("URL-encodes each id as one segment", () => {
    expect(apiPath`/v3/chats/${"a/b?c"}/participants`).toBe("/v3/chats/a%2Fb%3Fc/participants");
  });

  it("refuses an empty id instead of addressing the collection", () => {
    expect(() => apiPath`/v3/chats/${""}`).toThrow(LinqArgumentError);
  });
});

describe("buildQuery", () => {
  it("encodes + as %2B and joins arrays with commas", () => {
    expect(buildQuery({ phone_number: "+12025550100", to: ["+14155550101", "a@b.c"] })).toBe(
      "?phone_number=%2B12025550100&to=%2B14155550101,a%40b.c",
    );
  });

  it("leaves out undefined, null and empty arrays", () => {
    expect(buildQuery({ a: undefined, b: null, c: [], d: 0 })).toBe("?d=0");
    expect(buildQuery({})).toBe("");
  });
});
