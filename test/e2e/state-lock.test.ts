/**
 * Two applies on the same state (SPEC §6): while one holds the state lock, the other fails
 * fast with exit 1 and a message naming the holder, and writes nothing; the first finishes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import {
  createWorkspace,
  roomsConfig,
  findLeaks,
  startApplyHoldingLock,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("state lock", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(roomsConfig(6));
  });
  afterAll(async () => {
    await ws?.close();
  });

  it(
    "a concurrent apply or plan exits 1 naming the lock holder while the first apply completes",
    { timeout: 120_000 },
    async () => {
      // Slow the first apply down so it is certainly still running when the second starts.
      await ws.emu.control.setFaults({ probability: 0, latency_ms: [800, 1000] });
      // Once the first apply is talking to the API it holds the lock.
      const { first, done } = await startApplyHoldingLock(ws, [
        "--auto-approve",
        "--parallelism",
        "1",
      ]);
      expect(done(), "the first apply ended before the second could start").toBe(false);

      // A plan reads the same state, so it is held off the same way. Both run at once, so the
      // slow first apply (about a second per request) is certainly still holding the lock.
      const [second, plan] = await Promise.all([ws.apply(["--auto-approve"]), ws.plan()]);
      const firstStillRunning = !done();
      expect(plan.code, describeRun(plan)).toBe(1);
      expect(plan.stderr).toContain(String(first.child.pid));
      expect(second.code, describeRun(second)).toBe(1);
      expect(second.stderr).toMatch(/lock/i);
      expect(second.stderr).toContain(String(first.child.pid));
      expect(
        firstStillRunning,
        "the second apply waited for the lock instead of failing fast",
      ).toBe(true);

      const firstResult = await first.result;
      expect(firstResult.code, describeRun(firstResult)).toBe(0);
      await ws.emu.control.setFaults({ probability: 0 });
      expect((await ws.emu.control.listChats()).length).toBe(6);
    },
  );

  it("after the holder finished, the lock is free again", async () => {
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
