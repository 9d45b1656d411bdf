/**
 * `plan` and `apply` refuse what `validate` refuses, with the same file:line:column message
 * and caret, before any network call: the endpoint here is a closed port, so a plan that got
 * as far as the API would fail with a connection error instead.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { caretSnippet } from "../../src/sync-engine/config/diagnostics.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist/cli/main.js");
const fixtures = join(root, "test/fixtures/invalid");

/** One fixture per static API rule of linq-api-v3.md §6, §7 and §9. */
const RULES = [
  "group-one-participant", // §6: a group has at least 2 other participants
  "group-too-many-participants", // §6: at most 31
  "from-in-participants", // §5.1.1: from is never a participant
  "direct-display-name", // §6: name and icon on groups only
  "group-location-request", // §6: location requests in 1:1 chats only
  "welcome-message-url", // §5.1.1/§7.3: no URL in a chat's first message
  "import-twice", // §5a: one import per address, one address per live id
  "webhook-http-url", // §5.7.1: HTTPS only
  "webhook-url-too-long", // §7.3: at most 2048 characters
  "webhook-duplicate-url", // §5.7.1: each target_url once per account
  "webhook-unknown-event", // §9.1: events from the API's list
  "webhook-invalid-phone", // §5.7.1: phone_numbers in E.164
  "contact-card-missing-first-name", // §5.9.2: first_name is required
  "duplicate-direct-chat", // §12.2 decision: one direct chat per line and person
];

interface Expected {
  line: number;
  column: number;
  severity: string;
  message: string;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "chatsync-plan-static-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(command: "plan" | "apply", file: string) {
  const args =
    command === "apply"
      ? ["apply", "--auto-approve", "--endpoint", "http://127.0.0.1:9", file]
      : ["plan", "--endpoint", "http://127.0.0.1:9", file];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("LINQ_") && k !== "FORCE_COLOR"),
  );
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...env, LINQ_API_TOKEN: "test-token", NO_COLOR: "1" },
  });
}

describe("plan and apply refuse statically invalid files", () => {
  it.each(RULES)("%s", (name) => {
    const file = `${name}.yaml`;
    copyFileSync(join(fixtures, file), join(dir, file));
    const expected = (
      JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), "utf8")) as Expected[]
    ).filter((e) => e.severity === "error");
    const source = readFileSync(join(fixtures, file), "utf8");
    for (const command of ["plan", "apply"] as const) {
      const r = run(command, file);
      expect(r.status, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(
        `the configuration has ${expected.length} error${expected.length === 1 ? "" : "s"}`,
      );
      for (const e of expected) {
        expect(r.stderr).toContain(`${file}:${e.line}:${e.column}: error: ${e.message}\n`);
        expect(r.stderr).toContain(caretSnippet(source, e.line, e.column));
      }
      expect(r.stderr).not.toMatch(/ECONNREFUSED|connect|request failed/i);
    }
    // Nothing was written next to the file: no state, no lock.
    expect(existsSync(join(dir, ".chatsync", "state.json"))).toBe(false);
  });
});
