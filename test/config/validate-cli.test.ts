/** `chatsync validate` as a user runs it: the built binary, exit codes, output formats. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist/cli/main.js");

// The child decides colour from its own environment only.
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k !== "NO_COLOR" && k !== "FORCE_COLOR"),
);

function validate(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [bin, "validate", ...args], {
    cwd: opts.cwd ?? root,
    encoding: "utf8",
    env: { ...baseEnv, ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "chatsync-validate-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("chatsync validate", () => {
  it("exits 0 with a one-line summary for the quickstart", () => {
    const r = validate(["examples/quickstart.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("2 chats, 1 webhook, 1 contact card\n");
    expect(r.stderr).toBe("");
  });

  it("reports all eight mistakes of a file in one pass, the caret under the URL in a message", () => {
    // The file: six were reported, then the bad handle and the URL after a fix.
    const r = validate(["test/fixtures/invalid/eight-mistakes-one-pass.yaml"], {
      env: { NO_COLOR: "1" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("8 errors; nothing is valid until they are fixed.");
    expect(r.stderr).toContain('participants[1]: "+1 415 555" is not a valid phone number');
    const url = r.stderr.split("\n").findIndex((l) => l.includes("may not contain a URL"));
    const [source, caret] = r.stderr.split("\n").slice(url + 1, url + 3) as [string, string];
    expect(source.slice(caret.indexOf("^"))).toMatch(/^https:\/\/wiki\.example\.com/);
  });

  it("validates a folder of files as one state", () => {
    const r = validate(["examples/full"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("4 chats, 3 webhooks, 2 contact cards\n");
  });

  it("exits 1 with file:line:column, message and caret for an invalid file", () => {
    const r = validate(["test/fixtures/invalid/unknown-top-level-key.yaml"], {
      env: { NO_COLOR: "1" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        'test/fixtures/invalid/unknown-top-level-key.yaml:2:1: error: unknown key "chat" in the top level (did you mean "chats"?)',
        "2 | chat:",
        "  | ^",
        "1 error; nothing is valid until they are fixed.",
        "",
      ].join("\n"),
    );
  });

  it("reports every diagnostic of every file, not just the first", () => {
    const r = validate([
      "test/fixtures/invalid/webhook-unknown-event.yaml",
      "test/fixtures/invalid/group-with-to.yaml",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/: error: /g)).toHaveLength(3);
    expect(r.stderr).toContain("3 errors;");
  });

  it("--json prints the diagnostics as an array on stdout", () => {
    const r = validate(["--json", "test/fixtures/invalid/duplicate-email-case.yaml"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: "test/fixtures/invalid/duplicate-email-case.yaml",
        line: 7,
        column: 55,
        message:
          'chats.eng.participants[2]: "Alice@Example.COM" is the same participant (alice@example.com) as participants[0] at test/fixtures/invalid/duplicate-email-case.yaml:7:20; list each person once',
        path: "/chats/eng/participants/2",
        severity: "error",
      },
    ]);
  });

  it("--json prints [] for a valid file and keeps stdout machine-readable", () => {
    const r = validate(["--json", "examples/quickstart.yaml"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe("2 chats, 1 webhook, 1 contact card\n");
  });

  it("prints warnings on stderr and still exits 0", () => {
    const r = validate(["test/fixtures/valid/direct-on-delete-leave.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("1 chat, 0 webhooks, 0 contact cards\n");
    expect(r.stderr).toMatch(
      /^test\/fixtures\/valid\/direct-on-delete-leave\.yaml:8:16: warning: /,
    );
  });

  it("does not colour a pipe just because CI is set (CI logs are read as plain text)", () => {
    const r = validate(["test/fixtures/invalid/wrong-version.yaml"], { env: { CI: "true" } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("\u001b[");
  });

  it("colours output unless NO_COLOR or --no-color", () => {
    const file = "test/fixtures/invalid/wrong-version.yaml";
    expect(validate([file], { env: { FORCE_COLOR: "1" } }).stderr).toContain("\u001b[");
    expect(validate([file], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).stderr).not.toContain(
      "\u001b[",
    );
    expect(validate(["--no-color", file], { env: { FORCE_COLOR: "1" } }).stderr).not.toContain(
      "\u001b[",
    );
  });

  it("without PATH reads ./chatsync.yaml, else ./chatsync/", () => {
    const a = join(dir, "with-file");
    mkdirSync(a);
    writeFileSync(
      join(a, "chatsync.yaml"),
      'version: 1\ncontact_cards:\n  "+12025550100": { first_name: Acme }\n',
    );
    expect(validate([], { cwd: a })).toMatchObject({
      code: 0,
      stdout: "0 chats, 0 webhooks, 1 contact card\n",
    });

    const b = join(dir, "with-folder");
    mkdirSync(join(b, "chatsync"), { recursive: true });
    writeFileSync(join(b, "chatsync", "x.yaml"), "version: 1\n");
    expect(validate([], { cwd: b })).toMatchObject({
      code: 0,
      stdout: "0 chats, 0 webhooks, 0 contact cards\n",
    });

    const c = join(dir, "empty");
    mkdirSync(c);
    const r = validate([], { cwd: c });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no chatsync.yaml or chatsync/ folder in");
  });

  it("exits 1 for a missing path", () => {
    const r = validate(["does-not-exist.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("does-not-exist.yaml: error: no such file or folder");
  });
});
