/**
 * SPEC §8 scale rows: how the CLI's cost grows with the number of managed chats, and what the
 * PostgreSQL backend costs against the file backend.
 *  (f) apply of 1,000 and of N (default 10,000) group-chat creates against an unthrottled
 *      loopback emulator: the CLI's CPU time per created chat at N within 1.5× of that at
 *      1,000 (journaling is an append per change, so it must not grow with the state);
 *      peak RSS of the N-chat apply under 400 MB;
 *  (g) a no-op plan over those N chats: at most ceil(N/100) + 5 requests, under 5 s wall;
 *  (h) the 1,000-create apply with the state in PostgreSQL: wall time within 1.2× of the
 *      file backend's.
 * The CLI's CPU and peak RSS are read inside the child (process.cpuUsage / resourceUsage at
 * exit, printed by a --import hook), so the emulator's work in this process is not counted.
 */
import { join } from "node:path";
import type { BenchRow } from "./bench-table.js";
import { BenchRunError, runCliTimed, type TimedRun } from "./bench-cli.js";
import { startBenchEmulator } from "./bench-emulator.js";
import { startEmbeddedPostgres } from "./embedded-postgres-server.js";
import { createBenchWorkspace, groupChatsConfig } from "./bench-workspace.js";

const USAGE_HOOK =
  "data:text/javascript," +
  encodeURIComponent(
    'process.on("exit",()=>{const c=process.cpuUsage();process.stderr.write("\\nBENCH_USAGE "+JSON.stringify({cpuMs:(c.user+c.system)/1000,maxRssKb:process.resourceUsage().maxRSS})+"\\n")})',
  );

interface Usage {
  cpuMs: number;
  maxRssKb: number;
}

function usageOf(run: TimedRun): Usage {
  const m = /BENCH_USAGE (\{.*\})/.exec(run.stderr);
  if (!m) throw new BenchRunError("reading the CLI's CPU usage", run);
  return JSON.parse(m[1] as string) as Usage;
}

interface ApplyRun {
  run: TimedRun;
  usage: Usage;
}

async function applyCreates(
  count: number,
  state: (dir: string) => string,
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<ApplyRun & { plan?: { run: TimedRun; requests: number } }> {
  const emu = await startBenchEmulator();
  const ws = await createBenchWorkspace(groupChatsConfig(count, "scale"));
  const common = [ws.configPath, "--endpoint", emu.baseUrl, "--state", state(ws.dir)];
  const allEnv = { LINQ_API_TOKEN: emu.token, ...env };
  try {
    log(
      `applying ${count} creates (${state(ws.dir).startsWith("postgres") ? "PostgreSQL" : "file"} state) …`,
    );
    const run = await runCliTimed(
      ["--import", USAGE_HOOK, "apply", ...common, "--auto-approve", "--parallelism", "8"],
      allEnv,
      { nodeArgs: true },
    );
    if (run.code !== 0) throw new BenchRunError(`apply of ${count} creates`, run);
    const usage = usageOf(run);
    log(`  ${(run.wallMs / 1000).toFixed(1)} s wall, ${(usage.cpuMs / 1000).toFixed(1)} s CLI CPU`);
    const before = await emu.lastSeq();
    const plan = await runCliTimed(["plan", ...common, "--detailed-exitcode"], allEnv);
    const requests = (await emu.requestsSince(before)).length;
    return { run, usage, plan: { run: plan, requests } };
  } finally {
    await emu.close();
    await ws.remove();
  }
}

/** A throwaway PostgreSQL for the (h) row. */
async function startPostgres(): Promise<{ url: string; password: string; stop(): Promise<void> }> {
  const pg = await startEmbeddedPostgres("bench", "bench-pw", ["bench"]);
  return {
    url: `postgres://bench@${pg.host}:${pg.port}/bench`,
    password: pg.password,
    stop: pg.stop,
  };
}

export async function measureScale(
  large = 10_000,
  log: (line: string) => void = () => {},
): Promise<BenchRow[]> {
  const fileState = (dir: string) => join(dir, ".chatsync", "state.json");
  const small = await applyCreates(1_000, fileState, {}, log);
  const big = await applyCreates(large, fileState, {}, log);
  const perSmall = small.usage.cpuMs / 1_000;
  const perBig = big.usage.cpuMs / large;
  const ratio = perBig / perSmall;
  const n = large.toLocaleString("en-US");
  const budget = Math.ceil(large / 100) + 5;
  const rows: BenchRow[] = [
    {
      metric: "(f) 1,000 creates: CLI CPU per chat",
      measured: `${perSmall.toFixed(2)} ms`,
      budget: "-",
      ok: null,
    },
    {
      metric: `(f) ${n} creates: CLI CPU per chat`,
      measured: `${perBig.toFixed(2)} ms (${ratio.toFixed(2)}×)`,
      budget: "<= 1.5× of 1,000",
      ok: ratio <= 1.5,
    },
    {
      metric: `(f) ${n} creates: wall time`,
      measured: `${(big.run.wallMs / 1000).toFixed(1)} s`,
      budget: "-",
      ok: null,
    },
    {
      metric: `(f) ${n} creates: peak RSS`,
      measured: `${Math.round(big.usage.maxRssKb / 1024)} MB`,
      budget: "< 400 MB",
      ok: big.usage.maxRssKb / 1024 < 400,
    },
    {
      metric: `(g) no-op plan, ${n} chats: API requests`,
      measured: String(big.plan?.requests ?? "-"),
      budget: `<= ${budget}`,
      ok: big.plan?.run.code === 0 && (big.plan?.requests ?? Infinity) <= budget,
    },
    {
      metric: `(g) no-op plan, ${n} chats: wall time`,
      measured: `${((big.plan?.run.wallMs ?? 0) / 1000).toFixed(2)} s`,
      budget: "< 5 s",
      ok: big.plan?.run.code === 0 && (big.plan?.run.wallMs ?? Infinity) < 5_000,
    },
  ];

  const pg = await startPostgres();
  try {
    let i = 0;
    const viaPg = await applyCreates(
      1_000,
      () => `${pg.url}?name=bench-${++i}`,
      { PGPASSWORD: pg.password },
      log,
    );
    const r = viaPg.run.wallMs / small.run.wallMs;
    rows.push({
      metric: "(h) 1,000 creates, PostgreSQL vs file state: wall time",
      measured: `${(viaPg.run.wallMs / 1000).toFixed(1)} s vs ${(small.run.wallMs / 1000).toFixed(1)} s (${r.toFixed(2)}×)`,
      budget: "<= 1.2×",
      ok: r <= 1.2,
    });
  } finally {
    await pg.stop();
  }
  return rows;
}
