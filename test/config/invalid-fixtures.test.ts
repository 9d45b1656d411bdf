/**
 * The invalid-document corpus: every file (or folder) under test/fixtures/invalid must be
 * refused with exactly the diagnostics in its sibling `.expected.json` — same file, line,
 * column, severity and message — and must produce no desired state.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";

const dir = fileURLToPath(new URL("../fixtures/invalid/", import.meta.url));

interface Expected {
  file: string;
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
}

const cases = readdirSync(dir)
  .filter((name) => !name.endsWith(".expected.json"))
  .sort();

describe("invalid documents", () => {
  it("has a corpus of at least 40 documents, each with its expectation", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const name of cases) {
      expect(existsSync(`${dir}${name.replace(/\.yaml$/, "")}.expected.json`), name).toBe(true);
    }
  });

  it.each(cases)("%s is refused with the expected diagnostics", async (name) => {
    const expected = JSON.parse(
      readFileSync(`${dir}${name.replace(/\.yaml$/, "")}.expected.json`, "utf8"),
    ) as Expected[];
    const result = await loadConfig([name], { cwd: dir });
    expect(result.state).toBeUndefined();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.some((e) => e.severity === "error")).toBe(true);
    const actual = result.diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      severity: d.severity,
      message: d.message,
    }));
    expect(actual).toEqual(expected);
  });
});
