/**
 * Ctrl-C or a TERM during an apply (like Terraform's interrupt): the state lock is released
 * on the way out, so the next run need not wait for stale-lock detection, and that run
 * finishes the job with every chat and welcome message exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockPathFor } from "../../src/sync-engine/state/state-lock.js";
import { describeRun } from "../support/cli.js";
import { messageText } from "../support/emulator-control.js";
import {
  createWorkspace,
  roomsConfig,
  exists,
  findLeaks,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("interrupting an apply", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(roomsConfig(5));
  });
  afterAll(async () => {
    await ws?.close();
  });

  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    it(
      `${signal} releases the state lock and exits ${code}; the next apply finishes the job`,
      {
        timeout: 120_000,
      },
      async () => {
        ws.statePath = `${ws.dir}/.chatsync/state-${signal}.json`;
        await ws.emu.control.reset();
        // Slow requests so the signal lands mid-apply.
        await ws.emu.control.setFaults({ probability: 0, latency_ms: [300, 400] });
        const start = await ws.emu.control.lastSeq();
        const running = ws.startApply(["--auto-approve", "--parallelism", "1"]);
        let done = false;
        void running.result.then(() => (done = true));
        for (let i = 0; i < 20_000 && !done; i++) {
          if ((await ws.emu.control.writesSince(start)).length > 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(done, "the apply ended before it could be interrupted").toBe(false);
        running.child.kill(signal);
        const r = await running.result;
        expect(r.code, describeRun(r)).toBe(code);
        expect(r.stderr).toContain(`Interrupted (${signal}); releasing the state lock`);
        expect(await exists(lockPathFor(ws.statePath))).toBe(false);

        await ws.emu.control.setFaults({ probability: 0 });
        const again = await ws.apply(["--auto-approve"]);
        expect(again.code, describeRun(again)).toBe(0);
        // The lock was free: no stale-lock takeover was needed.
        expect(again.stderr).not.toContain("took over a stale state lock");
        const chats = await ws.emu.control.listChats();
        expect(chats).toHaveLength(5);
        for (const c of chats) {
          const texts = (await ws.emu.control.listMessages(c.id)).map(messageText);
          expect(texts).toHaveLength(1);
          expect(texts[0]).toMatch(/^Room \d\.$/);
        }
      },
    );
  }

  it("never prints or stores the API token or a signing secret", async () => {
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
