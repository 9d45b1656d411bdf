import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const bin = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

describe("chatsync binary", () => {
  it("prints the package version", () => {
    expect(execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).trim()).toBe(
      pkg.version,
    );
  });

  it("exits 1 on an unknown command and names it", () => {
    const r = spawnSync(process.execPath, [bin, "frobnicate"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("frobnicate");
  });
});
