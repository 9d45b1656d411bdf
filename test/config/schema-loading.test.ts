/**
 * Loading schemas/chatsync.schema.json: once, and a clear error when an install lacks it. Each
 * describe imports a fresh module under a mocked node:fs. Not in vitest.mutate.config.ts: a
 * fresh import makes Stryker count the module's constants as covered by these tests alone.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSchema } from "../../src/sync-engine/config/schema-validator.js";

type SchemaModule = typeof import("../../src/sync-engine/config/schema-validator.js");

async function freshModule(readFileSync: (...args: never[]) => unknown): Promise<SchemaModule> {
  const actual = await vi.importActual<typeof import("node:fs")>("node:fs");
  vi.doMock("node:fs", () => ({ ...actual, readFileSync }));
  vi.resetModules();
  return import("../../src/sync-engine/config/schema-validator.js");
}

function restoreFs(): void {
  vi.doUnmock("node:fs");
  vi.resetModules();
}

describe("loadSchema: a readable schema file", () => {
  let fresh: SchemaModule;
  let reads = 0;
  beforeAll(async () => {
    const actual = await vi.importActual<typeof import("node:fs")>("node:fs");
    fresh = await freshModule(((...args: Parameters<typeof actual.readFileSync>) => {
      reads++;
      return actual.readFileSync(...args);
    }) as never);
  });
  afterAll(restoreFs);

  it("is read once and then reused", () => {
    const first = fresh.loadSchema();
    expect(fresh.loadSchema()).toBe(first);
    expect(reads).toBe(1);
    expect(first).toEqual(loadSchema());
  });
});

describe("loadSchema: an unreadable schema file", () => {
  const cause = new Error("ENOENT: no such file or directory");
  let fresh: SchemaModule;
  beforeAll(async () => {
    fresh = await freshModule(() => {
      throw cause;
    });
  });
  afterAll(restoreFs);

  it("is a SchemaLoadError that says to reinstall", () => {
    let thrown: unknown;
    try {
      fresh.loadSchema();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(fresh.SchemaLoadError);
    expect(thrown).toMatchObject({
      name: "SchemaLoadError",
      code: "CHATSYNC_SCHEMA_UNREADABLE",
      message: `cannot read the chatsync schema at ${fresh.SCHEMA_FILE}: ENOENT: no such file or directory; reinstall chatsync`,
      cause,
    });
  });
});
