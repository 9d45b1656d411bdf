/**
 * The file lock's takeover (SPEC §6): a stale lock taken over by several processes at once is
 * held by exactly one of them, and a holder whose pid is not visible from here (another PID
 * namespace on the same hostname) is not declared dead while its heartbeat is fresh.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  StateLockedError,
  acquireStateLock,
  lockPathFor,
} from "../../src/sync-engine/state/state-lock.js";
import { REPO_ROOT } from "../support/cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DEAD_PID = 2 ** 22 + 12345;
const myNamespace = (() => {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
})();

type Outcome = { held: false } | { held: true; from: number; to: number };

/** A separate process that tries the lock once, holds it briefly if it got it, and says when. */
function contender(statePath: string): Promise<Outcome> {
  const lockModule = pathToFileURL(
    join(REPO_ROOT, "dist", "sync-engine", "state", "state-lock.js"),
  ).href;
  const script = `
    const { acquireStateLock } = await import(${JSON.stringify(lockModule)});
    try {
      const lock = await acquireStateLock(${JSON.stringify(statePath)}, { command: "contender", staleAfterMs: 60000 });
      const from = Date.now();
      await new Promise((r) => setTimeout(r, 400));
      const to = Date.now();
      await lock.release();
      process.stdout.write(JSON.stringify({ held: true, from, to }));
    } catch (err) {
      if (err.code !== "STATE_LOCKED") throw err;
      process.stdout.write(JSON.stringify({ held: false }));
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Outcome)
        : reject(new Error(`contender exited ${code}: ${out}`)),
    );
  });
}

describe("file lock takeover", () => {
  it(
    "six processes taking over one stale lock at once: never two holders at the same time, in every round",
    { timeout: 120_000 },
    async () => {
      const statePath = join(dir, "state.json");
      for (let round = 0; round < 8; round++) {
        // A lock left by a process on another host whose heartbeat stopped long ago.
        await writeFile(
          lockPathFor(statePath),
          JSON.stringify({
            pid: 1,
            hostname: "gone-runner",
            command: "chatsync apply",
            started_at: "2026-01-01T00:00:00.000Z",
          }),
        );
        const old = new Date(Date.now() - 10 * 60_000);
        await utimes(lockPathFor(statePath), old, old);
        const results = await Promise.all(Array.from({ length: 6 }, () => contender(statePath)));
        const held = results.flatMap((r) => (r.held ? [r] : [])).sort((a, b) => a.from - b.from);
        expect(held.length, `round ${round}`).toBeGreaterThanOrEqual(1);
        // A later holder may only start after the one before released.
        for (let i = 1; i < held.length; i++)
          expect(held[i]!.from, `round ${round}: two holders at once`).toBeGreaterThanOrEqual(
            held[i - 1]!.to,
          );
      }
    },
  );

  it.skipIf(myNamespace === undefined)(
    "a holder in another PID namespace with this hostname is not taken over while its heartbeat is fresh",
    async () => {
      const statePath = join(dir, "state.json");
      const holder = {
        pid: DEAD_PID,
        hostname: hostname(),
        pid_namespace: "pid:[1]",
        command: "chatsync apply",
        started_at: new Date().toISOString(),
      };
      await writeFile(lockPathFor(statePath), JSON.stringify(holder));
      await expect(
        acquireStateLock(statePath, { command: "chatsync plan" }),
      ).rejects.toBeInstanceOf(StateLockedError);
      // The same pid in this namespace is provably gone: taken over at once.
      await writeFile(
        lockPathFor(statePath),
        JSON.stringify({ ...holder, pid_namespace: myNamespace }),
      );
      const lock = await acquireStateLock(statePath, { command: "chatsync plan" });
      expect(lock.tookOver).toMatchObject({ pid: DEAD_PID, operation: "chatsync apply" });
      await lock.release();
    },
  );

  it("--lock-timeout waits for the holder to finish instead of failing", async () => {
    const statePath = join(dir, "state.json");
    const first = await acquireStateLock(statePath, { command: "chatsync apply" });
    setTimeout(() => void first.release(), 300);
    const second = await acquireStateLock(statePath, {
      command: "chatsync plan",
      timeoutMs: 10_000,
    });
    await second.release();
    const third = await acquireStateLock(statePath, { command: "chatsync apply" });
    const refused = await acquireStateLock(statePath, {
      command: "chatsync plan",
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StateLockedError);
    expect((refused as Error).message).toMatch(/locked \(waited 0 s\) by pid/);
    await third.release();
  });
});
