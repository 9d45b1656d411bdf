/**
 * The main job (`npm start` → `chatsync demo`): plan, apply, plan again against an embedded
 * emulator. It must work from a clean checkout and keep working when run a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, describeRun, runCli } from "../support/cli.js";

describe("chatsync demo", () => {
  let cwd = "";
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "chatsync-demo-"));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  for (const run of ["first", "second"]) {
    it(
      `${run} run plans, applies and ends with nothing left to do`,
      { timeout: 120_000 },
      async () => {
        const r = await runCli(["demo"], { cwd, killAfterMs: 110_000 });
        expect(r.code, describeRun(r)).toBe(0);
        const step1 = r.stdout.indexOf("1/3");
        const step2 = r.stdout.indexOf("2/3");
        const step3 = r.stdout.indexOf("3/3");
        expect(step1).toBeGreaterThanOrEqual(0);
        expect(step2).toBeGreaterThan(step1);
        expect(step3).toBeGreaterThan(step2);
        // The first plan has something to create; the demo is pointless otherwise.
        expect(r.stdout.slice(step1, step2)).toMatch(/chat\./);
        expect(r.stdout).toContain("nothing is left to do");
        // The quickstart creates a webhook: its signing secret goes to a file, never to the screen.
        expect(r.stdout + r.stderr).not.toContain("whsec_");
      },
    );
  }

  it("runs a folder of examples too (--config examples/full)", { timeout: 120_000 }, async () => {
    const full = join(REPO_ROOT, "examples", "full");
    const r = await runCli(["demo", "--config", full, "--dir", join(cwd, "full")], {
      cwd,
      killAfterMs: 110_000,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain("chat.sales-leads");
    expect(r.stdout).toContain("nothing is left to do");
    expect(await readdir(join(cwd, "full"))).toContain("state.json");
  });

  it("keeps its state and secrets under .chatsync/demo of the current directory", async () => {
    const demo = join(cwd, ".chatsync", "demo");
    expect((await readdir(demo)).sort()).toEqual(["quickstart.yaml", "secrets", "state.json"]);
    // Not .chatsync/demo/.chatsync/secrets/, a second .chatsync nested in the first.
    expect(await readdir(join(demo, "secrets"))).toEqual(["location-events.whsec"]);
  });
});
