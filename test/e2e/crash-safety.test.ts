/**
 * Crash safety (SPEC §6): an apply killed with SIGKILL at any point, or hit by server errors,
 * rate limiting, reset connections and responses lost after the write committed, converges when
 * simply run again — with exactly one chat per declared address and exactly one welcome message
 * per chat. Kill points are counted in API requests the emulator has seen, not in time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { describeRun, type CliResult } from "../support/cli.js";
import { activeParticipants, messageText, type FaultSettings } from "../support/emulator-control.js";
import { LINE_A, createWorkspace, person, type Workspace } from "../support/e2e-workspace.js";

interface DeclaredChat {
  key: string;
  type: "group" | "direct";
  members: string[];
  welcome: string;
}

const DECLARED: DeclaredChat[] = [
  ...[0, 1, 2, 3, 4, 5].map((i) => ({
    key: `g${i}`,
    type: "group" as const,
    members: [person(i), person(i + 1)],
    welcome: `Welcome to group ${i}.`,
  })),
  { key: "d0", type: "direct", members: [person(7)], welcome: "Hello number seven." },
  { key: "d1", type: "direct", members: ["dana@example.com"], welcome: "Hello Dana." },
];

function configDoc() {
  const chats: Record<string, unknown> = {};
  for (const c of DECLARED) {
    chats[c.key] =
      c.type === "group"
        ? { type: "group", participants: c.members, welcome_message: c.welcome }
        : { type: "direct", to: c.members[0], welcome_message: c.welcome };
  }
  return { version: 1, defaults: { from: LINE_A }, chats };
}

/** Exactly one live chat per declaration, each holding exactly its one welcome message. */
async function expectExactlyOnce(ws: Workspace, context: string): Promise<void> {
  const live = await ws.emu.control.listChats();
  expect(live.length, `${context}: live chat count`).toBe(DECLARED.length);
  for (const d of DECLARED) {
    const matches = live.filter(
      (c) => c.is_group === (d.type === "group") && activeParticipants(c).join() === [...d.members].sort().join(),
    );
    expect(matches.length, `${context}: chats for ${d.key}`).toBe(1);
    const texts = (await ws.emu.control.listMessages(matches[0]!.id)).map(messageText);
    expect(texts, `${context}: messages in ${d.key}`).toEqual([d.welcome]);
  }
}

/** Runs apply until it exits 0, at most `attempts` times; returns every run. */
async function applyUntilSuccess(ws: Workspace, attempts: number): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  for (let i = 0; i < attempts; i++) {
    const r = await ws.apply(["--auto-approve"]);
    runs.push(r);
    if (r.code === 0) return runs;
  }
  throw new Error(`apply did not succeed in ${attempts} attempts; last run:\n${describeRun(runs.at(-1)!)}`);
}

describe("crash safety", () => {
  let ws: Workspace;
  let scenario = 0;

  /** Empty account, no state: each scenario starts from scratch. */
  async function freshStart(): Promise<void> {
    scenario += 1;
    await ws.emu.control.setFaults({ probability: 0 });
    await ws.emu.control.reset();
    ws.statePath = join(ws.dir, `scenario-${scenario}`, "state.json");
  }

  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(configDoc());
  });
  afterAll(async () => {
    await ws?.close();
  });

  const KILL_AFTER_REQUESTS = [1, 2, 3, 4, 6, 8, 10, 12, 15, 19];

  for (const k of KILL_AFTER_REQUESTS) {
    it(`apply killed with SIGKILL after ${k} API request(s), then run again, creates every chat and welcome exactly once`, { timeout: 120_000 }, async () => {
      await freshStart();
      // Slow every request down so the kill lands while the apply is mid-flight.
      await ws.emu.control.setFaults({ probability: 0, latency_ms: [25, 60] });
      const start = await ws.emu.control.lastSeq();
      const running = ws.startApply(["--auto-approve"]);
      let finished = false;
      void running.result.then(() => (finished = true));
      for (let polls = 0; polls < 20_000 && !finished; polls++) {
        const seen = (await ws.emu.control.requestsSince(start)).length;
        if (seen >= k) {
          running.child.kill("SIGKILL");
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const killed = await running.result;
      expect(killed.code === 0 || killed.signal === "SIGKILL", describeRun(killed)).toBe(true);

      await ws.emu.control.setFaults({ probability: 0 });
      const rerun = await ws.apply(["--auto-approve"]);
      expect(rerun.code, describeRun(rerun)).toBe(0);
      await expectExactlyOnce(ws, `killed after ${k} requests`);

      const before = await ws.emu.control.lastSeq();
      const again = await ws.apply(["--auto-approve"]);
      expect(again.code, describeRun(again)).toBe(0);
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
    });
  }

  const FAULTS: Array<[string, FaultSettings]> = [
    ["5xx responses", { probability: 0.3, statuses: [500, 503], reset_connection: false, drop_response_after_commit: false }],
    ["429 responses", { probability: 0.3, statuses: [429], reset_connection: false, drop_response_after_commit: false }],
    ["connection resets", { probability: 0.3, statuses: [], reset_connection: true, drop_response_after_commit: false }],
    ["responses lost after commit", { probability: 0.3, statuses: [], reset_connection: false, drop_response_after_commit: true }],
    ["all of them at once", { probability: 0.3, statuses: [500, 503, 429], reset_connection: true, drop_response_after_commit: true }],
  ];

  for (const [name, faults] of FAULTS) {
    it(`with ${name} (p=0.3), repeated applies converge with every chat and welcome exactly once`, { timeout: 180_000 }, async () => {
      await freshStart();
      await ws.emu.control.setFaults(faults);
      const runs = await applyUntilSuccess(ws, 12);
      expect(runs.at(-1)!.code).toBe(0);
      // No 429 is ever shown to the user as an error: the client waits and retries.
      for (const r of runs) expect(r.stderr).not.toMatch(/\b1007\b|rate limit(ed)? exceeded/i);

      await ws.emu.control.setFaults({ probability: 0 });
      await expectExactlyOnce(ws, `faults: ${name}`);
      const before = await ws.emu.control.lastSeq();
      const again = await ws.apply(["--auto-approve"]);
      expect(again.code, describeRun(again)).toBe(0);
      expect(await ws.emu.control.writesSince(before)).toEqual([]);
    });
  }
});
