/** Budget (d): `chatsync --version` start-up, median of several runs (SPEC §8: under 300 ms). */
import type { BenchRow } from "./bench-table.js";
import { runCliTimed } from "./bench-cli.js";

export async function measureStartup(runs = 9): Promise<BenchRow[]> {
  await runCliTimed(["--version"]); // first run pays for the disk cache; not counted
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runCliTimed(["--version"]);
    if (r.code !== 0)
      return [
        {
          metric: "(d) chatsync --version",
          measured: `exit ${r.code}`,
          budget: "< 300 ms",
          ok: false,
        },
      ];
    times.push(r.wallMs);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return [
    {
      metric: `(d) chatsync --version (median of ${runs})`,
      measured: `${median.toFixed(0)} ms`,
      budget: "< 300 ms",
      ok: median < 300,
    },
  ];
}
