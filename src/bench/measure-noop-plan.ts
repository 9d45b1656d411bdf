/**
 * Budgets (a) and (e) on one account of N managed group chats. The account is seeded by a real
 * `chatsync apply` (not by writing emulator data and state by hand), so the no-op plan runs on
 * exactly the state a user would have. Then:
 *  (a) a no-op `plan`: API requests (SPEC §8: at most ceil(N/100) + 5) and wall time;
 *  (e) `apply` right after the successful one: write requests (SPEC §8: zero).
 */
import type { BenchRow } from "./bench-table.js";
import { BenchRunError, runCliTimed } from "./bench-cli.js";
import { isWrite, startBenchEmulator } from "./bench-emulator.js";
import { createBenchWorkspace, groupChatsConfig } from "./bench-workspace.js";

export async function measureNoopPlan(
  count = 1000,
  log: (line: string) => void = () => {},
): Promise<BenchRow[]> {
  const emu = await startBenchEmulator();
  const ws = await createBenchWorkspace(groupChatsConfig(count, "room"));
  const env = { LINQ_API_TOKEN: emu.token };
  const common = [ws.configPath, "--endpoint", emu.baseUrl, "--state", ws.statePath];
  try {
    log(`seeding ${count} group chats with chatsync apply …`);
    const seed = await runCliTimed(
      ["apply", ...common, "--auto-approve", "--parallelism", "8"],
      env,
    );
    if (seed.code !== 0) throw new BenchRunError(`seeding apply of ${count} chats`, seed);
    log(`seeded in ${(seed.wallMs / 1000).toFixed(1)} s`);

    const beforePlan = await emu.lastSeq();
    const plan = await runCliTimed(["plan", ...common, "--detailed-exitcode"], env);
    const planRequests = (await emu.requestsSince(beforePlan)).length;
    const budget = Math.ceil(count / 100) + 5;

    const beforeApply = await emu.lastSeq();
    const again = await runCliTimed(["apply", ...common, "--auto-approve"], env);
    const writes = (await emu.requestsSince(beforeApply)).filter(isWrite).length;

    const n = count.toLocaleString("en-US");
    return [
      {
        metric: `(a) no-op plan, ${n} chats: API requests`,
        measured:
          plan.code === 0
            ? String(planRequests)
            : `${planRequests} (plan exit ${plan.code}, expected 0)`,
        budget: `<= ${budget}`,
        ok: plan.code === 0 && planRequests <= budget,
      },
      {
        metric: `(a) no-op plan, ${n} chats: wall time`,
        measured: `${(plan.wallMs / 1000).toFixed(2)} s`,
        budget: "-",
        ok: null,
      },
      {
        metric: "(e) second apply: write requests",
        measured: again.code === 0 ? String(writes) : `${writes} (apply exit ${again.code})`,
        budget: "0",
        ok: again.code === 0 && writes === 0,
      },
    ];
  } finally {
    await emu.close();
    await ws.remove();
  }
}
