#!/usr/bin/env node
/**
 * `npm run bench`: measures the budgets of SPEC §8 against a loopback emulator and prints a
 * table (metric | measured | budget | ok). Not part of `npm test`: timings belong here, never in
 * tests. Exits 1 when a budget is missed, so CI can run it as a gate.
 *
 * Flags: --chats N (no-op plan size, default 1000), --creates N (default 200), --rps R
 * (default 20), --diff-chats N (default 10000), --scale N (scale rows f/g/h, default 10000),
 * --only a,b,c,d,e,f (subset; f runs the scale rows f, g and h).
 */
import { renderBenchTable, type BenchRow } from "./bench-table.js";
import { measureDiffCpu } from "./measure-diff-cpu.js";
import { measureNoopPlan } from "./measure-noop-plan.js";
import { measureRateLimitedApply } from "./measure-rate-limited-apply.js";
import { measureScale } from "./measure-scale.js";
import { measureStartup } from "./measure-startup.js";

class BenchUsageError extends Error {
  readonly code = "BENCH_USAGE";
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0)
    throw new BenchUsageError(
      `npm run bench: --${name} needs a positive integer, got ${process.argv[i + 1]}`,
    );
  return v;
}

async function main(): Promise<void> {
  const onlyArg = process.argv.indexOf("--only");
  const only = new Set(
    onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? "").split(",") : ["a", "b", "c", "d", "e", "f"],
  );
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const rows: BenchRow[] = [];
  const guard = async (label: string, fn: () => Promise<BenchRow[]> | BenchRow[]) => {
    try {
      rows.push(...(await fn()));
    } catch (err) {
      rows.push({
        metric: label,
        measured: `failed: ${(err as Error).message.split("\n")[0]}`,
        budget: "-",
        ok: false,
      });
      log(`${label} failed: ${(err as Error).message}`);
    }
  };
  // CPU-bound measures first, while nothing else runs on the machine.
  if (only.has("c")) await guard("(c) diff CPU", () => measureDiffCpu(flag("diff-chats", 10_000)));
  if (only.has("d")) await guard("(d) chatsync --version", () => measureStartup());
  if (only.has("a") || only.has("e")) {
    const chats = flag("chats", 1000);
    await guard("(a)/(e) no-op plan and second apply", async () => {
      const measured = await measureNoopPlan(chats, log);
      return measured.filter((r) => only.has(r.metric.slice(1, 2)));
    });
  }
  if (only.has("b"))
    await guard("(b) rate-limited apply", () =>
      measureRateLimitedApply(flag("creates", 200), flag("rps", 20), log),
    );

  if (only.has("f"))
    await guard("(f)/(g)/(h) scale", () => measureScale(flag("scale", 10_000), log));

  process.stdout.write(`${renderBenchTable(rows)}\n`);
  if (rows.some((r) => r.ok === false)) process.exitCode = 1;
}

await main();
