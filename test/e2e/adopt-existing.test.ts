/**
 * Adopting what already exists (SPEC §5a) through the built CLI against a real emulator. Every
 * pre-existing object is made out of band through the emulator's public API, never by chatsync;
 * "no write" is counted in the emulator's request log.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeRun } from "../support/cli.js";
import { apiPath } from "../support/emulator-control.js";
import type { Chat } from "../../src/api-wire/types.js";
import {
  LINE_A,
  LINE_B,
  createWorkspace,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

/** A chat made directly through the API, the way a team made its groups before chatsync. */
async function createOutOfBand(
  ws: Workspace,
  to: string[],
  opts: { name?: string; text?: string } = {},
): Promise<Chat> {
  const { chat } = (await ws.emu.control.apiWrite("POST", "/v3/chats", {
    from: LINE_A,
    to,
    message: { parts: [{ type: "text", value: opts.text ?? "Hello from before chatsync" }] },
  })) as { chat: Chat };
  if (opts.name)
    await ws.emu.control.apiWrite("PUT", `/v3/chats/${chat.id}`, { display_name: opts.name });
  return chat;
}

function groupConfig(key: string, people: string[], extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    defaults: { from: LINE_A },
    chats: { [key]: { type: "group", participants: people, ...extra } },
  };
}

// Each test is a sequence of CLI runs; on a busy CI machine one run can take seconds.
const SCENE = { timeout: 180_000 };

