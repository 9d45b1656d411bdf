/**
 * The documentation's commands work as written (issue 11): every fenced `sh` block of the
 * README and the emulator README that follows a `<!-- runnable -->` line runs, in `sh -e`, in
 * a fresh folder holding a copy of `examples/`, with `chatsync` on PATH (this build), against
 * an emulator on a free loopback port: `LINQ_API_BASE_URL` and `LINQ_API_TOKEN` point at it and
 * `EMULATOR` is its origin, as the blocks say. A block that fails fails its test, with output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { CLI_BIN, REPO_ROOT, cliEnv } from "../support/cli.js";

const MARKER = /<!-- runnable -->\s*\n```sh\n([\s\S]*?)\n```/g;
const DOCUMENTS = ["README.md", "src/emulator/README.md"];

function runnableBlocks(doc: string): Array<{ name: string; script: string }> {
  const text = readFileSync(join(REPO_ROOT, doc), "utf8");
  return [...text.matchAll(MARKER)].map((m, i) => {
    const line = text.slice(0, m.index).split("\n").length;
    return { name: `${doc}:${line} (block ${i + 1})`, script: m[1] as string };
  });
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn("sh", ["-e", "-c", script], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const blocks = DOCUMENTS.flatMap(runnableBlocks);

describe("runnable shell blocks of the documentation", () => {
  const folders: string[] = [];
  let bin = "";
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), "chatsync-docs-bin-"));
    folders.push(bin);
    // `chatsync` as an installed package provides it: a command on PATH running this build.
    await writeFile(
      join(bin, "chatsync"),
      `#!/bin/sh\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`,
    );
    await chmod(join(bin, "chatsync"), 0o755);
  });
  afterAll(async () => {
    for (const f of folders) await rm(f, { recursive: true, force: true });
  });

  it("finds runnable blocks in both documents", () => {
    for (const doc of DOCUMENTS)
      expect(
        blocks.some((b) => b.name.startsWith(doc)),
        doc,
      ).toBe(true);
  });

  it.each(blocks)("$name runs", { timeout: 120_000 }, async ({ script }) => {
    const dir = await mkdtemp(join(tmpdir(), "chatsync-docs-"));
    folders.push(dir);
    await cp(join(REPO_ROOT, "examples"), join(dir, "examples"), { recursive: true });
    let emu: RunningEmulator | undefined;
    try {
      emu = await startEmulator({ host: "127.0.0.1", port: 0 });
      const env = cliEnv({
        PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
        LINQ_API_BASE_URL: emu.baseUrl,
        LINQ_API_TOKEN: emu.token,
        EMULATOR: emu.origin,
      });
      const r = await sh(script, dir, env);
      expect(r.code, `exit ${r.code}\n${r.out}`).toBe(0);
    } finally {
      await emu?.close();
    }
  });
});

describe("what the README tells a newcomer", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = (title: string) => {
    const start = readme.indexOf(`\n## ${title}`);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
  };

  it("reads in order: Install, quickstart, own YAML, emulator control, CI, CDK", () => {
    const order = ["Install", "Quickstart", "YAML reference", "Emulator", "CI recipe", "CDK usage"];
    const at = order.map((t) => readme.indexOf(`\n## ${t}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The emulator's own README (flags, persistence, decisions) is linked, not left to be found.
    expect(section("Emulator")).toContain("](src/emulator/README.md)");
  });

  it("the CDK section says how to get the cdktf CLI of the cdktf version chatsync depends on, and which Terraform/OpenTofu", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const [major, minor] = (pkg.dependencies.cdktf ?? "").replace(/^[^\d]*/, "").split(".");
    const cdk = section("CDK usage");
    expect(cdk).toContain(`npm install --save-dev cdktf-cli@${major}.${minor}`);
    expect(cdk).toMatch(/Terraform 1\.\d+ or newer/);
    expect(cdk).toMatch(/OpenTofu 1\.\d+ or newer/);
  });
});
