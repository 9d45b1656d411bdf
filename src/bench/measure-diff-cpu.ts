/** Budget (c): CPU time of the pure diff over 10,000 managed chats (SPEC §8: under 1 s). */
import { buildPlan } from "../sync-engine/plan/build-plan.js";
import type { BenchRow } from "./bench-table.js";
import { syntheticPlanInput } from "./synthetic-plan-input.js";

export function measureDiffCpu(count = 10_000): BenchRow[] {
  const plan = (n: number) => {
    const input = syntheticPlanInput(n);
    const started = process.cpuUsage();
    const result = buildPlan({
      desired: input.desired,
      live: input.live,
      state: input.state,
      statePath: "/dev/null/bench-state.json",
      liveFingerprint: "bench",
      now: new Date("2026-01-01T00:00:00.000Z"),
    });
    const used = process.cpuUsage(started);
    return {
      cpuMs: (used.user + used.system) / 1000,
      changes: result.changes.length,
      expected: input.changed,
      errors: result.errors.length,
    };
  };
  plan(200); // warm the JIT so the number is the diff, not module compilation
  const run = plan(count);
  const sane = run.changes === run.expected && run.errors === 0;
  return [
    {
      metric: `(c) diff CPU, ${count.toLocaleString("en-US")} chats`,
      measured:
        `${run.cpuMs.toFixed(0)} ms` +
        (sane
          ? ""
          : ` (found ${run.changes} changes, ${run.errors} errors; expected ${run.expected}, 0)`),
      budget: "< 1000 ms",
      ok: sane && run.cpuMs < 1000,
    },
  ];
}
