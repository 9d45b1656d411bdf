/**
 * Budget (b): an apply of N creates against an emulator limited to R requests/s finishes within
 * 1.15 × (requests / R), and no 429 reaches the user (SPEC §8). "requests" counts the calls that
 * did work — the ones the emulator did not turn away with 429 — since that is the floor any
 * client faces under the limit; 429s the client provoked are reported alongside.
 */
import type { BenchRow } from "./bench-table.js";
import { runCliTimed } from "./bench-cli.js";
import { startBenchEmulator } from "./bench-emulator.js";
import { createBenchWorkspace, groupChatsConfig } from "./bench-workspace.js";

export async function measureRateLimitedApply(
  creates = 200,
  rps = 20,
  log: (line: string) => void = () => {},
): Promise<BenchRow[]> {
  const emu = await startBenchEmulator({ rateLimit: rps });
  const ws = await createBenchWorkspace(groupChatsConfig(creates, "burst"));
  try {
    log(`applying ${creates} creates under a ${rps} req/s emulator limit …`);
    const before = await emu.lastSeq();
    const run = await runCliTimed(
      [
        "apply",
        ws.configPath,
        "--endpoint",
        emu.baseUrl,
        "--state",
        ws.statePath,
        "--auto-approve",
      ],
      { LINQ_API_TOKEN: emu.token },
    );
    const reqs = await emu.requestsSince(before);
    const rejected = reqs.filter((r) => r.status === 429).length;
    const useful = reqs.length - rejected;
    const floorS = useful / rps;
    const wallS = run.wallMs / 1000;
    const ratio = wallS / floorS;
    // An error the user sees: a failed apply, or the API's rate-limit error surfacing in the output.
    const userSaw429 =
      run.code !== 0 ||
      /\b1007\b|rate limit(ed)? exceeded|\b429\b.*error|error.*\b429\b/i.test(run.stderr);
    return [
      {
        metric: `(b) ${creates} creates at ${rps} req/s: wall / (requests/rate)`,
        measured: `${wallS.toFixed(1)} s / ${floorS.toFixed(1)} s = ${ratio.toFixed(2)}x (${useful} requests)`,
        budget: "<= 1.15x",
        ok: run.code === 0 && ratio <= 1.15,
      },
      {
        metric: "(b) 429 reaching the user",
        measured:
          run.code === 0
            ? userSaw429
              ? "yes (in stderr)"
              : `none (emulator sent ${rejected} 429s)`
            : `apply exit ${run.code}`,
        budget: "none",
        ok: !userSaw429,
      },
    ];
  } finally {
    await emu.close();
    await ws.remove();
  }
}
