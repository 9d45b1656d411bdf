import { describe, expect, it } from "vitest";
import { renderBenchTable } from "../../src/bench/bench-table.js";

describe("renderBenchTable", () => {
  it("aligns columns and spells out ok, missed and informational rows", () => {
    const text = renderBenchTable([
      { metric: "short", measured: "1 ms", budget: "< 2 ms", ok: true },
      { metric: "a much longer metric", measured: "3 ms", budget: "< 2 ms", ok: false },
      { metric: "info", measured: "9", budget: "-", ok: null },
    ]);
    const lines = text.split("\n");
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^\| metric +\| measured \| budget \| ok +\|$/);
    expect(lines[2]).toContain("| yes |");
    expect(lines[3]).toContain("| NO  |");
    expect(lines[4]).toContain("| -   |");
  });
});
