import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CanonicalJsonError,
  canonicalJson,
  contentHash,
} from "../../src/sync-engine/model/canonical.js";

/** The same data with every object's keys inserted in a different (reversed/rotated) order. */
function reorderKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, seed + 1));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    const shift = entries.length === 0 ? 0 : seed % entries.length;
    const rotated = [...entries.slice(shift), ...entries.slice(0, shift)].reverse();
    const out: Record<string, unknown> = {};
    for (const [k, v] of rotated)
      Object.defineProperty(out, k, {
        value: reorderKeys(v, seed + 3),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe("canonicalJson", () => {
  it("sorts keys at every depth and has no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: " x ", c: null }], "": true })).toBe(
      '{"":true,"a":[2,{"c":null,"d":" x "}],"b":1}',
    );
  });

  it("is stable under key reordering (property)", () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), (value, seed) => {
        expect(canonicalJson(reorderKeys(value, seed))).toBe(canonicalJson(value));
        expect(contentHash(reorderKeys(value, seed))).toBe(contentHash(value));
      }),
    );
  });

  it("round-trips JSON data (property)", () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("keeps array order (the model sorts sets itself)", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
  });

  it("leaves undefined properties out, like JSON", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined])).toBe("[null]");
  });

  it("sorts by code units, not locale", () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it("refuses values that have no JSON form, naming where", () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } })).toThrow(/NaN at \/a\/b/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/instance of Date at \/d/);
    expect(() => canonicalJson(undefined)).toThrow(CanonicalJsonError);
    let caught: unknown;
    try {
      canonicalJson({ n: 1n });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CanonicalJsonError);
    expect((caught as CanonicalJsonError).code).toBe("CANONICAL_JSON_UNSUPPORTED_VALUE");
    expect((caught as CanonicalJsonError).path).toBe("/n");
  });
});

describe("contentHash", () => {
  it("is the sha256 hex of the canonical JSON", () => {
    // sha256 of the 7 bytes {"a":1}
    expect(contentHash({ a: 1 })).toBe(
      "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
    );
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("canonicalJson: what it refuses, and where", () => {
  const refused = (value: unknown): CanonicalJsonError => {
    try {
      canonicalJson(value);
    } catch (e) {
      if (e instanceof CanonicalJsonError) return e;
      throw e;
    }
    throw new Error("accepted");
  };

  it("names the value and its path, / for the top level", () => {
    expect(refused(Infinity).message).toBe("canonicalJson: Infinity at / has no JSON form");
    const nested = refused({ a: [1, NaN] });
    expect(nested.message).toBe("canonicalJson: NaN at /a/1 has no JSON form");
    expect(nested.path).toBe("/a/1");
    expect(nested.name).toBe("CanonicalJsonError");
    expect(refused(() => 1).message).toBe(
      "canonicalJson: a function at / is not plain data; pass strings, numbers, booleans, null, arrays and plain objects only",
    );
    expect(refused({ n: 1n }).message).toMatch(/^canonicalJson: a bigint at \/n is not plain data/);
    expect(refused(undefined).message).toBe("canonicalJson: undefined has no JSON form");
  });

  it("refuses class instances by name, plain and prototype-less objects are data", () => {
    expect(refused(new Date(0)).message).toBe(
      "canonicalJson: an instance of Date at / is not plain data",
    );
    expect(refused({ when: new Map() }).message).toBe(
      "canonicalJson: an instance of Map at /when is not plain data",
    );
    const orphan = Object.create({}) as object;
    expect(refused(orphan).message).toBe(
      "canonicalJson: an instance of Object at / is not plain data",
    );
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 1;
    bare.a = 2;
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });

  it("orders keys by code unit, whatever order they were added in", () => {
    const keys = ["z", "a", "é", "B", "_", "10", "9", "aa"];
    expect(canonicalJson(Object.fromEntries(keys.map((k) => [k, 0])))).toBe(
      '{"10":0,"9":0,"B":0,"_":0,"a":0,"aa":0,"z":0,"é":0}',
    );
    expect(canonicalJson(Object.fromEntries([...keys].reverse().map((k) => [k, 0])))).toBe(
      '{"10":0,"9":0,"B":0,"_":0,"a":0,"aa":0,"z":0,"é":0}',
    );
  });
});