describe("adopting existing chats", SCENE, () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await createWorkspace();
  });
  afterEach(async () => {
    await ws?.close();
  });

  it("imports: plans only the import, apply sends no write, and the next plan has no changes", async () => {
    const people = [person(0), person(1), person(2)];
    const chat = await createOutOfBand(ws, people, { name: "Book Club" });
    await ws.writeConfig({
      ...groupConfig("book-club", people, { display_name: "Book Club" }),
      imports: [{ to: "chat.book-club", id: chat.id }],
    });
    const before = await ws.emu.control.lastSeq();
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toContain("chat.book-club (import)");
    expect(plan.stdout).toContain(`import existing chat ${chat.id}`);
    expect(plan.stdout).toContain("Plan: 1 to import, 0 to create, 0 to update");

    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);

    const after = await ws.plan(["--detailed-exitcode"]);
    expect(after.code, describeRun(after)).toBe(0);
    expect(after.stdout).toContain("No changes.");
    expect((await ws.emu.control.listChats()).length).toBe(1);
  });

  it("an import whose roster differs is followed by the roster change, applied to the existing chat", async () => {
    const chat = await createOutOfBand(ws, [person(0), person(1), person(2)]);
    await ws.writeConfig({
      ...groupConfig("team", [person(0), person(1), person(2), person(3)]),
      imports: [{ to: "chat.team", id: chat.id }],
    });
    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain("chat.team (update)");
    expect(plan.stdout).toContain(`import existing chat ${chat.id}`);
    expect(plan.stdout).toContain(`add ${person(3)}`);
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    const live = await ws.emu.control.getChat(chat.id);
    expect(live.handles.map((h) => h.handle)).toContain(person(3));
    expect((await ws.emu.control.listChats()).length).toBe(1);
  });

  it("an unknown or foreign id is a plan error naming both sides, exit 1, zero writes", async () => {
    await ws.writeConfig({
      ...groupConfig("team", [person(0), person(1)]),
      imports: [{ to: "chat.team", id: "00000000-0000-4000-8000-000000000000" }],
    });
    const before = await ws.emu.control.lastSeq();
    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(1);
    expect(plan.stderr).toContain(
      "chat.team ← 00000000-0000-4000-8000-000000000000: chat 00000000-0000-4000-8000-000000000000 does not exist",
    );
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(1);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("chatsync import records the chat, writes nothing, and plan then creates nothing", async () => {
    const people = [person(0), person(1)];
    const chat = await createOutOfBand(ws, people);
    await ws.writeConfig(groupConfig("pair", people, { welcome_message: "Hi both!" }));
    const before = await ws.emu.control.lastSeq();
    const common = ["--endpoint", ws.emu.baseUrl, "--state", ws.statePath, "--no-color"];
    const imported = await ws.run(["import", "chat.pair", chat.id, ws.configPath, ...common]);
    expect(imported.code, describeRun(imported)).toBe(0);
    expect(imported.stdout).toContain(`Imported ${chat.id} as chat.pair`);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);

    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).not.toContain("(create)");

    const again = await ws.run(["import", "chat.pair", chat.id, ws.configPath, ...common]);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toContain("already manages");
    const bad = await ws.run(["import", "chat.nope", chat.id, ws.configPath, ...common]);
    expect(bad.code, describeRun(bad)).toBe(1);
    expect(bad.stderr).toContain("chat.nope is not declared");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("a renamed key with moved: re-keys the state with 0 writes; without it the plan warns of a rename", async () => {
    const people = [person(0), person(1), person(2)];
    await ws.writeConfig(groupConfig("book-club", people, { welcome_message: "Welcome!" }));
    expect((await ws.apply(["--auto-approve"])).code).toBe(0);

    await ws.writeConfig(groupConfig("bookclub", people, { welcome_message: "Welcome!" }));
    const warned = await ws.plan();
    expect(warned.code, describeRun(warned)).toBe(0);
    expect(warned.stdout).toContain("looks like a rename of chat.book-club");
    expect(warned.stdout).toContain("moved: [{ from: chat.book-club, to: chat.bookclub }]");

    await ws.writeConfig({
      ...groupConfig("bookclub", people, { welcome_message: "Welcome!" }),
      moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
    });
    const before = await ws.emu.control.lastSeq();
    const md = await ws.plan(["--markdown"]);
    expect(md.stdout).toContain("chat.book-club → chat.bookclub");
    const json = JSON.parse((await ws.plan(["--json"])).stdout) as {
      changes: Array<{ action: string; steps: Array<{ op: string; from?: string }> }>;
    };
    expect(json.changes).toEqual([
      expect.objectContaining({
        action: "move",
        steps: [expect.objectContaining({ op: "move_address", from: "chat.book-club" })],
      }),
    ]);
    const apply = await ws.apply(["--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    expect(apply.stdout).toContain("chat.book-club → chat.bookclub");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    const after = await ws.plan(["--detailed-exitcode"]);
    expect(after.code, describeRun(after)).toBe(0);
  });

  it("a saved plan carries the import and the move; applying it writes nothing", async () => {
    const people = [person(0), person(1), person(2)];
    await ws.writeConfig(groupConfig("old-key", people, { welcome_message: "Welcome!" }));
    expect((await ws.apply(["--auto-approve"])).code).toBe(0);
    const other = await createOutOfBand(ws, [person(3), person(4)]);
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: {
        "new-key": { type: "group", participants: people, welcome_message: "Welcome!" },
        adopted: { type: "group", participants: [person(3), person(4)] },
      },
      imports: [{ to: "chat.adopted", id: other.id }],
      moved: [{ from: "chat.old-key", to: "chat.new-key" }],
    });
    const planFile = join(ws.dir, "adopt.plan.json");
    const saved = await ws.plan(["--out", planFile]);
    expect(saved.code, describeRun(saved)).toBe(0);
    const before = await ws.emu.control.lastSeq();
    const applied = await ws.applyPlan(planFile, ["--auto-approve"]);
    expect(applied.code, describeRun(applied)).toBe(0);
    expect(applied.stdout).toContain("1 imported, 1 moved");
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
    const after = await ws.plan(["--detailed-exitcode"]);
    expect(after.code, describeRun(after)).toBe(0);
  });

  it("a new declaration equal to an unmanaged chat gets the imports: suggestion", async () => {
    // A state that already exists (the new-state case is a refusal, tested elsewhere).
    await ws.writeConfig(groupConfig("first", [person(4), person(5)], { welcome_message: "Hi" }));
    expect((await ws.apply(["--auto-approve"])).code).toBe(0);
    const people = [person(0), person(1)];
    const chat = await createOutOfBand(ws, people);
    await ws.writeConfig({
      version: 1,
      defaults: { from: LINE_A },
      chats: {
        first: { type: "group", participants: [person(4), person(5)], welcome_message: "Hi" },
        pair: { type: "group", participants: people, welcome_message: "Hi both!" },
      },
    });
    const plan = await ws.plan();
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(plan.stdout).toContain(`imports: [{ to: chat.pair, id: ${chat.id} }]`);
    expect(plan.stdout).toContain(`chatsync import chat.pair ${chat.id}`);
  });
});

