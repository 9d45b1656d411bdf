/**
 * What a person at a terminal sees (SPEC §3): on a TTY, apply shows a live status line and
 * colour (unless NO_COLOR), and asks for approval; piped, it prints plain lines. Runs the CLI
 * under `script`, which gives it a real pseudo-terminal; skipped where `script` is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI_BIN, cliEnv, describeRun, type CliResult } from "../support/cli.js";
import {
  LINE_A,
  createWorkspace,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs chatsync on a pseudo-terminal; `input` is typed into it. Output is stdout+stderr merged. */
function onTerminal(
  ws: Workspace,
  args: string[],
  env: Record<string, string | undefined>,
  input = "",
): Promise<CliResult> {
  const command = [process.execPath, CLI_BIN, ...args].map(shellQuote).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: ws.dir,
    env: cliEnv({ LINQ_API_TOKEN: ws.emu.token, TERM: "xterm", ...env }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(input);
  const safety = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(safety);
      const r = { code, signal, stdout, stderr, args };
      ws.runs.push(r);
      resolve(r);
    });
  });
}

describe.skipIf(!hasScript)("terminal output", () => {
  let ws: Workspace;
  let n = 0;
  /** A fresh pair of chats and a fresh state per test, so every apply has the same work to show. */
  const freshConfig = async () => {
    n += 1;
    ws.statePath = join(ws.dir, ".chatsync", `state-${n}.json`);
    // A new state and a new account: a new state meeting chats like its declarations is refused.
    await ws.emu.control.reset();
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: {
        [`a${n}`]: { type: "group", participants: [person(0), person(1)], welcome_message: "A." },
        [`b${n}`]: { type: "group", participants: [person(2), person(3)], welcome_message: "B." },
      },
    });
  };
  const applyArgs = (...extra: string[]) => [
    "apply",
    ws.configPath,
    "--endpoint",
    ws.emu.baseUrl,
    "--state",
    ws.statePath,
    ...extra,
  ];

  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("rewrites a status line in place and colours the plan", async () => {
    await freshConfig();
    const r = await onTerminal(ws, applyArgs("--auto-approve"), { NO_COLOR: undefined });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/\r\u001b\[2K\[0\/2\] /);
    expect(r.stdout).toMatch(/\r\u001b\[2K\u001b\[32m✓\u001b\[39m chat\.a1\r?\n/);
    expect(r.stdout).toMatch(/\u001b\[32m\+\u001b\[39m \u001b\[1mchat\.a1/);
    // The plain CI lines are not printed on a terminal.
    expect(r.stdout).not.toContain("Applying 2 address(es)...");
  });

  it("NO_COLOR keeps the status line but drops the colour", async () => {
    await freshConfig();
    const r = await onTerminal(ws, applyArgs("--auto-approve"), { NO_COLOR: "1" });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/\r\u001b\[2K\[0\/2\] /);
    expect(r.stdout).not.toMatch(/\u001b\[\d+m/);
  });

  it("asks for approval and applies nothing unless the answer is yes", async () => {
    await freshConfig();
    const before = await ws.emu.control.lastSeq();
    const no = await onTerminal(ws, applyArgs(), { NO_COLOR: "1" }, "no\n");
    expect(no.code, describeRun(no)).toBe(1);
    expect(no.stdout).toContain("Do you want to perform these actions?");
    expect(no.stdout).toContain("Apply cancelled");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);

    const yes = await onTerminal(ws, applyArgs(), { NO_COLOR: "1" }, "yes\n");
    expect(yes.code, describeRun(yes)).toBe(0);
    expect(yes.stdout).toContain("Apply complete!");
    expect((await ws.emu.control.writesSince(before)).length).toBeGreaterThan(0);
  });

  it("piped, the same apply prints plain lines with no escape codes", async () => {
    await freshConfig();
    const r = await ws.apply(["--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toContain("Applying 2 address(es)...");
    expect(r.stderr).toMatch(/^✓ chat\.a\d+: complete$/m);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
