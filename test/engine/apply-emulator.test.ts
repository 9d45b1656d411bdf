/**
 * The engine end to end against a real emulator (in this process, port 0 on 127.0.0.1):
 * runApply converges, a second apply sends zero write requests (as the emulator's request log
 * shows), and the CLI's `plan --detailed-exitcode` then exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { LinqClient } from "../../src/sync-engine/client/linq-client.js";
import { runApply, runPlan } from "../../src/sync-engine/index.js";
import { runCli, describeRun } from "../support/cli.js";
import { A, B, C, LINE, chats, desiredState, direct, group } from "./fixtures.js";

interface Logged {
  seq: number;
  method: string;
  path: string;
  status: number;
}

describe("engine against the emulator", () => {
  let emu: RunningEmulator;
  let client: LinqClient;
  let dir: string;
  const desired = desiredState({
    chats: chats(
      group("team", [A, B, C], {
        display_name: "Team",
        icon: "https://cdn.example.com/t.png",
        share_contact_card: true,
      }),
      direct("alice", "alice@example.com", { location_request: true }),
    ),
    contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
  });

  const requests = async (): Promise<Logged[]> =>
    (await fetch(`${emu.origin}/__emulator/requests`)).json() as Promise<Logged[]>;
  const writesAfter = async (seq: number) =>
    (await requests()).filter((r) => r.seq > seq && r.method !== "GET");
  const lastSeq = async () => (await requests()).reduce((m, r) => Math.max(m, r.seq), 0);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "chatsync-engine-e2e-"));
    emu = await startEmulator({ host: "127.0.0.1", port: 0, phoneNumbers: [LINE] });
    client = new LinqClient({ token: emu.token, baseUrl: emu.baseUrl });
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a plan saved before any state existed applies, and a second copy of it is then refused as stale", async () => {
    const statePath = join(dir, "fresh", "state.json");
    const one = desiredState({ chats: chats(group("solo", [A, B], { welcome_message: "Solo" })) });
    const plan = await runPlan({ desired: one, api: client, statePath });
    expect(plan.state.serial).toBe(0);
    const applied = await runApply({ savedPlan: plan, api: client, statePath });
    expect(applied.outcome.succeeded).toEqual(["chat.solo"]);
    await expect(runApply({ savedPlan: plan, api: client, statePath })).rejects.toMatchObject({
      code: "PLAN_STALE",
    });
  });

  it("a chat forgotten and declared again gets a new chat, not the old one back", async () => {
    const statePath = join(dir, "redeclare", "state.json");
    const idOf = async () => JSON.parse(await readFile(statePath, "utf8")).resources["chat.room"];
    const one = desiredState({ chats: chats(group("room", [A, C], { on_delete: "forget" })) });
    await runApply({ desired: one, api: client, statePath });
    const before = await idOf();
    await runApply({ desired: desiredState(), api: client, statePath });
    expect(await idOf()).toBeUndefined();
    const again = await runApply({ desired: one, api: client, statePath });
    expect(again.outcome.failed).toEqual([]);
    const after = await idOf();
    expect(after.generation).toBe(2);
    expect(after.id).not.toBe(before.id);
  });

  it("apply creates everything, a second apply writes nothing, and plan --detailed-exitcode exits 0", async () => {
    const statePath = join(dir, ".chatsync", "state.json");
    const first = await runApply({ desired, api: client, statePath });
    expect(first.outcome.failed).toEqual([]);
    expect(first.plan.summary).toMatchObject({ create: 3 });

    const before = await lastSeq();
    const second = await runApply({ desired, api: client, statePath });
    expect(second.plan.changes).toEqual([]);
    expect(await writesAfter(before)).toEqual([]);

    const plan = await runPlan({ desired, api: client, statePath });
    expect(plan.changes).toEqual([]);

    // The same through the binary: the YAML equivalent of `desired`, same state file.
    const config = join(dir, "chatsync.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        `defaults: { from: "${LINE}" }`,
        "contact_cards:",
        `  "${LINE}": { first_name: Acme }`,
        "chats:",
        "  team:",
        "    type: group",
        `    participants: ["${A}", "${B}", "${C}"]`,
        "    display_name: Team",
        "    icon: https://cdn.example.com/t.png",
        "    share_contact_card: true",
        "    welcome_message: Welcome!",
        "  alice:",
        "    type: direct",
        "    to: alice@example.com",
        "    location_request: true",
        "    welcome_message: Hi!",
        "",
      ].join("\n"),
    );
    const cli = await runCli(
      ["plan", config, "--endpoint", emu.baseUrl, "--state", statePath, "--detailed-exitcode"],
      {
        cwd: dir,
        env: { LINQ_API_TOKEN: emu.token },
      },
    );
    expect(cli.code, describeRun(cli)).toBe(0);
    expect(cli.stdout).toContain("No changes. The account matches the configuration.");
    expect(await writesAfter(before)).toEqual([]);
  });
});