describe("chatsync export", SCENE, () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await createWorkspace();
  });
  afterEach(async () => {
    await ws?.close();
  });

  it("export → validate → plan (imports only) → apply (0 writes) → No changes; a second export is identical", async () => {
    const book = await createOutOfBand(ws, [person(0), person(1), person(2)], {
      name: "Book Club",
    });
    await createOutOfBand(ws, ["alice@example.com"]);
    const { chat: other } = (await ws.emu.control.apiWrite("POST", "/v3/chats", {
      from: LINE_B,
      to: [person(3), person(4)],
      message: { parts: [{ type: "text", value: "Line B group" }] },
    })) as { chat: Chat };
    await ws.emu.control.apiWrite("POST", "/v3/webhook-subscriptions", {
      target_url: "https://hooks.example.com/linq",
      subscribed_events: ["message.received", "participant.added"],
    });
    await ws.emu.control.apiWrite("POST", "/v3/contact_card", {
      phone_number: LINE_A,
      first_name: "Acme",
      last_name: "Support",
    });

    const endpoint = ["--endpoint", ws.emu.baseUrl];
    const before = await ws.emu.control.lastSeq();
    const exported = await ws.run(["export", ...endpoint, "--out", "adopted/"]);
    expect(exported.code, describeRun(exported)).toBe(0);
    const file = join(ws.dir, "adopted", "chatsync.yaml");
    const text = await readFile(file, "utf8");
    expect(text).toContain(`# chat ${book.id}, created `);
    expect(text).toContain(`{ to: chat.book-club, id: ${book.id} }`);
    expect(text).toContain(`{ to: contact_card.${LINE_A}, id: "${LINE_A}" }`);
    expect(text).not.toMatch(/whsec_/);
    // One list pass per line (pages of 100), not one request per chat.
    const reads = await ws.emu.control.requestsSince(before);
    expect(reads.filter((r) => apiPath(r) === "/v3/chats").length).toBe(2);
    expect(reads.filter((r) => /^\/v3\/chats\/./.test(apiPath(r)))).toEqual([]);

    const validated = await ws.run(["validate", file]);
    expect(validated.code, describeRun(validated)).toBe(0);

    const common = [...endpoint, "--state", ws.statePath, "--no-color"];
    const plan = await ws.run(["plan", file, ...common, "--json"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    const doc = JSON.parse(plan.stdout) as { changes: Array<{ address: string; action: string }> };
    expect(doc.changes.map((c) => c.action)).toEqual(doc.changes.map(() => "import"));
    expect(doc.changes.map((c) => c.address).sort()).toEqual(
      [
        "chat.alice-example-com",
        "chat.book-club",
        `chat.${person(3).slice(1)}-${person(4).slice(1)}`,
        `contact_card.${LINE_A}`,
        "webhook.hooks-example-com-linq",
      ].sort(),
    );
    expect(text).toContain(`# chat ${other.id}, created `);

    const mid = await ws.emu.control.lastSeq();
    const apply = await ws.run(["apply", file, ...common, "--auto-approve"]);
    expect(apply.code, describeRun(apply)).toBe(0);
    expect(await ws.emu.control.writesSince(mid)).toEqual([]);
    const after = await ws.run(["plan", file, ...common, "--detailed-exitcode"]);
    expect(after.code, describeRun(after)).toBe(0);
    expect(after.stdout).toContain("No changes.");

    const again = await ws.run(["export", ...endpoint]);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toBe(text);
    expect(await ws.emu.control.writesSince(before)).toEqual([]);
  });

  it("--line narrows the chats; an unknown line or an existing --out file is refused and nothing is written", async () => {
    await createOutOfBand(ws, [person(0), person(1)], { name: "Line A Room" });
    const endpoint = ["--endpoint", ws.emu.baseUrl];
    const onlyB = await ws.run(["export", ...endpoint, "--line", LINE_B]);
    expect(onlyB.code, describeRun(onlyB)).toBe(0);
    expect(onlyB.stdout).not.toContain("line-a-room");

    const unknown = await ws.run(["export", ...endpoint, "--line", "+12025550199"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--line +12025550199 is not a line of this account");

    const existing = join(ws.dir, "mine.yaml");
    await writeFile(existing, "version: 1\n");
    const refused = await ws.run(["export", ...endpoint, "--out", existing]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("already exists; export never overwrites a file");
    expect(await readFile(existing, "utf8")).toBe("version: 1\n");
  });
});
