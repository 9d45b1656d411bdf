/**
 * `--debug` (SPEC §3): a request log on stderr — method, path, status and duration of every
 * attempt, and every retry with its reason — and never the token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import {
  createWorkspace,
  roomsConfig,
  findLeaks,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("--debug request log", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(roomsConfig(4));
    const applied = await ws.apply(["--auto-approve"]);
    if (applied.code !== 0) throw new Error(describeRun(applied));
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("logs every request with method, path, status and duration, on stderr only", async () => {
    const r = await ws.plan(["--debug"]);
    expect(r.code, describeRun(r)).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("debug: "));
    const reads = await ws.emu.control.requests();
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^debug: GET \/v3\/\S+ → 200 \(attempt 1, \d+ ms\)$/);
    expect(r.stderr).toMatch(/^debug: GET \/v3\/chats\/\S+ → 200/m);
    expect(r.stdout).not.toContain("debug:");
    expect(reads.length).toBeGreaterThanOrEqual(lines.length);
  });

  it("without --debug there is no request log", async () => {
    const r = await ws.plan();
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).not.toContain("debug:");
  });

  it(
    "logs a retry with its reason and wait when the API answers 429",
    { timeout: 60_000 },
    async () => {
      // One request per second, no burst: the plan's concurrent reads meet a 429 at once.
      await ws.emu.control.setRateLimit(1, 1);
      try {
        const r = await ws.plan(["--debug"]);
        expect(r.code, describeRun(r)).toBe(0);
        expect(r.stderr).toMatch(/^debug: GET \/v3\/\S+ → 429 \(attempt 1, \d+ ms\)$/m);
        expect(r.stderr).toMatch(
          /^debug: GET \/v3\/\S+ failed with 429\S*( \(\d+\))?; every request pauses for \d+ ms \(attempt 2 next\)$/m,
        );
      } finally {
        await ws.emu.control.setRateLimit(0);
      }
    },
  );

  it("never prints or stores the API token or a signing secret", async () => {
    expect(ws.runs.length).toBeGreaterThan(0);
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
