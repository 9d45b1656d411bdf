/**
 * Messages at the edges of a run (issue 11, item 6): `--json` errors are one JSON document on
 * stdout; `--target` with a typo suggests the address; an unknown option is one line and a
 * hint, not the whole help; the `--markdown` comment speaks to a reviewer, without references
 * to sections of the API documentation (which `--json` keeps).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { LINE_A, createWorkspace, person, type Workspace } from "../support/e2e-workspace.js";

describe("CLI messages", () => {
  let ws: Workspace;
  const config = {
    version: 1,
    defaults: { from: LINE_A },
    chats: {
      "book-club": {
        type: "group",
        participants: [person(0), person(1)],
        welcome_message: "Welcome to the book club.",
      },
    },
  };
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig(config);
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("plan --json with an invalid file prints one JSON error document on stdout and exits 1", async () => {
    await ws.writeConfigText("version: 1\nchats:\n  x:\n    type: gruop\n");
    const r = await ws.plan(["--json"]);
    await ws.writeConfig(config);
    expect(r.code, describeRun(r)).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ status: "error", error: { code: "INVALID_CONFIG" } });
    expect(doc.error.diagnostics).toContainEqual(
      expect.objectContaining({ line: 4, severity: "error", path: "/chats/x/type" }),
    );
  });

  it("plan --json without a token prints one JSON error document naming the variable", async () => {
    const r = await ws.plan(["--json"], { env: { LINQ_API_TOKEN: undefined } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toContain("LINQ_API_TOKEN");
  });

  it("--target with a typo suggests the declared address", async () => {
    const r = await ws.plan(["--target", "chat.bookclub"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain(
      '--target chat.bookclub matches nothing declared or managed (did you mean "chat.book-club"?)',
    );
  });

  it("an unknown option is one line and a hint, not the whole help", async () => {
    const r = await ws.run(["plan", "--data", "x.json"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toBe("error: unknown option '--data'\n(run with --help for usage)\n");
  });

  it("--markdown shows no § references; --json keeps the rule", async () => {
    const md = await ws.plan(["--markdown"]);
    expect(md.code, describeRun(md)).toBe(0);
    expect(md.stdout).toContain("chat.book-club");
    expect(md.stdout).not.toContain("§");
    expect(md.stdout).toMatch(
      /create group chat .* — a chat is created together with its first message/,
    );
    const json = await ws.plan(["--json"]);
    const steps = JSON.parse(json.stdout).changes[0].steps as Array<{ rule?: string }>;
    expect(steps.some((s) => s.rule?.startsWith("§5.1.1"))).toBe(true);
  });
});
