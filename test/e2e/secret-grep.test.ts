/**
 * Issue 10 "Done when": one full run through every command and output format with a token, a
 * webhook signing secret and URL credentials in play, then a grep of every stdout, stderr and
 * file of the workspace. Only the secret file may hold the secret; nothing may hold the rest.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import {
  createWorkspace,
  findLeaks,
  LINE_A,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

/** A receiver credential carried in the target_url's query (allowed, never shown or stored). */
const QUERY_CREDENTIAL = "QueryCred-7f3a9c";
/** A password in userinfo (refused by validate, and never repeated). */
const USERINFO_PASSWORD = "S3cretPass-userinfo";

let ws: Workspace | undefined;
let db: TestDatabase | undefined;
afterAll(async () => {
  await ws?.close();
  await db?.drop();
});

describe("no secret in any output or file (issue 10)", () => {
  it("runs every command and format and finds no token, secret or URL credential", async () => {
    ws = await createWorkspace();
    const secretFile = join(ws.dir, ".chatsync", "secrets", "loc.whsec");
    const config = {
      version: 1,
      defaults: { from: LINE_A },
      contact_cards: { [LINE_A]: { first_name: "Acme", last_name: "Support" } },
      chats: {
        team: {
          type: "group",
          display_name: "Team",
          participants: [person(0), person(1), person(2)],
          welcome_message: "Hello team.",
        },
      },
      webhooks: {
        loc: {
          target_url: `https://hooks.chatsync.invalid/linq?line=1&token=${QUERY_CREDENTIAL}`,
          events: ["location.sharing.started"],
          secret_file: secretFile,
        },
      },
    };
    await ws.writeConfig(config);
    const ok = (r: { code: number | null }, code = 0) =>
      expect(r.code, describeRun(r as never)).toBe(code);

    ok(await ws.run(["validate", ws.configPath]));
    ok(await ws.run(["validate", ws.configPath, "--json"]));
    ok(await ws.plan());
    ok(await ws.plan(["--json"]));
    ok(await ws.plan(["--markdown"]));
    ok(await ws.plan(["--debug"]));
    ok(await ws.plan(["--out", "plan.json"]));
    // A saved plan holds no credential, so it cannot create this webhook; it says so.
    ok(await ws.applyPlan(join(ws.dir, "plan.json"), ["--auto-approve"]), 1);
    ok(await ws.apply(["--auto-approve", "--json"]));
    ok(await ws.plan(["--detailed-exitcode"]));

    // Drift on the live account, then every format again.
    const chat = (await ws.emu.control.listChats())[0]!;
    await ws.emu.control.simulate({
      type: "group.renamed",
      chat_id: chat.id,
      display_name: `see https://u:${USERINFO_PASSWORD}@evil.chatsync.invalid/?sig=${QUERY_CREDENTIAL}`,
    });
    ok(await ws.plan(["--refresh-only"]));
    ok(await ws.plan(["--markdown", "--refresh-only"]));
    ok(await ws.plan(["--json"]));
    ok(await ws.apply(["--auto-approve", "--debug"]));

    // A declared URL with userinfo is refused without repeating it.
    await ws.writeConfig({
      ...config,
      webhooks: {
        loc: {
          ...config.webhooks.loc,
          target_url: `https://user:${USERINFO_PASSWORD}@hooks.chatsync.invalid/linq`,
        },
      },
    });
    ok(await ws.run(["validate", ws.configPath]), 1);
    ok(await ws.plan(["--json"]), 1);
    await ws.writeConfig(config);

    // The same state moved into PostgreSQL, its password in the URL: every command again.
    db = await createTestDatabase("grep");
    const fileState = ws.statePath;
    const pgState = db.stateUrl("grep", true);
    ok(await ws.run(["state", "push", fileState, "--state", pgState]));
    ws.statePath = pgState;
    ok(await ws.plan());
    ok(await ws.plan(["--json"]));
    ok(await ws.plan(["--markdown", "--debug"]));
    ok(await ws.plan(["--out", "plan-pg.json"]));
    ok(await ws.apply(["--auto-approve", "--json"]));
    for (const sub of [["list"], ["show", "chat.team"], ["pull"]])
      ok(await ws.run(["state", ...sub, "--state", pgState]));
    const wrong = pgState.replace(encodeURIComponent(db.password), "Wr0ng-Passw0rd");
    ok(await ws.run(["state", "list", "--state", wrong]), 1);
    ok(
      await ws.run([
        "plan",
        ws.configPath,
        "--endpoint",
        ws.emu.baseUrl,
        "--state",
        wrong,
        "--json",
      ]),
      1,
    );

    const secret = (await readFile(secretFile, "utf8")).trim();
    expect(secret).toMatch(/^whsec_/);
    const needles = [ws.emu.token, secret, "whsec_", QUERY_CREDENTIAL, USERINFO_PASSWORD];
    needles.push(db.password, encodeURIComponent(db.password), "Wr0ng-Passw0rd");
    // The configuration is the user's own input; everything chatsync wrote or printed is checked.
    expect(await findLeaks(ws, needles, [secretFile, ws.configPath])).toEqual([]);
    const rows = await db.query(
      "SELECT snapshot::text AS t FROM chatsync_state_versions UNION ALL SELECT entry::text FROM chatsync_state_journal",
    );
    for (const n of needles) expect(JSON.stringify(rows)).not.toContain(n);
  }, 300_000);
});
