/**
 * `--target` brings along what the target needs, like Terraform's -target: a chat that shares
 * the line's contact card brings that declared card, which the API needs before a share.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun } from "../support/cli.js";
import { apiPath } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

describe("--target and dependencies", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      contact_cards: { [LINE_A]: { first_name: "Acme" } },
      chats: {
        team: {
          type: "group",
          participants: [person(0), person(1)],
          welcome_message: "Welcome, team.",
          share_contact_card: true,
        },
        other: {
          type: "group",
          participants: [person(2), person(3)],
          welcome_message: "Welcome, others.",
        },
      },
    });
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("plan --target of a sharing chat includes the line's card, not the other chat", async () => {
    const plan = await ws.plan(["--target", "chat.team"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toMatch(
      new RegExp(`^ {2}\\+ contact_card\\.\\${LINE_A} \\(create\\)`, "m"),
    );
    expect(plan.stdout).toMatch(/^ {2}\+ chat\.team \(create\)/m);
    expect(plan.stdout).not.toContain("chat.other");
  });

  it("apply --target of that chat succeeds: card first, then the chat and its one share", async () => {
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--target", "chat.team", "--auto-approve"]);
    expect(r.code, describeRun(r)).toBe(0);
    const writes = (await ws.emu.control.writesSince(before)).map(
      (w) => `${w.method} ${apiPath(w)}`,
    );
    expect(writes[0]).toBe("POST /v3/contact_card");
    expect(writes.filter((w) => w.endsWith("/share_contact_card"))).toHaveLength(1);
    expect(writes.filter((w) => w === "POST /v3/chats")).toHaveLength(1);
  });

  it("never prints or stores the API token or a signing secret", async () => {
    expect(await findLeaks(ws, [ws.emu.token, "whsec_"])).toEqual([]);
  });
});
