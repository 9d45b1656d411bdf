/**
 * A checkout moved to another folder (or a CI runner with another workspace path) plans no
 * change: the state records a webhook's secret_file relative to the state file, not as the
 * absolute path of the machine that applied it (issue 11).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRun } from "../support/cli.js";
import { LINE_A, createWorkspace, type Workspace } from "../support/e2e-workspace.js";

describe("a moved checkout", () => {
  let ws: Workspace;
  let moved = "";
  beforeAll(async () => {
    ws = await createWorkspace();
    await ws.writeConfig({
      version: 1,
      webhooks: {
        "location-events": {
          target_url: "https://hooks.example.invalid/linq/location",
          events: ["location.sharing.started", "location.sharing.stopped"],
          phone_numbers: [LINE_A],
        },
      },
    });
    const r = await ws.apply(["--auto-approve"]);
    if (r.code !== 0) throw new Error(describeRun(r));
    moved = await mkdtemp(join(tmpdir(), "chatsync-moved-"));
  });
  afterAll(async () => {
    await ws?.close();
    await rm(moved, { recursive: true, force: true });
  });

  it("the state keeps secret_file relative to the state file", async () => {
    const state = JSON.parse(await readFile(ws.statePath, "utf8"));
    expect(state.resources["webhook.location-events"].applied.secret_file).toBe(
      join("secrets", "location-events.whsec"),
    );
  });

  it("plans no change, not even a settings record, from another folder", async () => {
    await cp(ws.dir, moved, { recursive: true });
    const r = await ws.run([
      "plan",
      join(moved, "chatsync.yaml"),
      "--endpoint",
      ws.emu.baseUrl,
      "--detailed-exitcode",
      "--no-color",
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).not.toContain("changed without needing an API call");
  });
});
