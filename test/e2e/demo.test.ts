/**
 * The main job (`npm start` → `chatsync demo`): plan, apply, plan again against an embedded
 * emulator. It must work from a clean checkout and keep working when run a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRun, runCli } from "../support/cli.js";

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
      },
    );
  }

  it("keeps its state and secrets under .chatsync/demo of the current directory", async () => {
    expect(await readdir(join(cwd, ".chatsync", "demo"))).toContain("state.json");
  });
});

describe("linesDeclaredIn (which lines the demo's emulator must own)", () => {
  it("collects defaults.from, chat from, contact-card keys and webhook phone_numbers, once each, sorted", async () => {
    const { parse } = await import("yaml");
    const { linesDeclaredIn } = await import("../../src/cli/commands/demo.js");
    const text = [
      "version: 1",
      'defaults: { from: "+12025550100" }',
      "contact_cards:",
      '  "+12025550102": { first_name: Acme }',
      "chats:",
      '  a: { type: direct, to: bob@example.com, from: "+1 (202) 555-0101", welcome_message: hi }',
      '  b: { type: direct, to: "+14155550101", welcome_message: hi }',
      "webhooks:",
      '  w: { target_url: "https://h.example.com/x", events: [chat.created], phone_numbers: ["+12025550100", "+12025550103"] }',
    ].join("\n");
    expect(linesDeclaredIn(text, parse)).toEqual([
      "+12025550100",
      "+12025550101",
      "+12025550102",
      "+12025550103",
    ]);
  });

  it("returns nothing for a config without lines, so the emulator keeps its defaults", async () => {
    const { parse } = await import("yaml");
    const { linesDeclaredIn } = await import("../../src/cli/commands/demo.js");
    expect(linesDeclaredIn("version: 1\nchats: {}\n", parse)).toEqual([]);
  });
});
