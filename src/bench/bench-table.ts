/** One benchmark result row and the plain-text table `npm run bench` prints. */

export interface BenchRow {
  metric: string;
  measured: string;
  budget: string;
  /** null: informational, no budget. */
  ok: boolean | null;
}

export function renderBenchTable(rows: readonly BenchRow[]): string {
  const header = ["metric", "measured", "budget", "ok"];
  const cells = rows.map((r) => [
    r.metric,
    r.measured,
    r.budget,
    r.ok === null ? "-" : r.ok ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...cells.map(line)].join("\n");
}
