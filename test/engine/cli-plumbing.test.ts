import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { plainProgress, ttyProgress } from "../../src/sync-engine/apply/progress-reporter.js";
import { checkTargets, parsePositiveInt, useColor } from "../../src/cli/engine-options.js";
import { defaultStatePath } from "../../src/cli/load-desired.js";
import { linesOf } from "../../src/cli/engine-run.js";
import { chats, desiredState, direct, group, A, B, LINE } from "./fixtures.js";

function sink(isTTY: boolean) {
  let text = "";
  return { stream: { isTTY, columns: 60, write: (s: string) => (text += s) }, text: () => text };
}

describe("progress", () => {
  it("prints plain lines without escape codes when not on a terminal", () => {
    const out = sink(false);
    const p = plainProgress(out.stream);
    p.begin(2);
    p.step("chat.a", "add +1");
    p.stepDone("chat.a", "add +1");
    p.addressDone("chat.a", { ok: true });
    p.addressDone("chat.b", { ok: false, error: "boom" });
    p.end();
    expect(out.text()).toBe(
      "Applying 2 address(es)...\nchat.a: add +1: done\n✓ chat.a: complete\n✗ chat.b: failed: boom\n",
    );
  });

  it("rewrites one status line in place on a terminal and prints finished addresses above it", () => {
    const out = sink(true);
    const p = ttyProgress(out.stream, false);
    p.begin(1);
    p.step("chat.a", "create group chat");
    p.addressDone("chat.a", { ok: true });
    p.end();
    const text = out.text();
    expect(text).toContain("\r\u001b[2K[0/1] chat.a: create group chat");
    expect(text).toContain("\r\u001b[2K✓ chat.a\n");
    expect(text).toContain("[1/1]");
  });

  it("says how many other addresses are in flight when several run at once", () => {
    let text = "";
    const p = ttyProgress({ isTTY: true, columns: 200, write: (s: string) => (text += s) }, false);
    p.begin(3);
    p.step("chat.a", "create group chat");
    p.step("chat.b", "add +14155550101");
    p.step("chat.c", "rename");
    expect(text).toContain("[0/3] 3 running, latest chat.c: rename");
    p.addressDone("chat.a", { ok: true });
    p.addressDone("chat.b", { ok: true });
    expect(text.endsWith("\r\u001b[2K[2/3] chat.c: rename")).toBe(true);
  });

  it("falls back to 80 columns on a terminal that reports no size (0 columns)", () => {
    let text = "";
    const p = ttyProgress({ isTTY: true, columns: 0, write: (s: string) => (text += s) }, false);
    p.begin(1);
    p.step("chat.a-rather-long-address", "create group chat from +12025550100");
    expect(text).toContain("[0/1] chat.a-rather-long-address: create group chat from +12025550100");
  });
});

describe("CLI plumbing", () => {
  it("colours a terminal unless --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR colours a pipe", () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(useColor({ color: true }, tty, {})).toBe(true);
    expect(useColor({ color: true }, pipe, {})).toBe(false);
    expect(useColor({ color: false }, tty, {})).toBe(false);
    expect(useColor({ color: true }, tty, { NO_COLOR: "1" })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(useColor({ color: true }, tty, { NO_COLOR: "" })).toBe(true);
    expect(useColor({ color: true }, tty, { TERM: "dumb" })).toBe(false);
    expect(useColor({ color: true }, pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(useColor({ color: true }, tty, { FORCE_COLOR: "0" })).toBe(false);
    expect(useColor({ color: true }, pipe, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(useColor({ color: false }, pipe, { FORCE_COLOR: "1" })).toBe(false);
  });

  it("puts the state beside the first file read (inside a folder PATH)", () => {
    expect(defaultStatePath(["/repo/chatsync.yaml"], "/cwd")).toBe(
      join("/repo", ".chatsync", "state.json"),
    );
    expect(defaultStatePath(["/repo/chatsync/a.yaml", "/repo/chatsync/b.yaml"], "/cwd")).toBe(
      join("/repo/chatsync", ".chatsync", "state.json"),
    );
    expect(defaultStatePath([], "/cwd")).toBe(join("/cwd", ".chatsync", "state.json"));
  });

  it("has no default state beside a manifest inside cdktf.out (synthesis rewrites it)", () => {
    expect(() =>
      defaultStatePath(["/repo/cdktf.out/stacks/chats/chatsync.manifest.json"], "/repo"),
    ).toThrow(/inside cdktf\.out.*pass --state/);
  });

  it("refuses a --target that is not an address, and bad numbers, with a sentence each", () => {
    expect(checkTargets(["chat.a", "contact_card.+12025550100"])).toEqual([
      "chat.a",
      "contact_card.+12025550100",
    ]);
    expect(() => checkTargets(["eng"])).toThrow(/--target eng is not an address/);
    expect(parsePositiveInt("--parallelism", undefined, 4)).toBe(4);
    expect(() => parsePositiveInt("--parallelism", "0", 4)).toThrow(
      /--parallelism needs a whole number ≥ 1/,
    );
    expect(parsePositiveInt("--max-removals", "0", 10, 0)).toBe(0);
  });

  it("starts the embedded emulator with every line the configuration uses", () => {
    const d = desiredState({
      chats: chats(group("g", [A, B], { from: "+12025550177" }), direct("d", A)),
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "X" } },
    });
    expect(linesOf(d).sort()).toEqual([LINE, "+12025550177"].sort());
  });
});
