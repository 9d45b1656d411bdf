/** imports: and moved: in the pure plan (SPEC §5a): what is planned, and what is refused. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executePlan, type ExecutorApi } from "../../src/sync-engine/apply/execute-plan.js";
import { silentProgress } from "../../src/sync-engine/apply/progress-reporter.js";
import { FileStateBackend } from "../../src/sync-engine/state/backends/file.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import { renderPlanHuman, renderPlanMarkdown } from "../../src/sync-engine/plan/render-plan.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import type { StateDocument } from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
  LINE,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

function plan(desired: DesiredState, live: LiveSnapshot, state: StateDocument = stateDoc()) {
  return buildPlan({
    desired,
    live,
    state,
    statePath: "/tmp/state.json",
    liveFingerprint: "fp",
    now: new Date("2026-01-01T00:00:00.000Z"),
  });
}

describe("imports", () => {
  const book = group("book", [A, B], { display_name: "Books" });
  delete book.welcome_message;

  it("an import whose live chat matches is one state-only change, with no API step", () => {
    const live = liveChat("c-1", [A, B], { name: "Books" });
    const p = plan(
      desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "c-1" }] }),
      snapshot({ chats: { "c-1": live } }),
    );
    expect(p.errors).toEqual([]);
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ address: "chat.book", action: "import", live_id: "c-1" });
    expect(p.changes[0]!.steps.map((s) => s.op)).toEqual(["import_chat"]);
    expect(p.changes[0]!.after).toMatchObject({ kind: "chat", participants: [A, B] });
    expect(p.summary).toMatchObject({ import: 1, create: 0, update: 0 });
    expect(renderPlanHuman(p, { color: false })).toContain(
      "Plan: 1 to import, 0 to create, 0 to update, 0 to replace, 0 to leave.",
    );
  });

  it("an import is followed by what makes the live chat match (roster, name)", () => {
    const live = liveChat("c-1", [A, B, C], { name: "Old" });
    const p = plan(
      desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "c-1" }] }),
      snapshot({ chats: { "c-1": live } }),
    );
    expect(p.errors).toEqual([]);
    expect(p.changes[0]!.action).toBe("update");
    expect(p.changes[0]!.steps.map((s) => s.op)).toEqual([
      "import_chat",
      "remove_participant",
      "rename_chat",
    ]);
    expect(p.summary).toMatchObject({ import: 1, update: 1 });
  });

  it("an import already recorded is a no-op", () => {
    const live = liveChat("c-1", [A, B], { name: "Books" });
    const p = plan(
      desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "c-1" }] }),
      snapshot({ chats: { "c-1": live } }),
      stateDoc({ "chat.book": managedChat("c-1", book) }),
    );
    expect(p.changes).toEqual([]);
    expect(p.errors).toEqual([]);
  });

  it("refuses, naming both sides: unknown id, another address's chat, another line, another type, another recipient", () => {
    const alice = direct("alice", A);
    const other = group("other", [A, C]);
    const cases: Array<[DesiredState, LiveSnapshot, StateDocument, RegExp]> = [
      [
        desiredState({ chats: chats(book), imports: [{ to: "chat.book", id: "nope" }] }),
        snapshot({ chats: { nope: null } }),
        stateDoc(),
        /chat\.book ← nope: chat nope does not exist/,
      ],
      [
        desiredState({
          chats: chats(book, other),
          imports: [{ to: "chat.book", id: "c-9" }],
        }),
        snapshot({ chats: { "c-9": liveChat("c-9", [A, C]) } }),
        stateDoc({ "chat.other": managedChat("c-9", other) }),
        /chat c-9 is already managed as chat\.other/,
      ],
      [
        desiredState({
          chats: chats({ ...book, from: "+12025550101" }),
          imports: [{ to: "chat.book", id: "c-1" }],
        }),
        snapshot({ chats: { "c-1": liveChat("c-1", [A, B]) } }),
        stateDoc(),
        /is on line \+12025550100, but chat\.book declares from: \+12025550101/,
      ],
      [
        desiredState({ chats: chats(alice), imports: [{ to: "chat.alice", id: "c-1" }] }),
        snapshot({ chats: { "c-1": liveChat("c-1", [A, B]) } }),
        stateDoc(),
        /is a group, but chat\.alice is declared as type: direct/,
      ],
      [
        desiredState({ chats: chats(alice), imports: [{ to: "chat.alice", id: "c-1" }] }),
        snapshot({ chats: { "c-1": liveChat("c-1", [B]) } }),
        stateDoc(),
        /chat c-1 is with \+14155550102, but chat\.alice declares to: \+14155550101/,
      ],
    ];
    for (const [desired, live, state, message] of cases) {
      const p = plan(desired, live, state);
      expect(p.errors.map((e) => e.message).join("\n")).toMatch(message);
      expect(p.changes.some((c) => c.steps.some((s) => s.op === "import_chat"))).toBe(false);
    }
  });

  it("a webhook imports by id and a contact card by line; neither is created", () => {
    const desired = desiredState({
      webhooks: {
        hooks: {
          key: "hooks",
          target_url: "https://hooks.example.com/a",
          events: ["message.received"],
          phone_numbers: [],
          active: true,
          secret_file: "/tmp/x.whsec",
        },
      },
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
      imports: [
        { to: `contact_card.${LINE}`, id: LINE },
        { to: "webhook.hooks", id: "w-1" },
      ],
    });
    const live = snapshot({
      webhooks: [
        {
          id: "w-1",
          target_url: "https://hooks.example.com/a",
          subscribed_events: ["message.received"],
          phone_numbers: [],
          is_active: true,
          created_at: "2026-01-01T00:00:00.000Z",
          updated_at: "2026-01-01T00:00:00.000Z",
        },
      ],
      contact_cards: [
        {
          phone_number: LINE,
          first_name: "Acme",
          is_active: true,
        } as LiveSnapshot["contact_cards"][number],
      ],
      secret_files_present: { "/tmp/x.whsec": false },
    });
    const p = plan(desired, live);
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => [c.address, c.action, c.steps.map((s) => s.op)])).toEqual([
      [`contact_card.${LINE}`, "import", ["import_contact_card"]],
      ["webhook.hooks", "import", ["import_webhook"]],
    ]);
  });
});

describe("moved", () => {
  const bookclub = group("bookclub", [A, B]);
  const oldBook = group("book-club", [A, B]);

  it("re-keys the state with no API call and shows from → to in every output", () => {
    const p = plan(
      desiredState({
        chats: chats(bookclub),
        moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
      }),
      snapshot({ chats: { "c-1": liveChat("c-1", [A, B]) } }),
      stateDoc({ "chat.book-club": managedChat("c-1", oldBook) }),
    );
    expect(p.errors).toEqual([]);
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ address: "chat.bookclub", action: "move" });
    expect(p.changes[0]!.steps).toEqual([
      expect.objectContaining({ op: "move_address", from: "chat.book-club", to: "chat.bookclub" }),
    ]);
    expect(renderPlanHuman(p, { color: false })).toContain("chat.book-club → chat.bookclub");
    expect(renderPlanMarkdown(p)).toContain("chat.book-club → chat.bookclub");
    expect(JSON.stringify(p)).toContain('"from":"chat.book-club"');
  });

  it("moving onto a managed address is an error; nothing to move is a warning; done is silent", () => {
    const both = plan(
      desiredState({
        chats: chats(bookclub),
        moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
      }),
      snapshot({ chats: { "c-1": liveChat("c-1", [A, B]), "c-2": liveChat("c-2", [A, B]) } }),
      stateDoc({
        "chat.book-club": managedChat("c-1", oldBook),
        "chat.bookclub": managedChat("c-2", bookclub),
      }),
    );
    expect(both.errors.map((e) => e.message).join()).toMatch(
      /chat\.bookclub is already managed by the state \(live id c-2\), and so is chat\.book-club/,
    );
    const nothing = plan(
      desiredState({
        chats: chats(bookclub),
        moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
      }),
      snapshot(),
    );
    expect(nothing.warnings.map((w) => w.message).join()).toMatch(/nothing to move/);
    const done = plan(
      desiredState({
        chats: chats(bookclub),
        moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
      }),
      snapshot({ chats: { "c-2": liveChat("c-2", [A, B]) } }),
      stateDoc({ "chat.bookclub": managedChat("c-2", bookclub) }),
    );
    expect(done.changes).toEqual([]);
    expect(done.warnings).toEqual([]);
  });

  it("without moved:, forget + create of the same people warns that it looks like a rename", () => {
    const p = plan(
      desiredState({ chats: chats(bookclub) }),
      snapshot({ chats: { "c-1": liveChat("c-1", [A, B]) } }),
      stateDoc({ "chat.book-club": managedChat("c-1", { ...oldBook, on_delete: "forget" }) }),
    );
    expect(p.changes.map((c) => `${c.address} ${c.action}`)).toEqual([
      "chat.book-club forget",
      "chat.bookclub create",
    ]);
    expect(p.warnings).toContainEqual({
      address: "chat.bookclub",
      message: expect.stringContaining(
        "moved: [{ from: chat.book-club, to: chat.bookclub }]",
      ) as string,
    });
  });
});

describe("an imported chat without welcome_message", () => {
  it("that must later be replaced: the plan says the declaration now needs one", () => {
    const team = group("team", [A, B]);
    delete team.welcome_message;
    const st = managedChat("c-1", team);
    // Our line left the live chat: only a new chat can reach the declaration.
    const p = plan(
      desiredState({ chats: chats(team) }),
      snapshot({ chats: { "c-1": liveChat("c-1", [A, B], { meStatus: "left" }) } }),
      stateDoc({ "chat.team": st }),
    );
    expect(p.errors.map((e) => e.message).join()).toContain(
      "chat.team must be replaced by a new chat (your line is no longer a member",
    );
    expect(p.errors.map((e) => e.message).join()).toContain("has no welcome_message: add one");
  });
});

describe("executor: moves and imports are state-only", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "chatsync-adopt-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("records the move and the import through the state store, journaled, with no API call", async () => {
    const statePath = join(dir, "state.json");
    const oldBook = group("book-club", [A, B]);
    const seed = await StateStore.open(new FileStateBackend(statePath));
    Object.assign(seed.chat("chat.book-club"), managedChat("c-1", oldBook));
    await seed.commit("chat.book-club");

    const store = await StateStore.open(new FileStateBackend(statePath));
    const team = group("team", [B, C]);
    delete team.welcome_message;
    const desired = desiredState({
      chats: chats(group("bookclub", [A, B]), team),
      imports: [{ to: "chat.team", id: "c-2" }],
      moved: [{ from: "chat.book-club", to: "chat.bookclub" }],
    });
    const live = snapshot({
      chats: { "c-1": liveChat("c-1", [A, B]), "c-2": liveChat("c-2", [B, C]) },
    });
    const p = buildPlan({ desired, live, state: store.doc, statePath, liveFingerprint: "f" });
    expect(p.errors).toEqual([]);
    const calls: string[] = [];
    // Any API call at all fails the test: these steps must not reach the API.
    const api = new Proxy({} as ExecutorApi, {
      get: (_t, name) => () => {
        calls.push(String(name));
        throw new Error(`unexpected API call ${String(name)}`);
      },
    });
    const outcome = await executePlan(api, p, store, {
      parallelism: 2,
      progress: silentProgress,
      confirm: { timeoutMs: 1_000, sleep: async () => undefined, now: () => 0 },
      writeSecret: async () => undefined,
    });
    expect(calls).toEqual([]);
    expect(outcome.failed).toEqual([]);

    // What a later run reads back (journal replayed): both addresses re-keyed and recorded.
    const reread = await StateStore.open(new FileStateBackend(statePath));
    expect(reread.resource("chat.book-club")).toBeUndefined();
    expect(reread.resource("chat.bookclub")).toMatchObject({ id: "c-1", generation: 1 });
    expect(reread.resource("chat.team")).toMatchObject({
      id: "c-2",
      from: LINE,
      applied: { participants: [B, C] },
    });
    const again = buildPlan({
      desired,
      live,
      state: reread.doc,
      statePath,
      liveFingerprint: "f",
    });
    expect(again.changes).toEqual([]);
    expect(again.warnings).toEqual([]);
  });

  it("importing back a chat the address replaced keeps it, and finishes the other replaced chats", async () => {
    const statePath = join(dir, "state.json");
    const book = group("book", [A, B], { display_name: "Books" });
    delete book.welcome_message;
    const seed = await StateStore.open(new FileStateBackend(statePath));
    // c-1 was replaced (on_delete: forget) and so was c-0, whose chat is gone; no chat is current.
    Object.assign(seed.chat("chat.book"), {
      generation: 3,
      retired: [
        { id: "c-0", on_delete: "forget", retired_at: "2026-01-01T00:00:00.000Z" },
        { id: "c-1", on_delete: "forget", retired_at: "2026-01-02T00:00:00.000Z" },
      ],
    });
    await seed.commit("chat.book");

    const store = await StateStore.open(new FileStateBackend(statePath));
    const desired = desiredState({
      chats: chats(book),
      imports: [{ to: "chat.book", id: "c-1" }],
    });
    const live = snapshot({ chats: { "c-1": liveChat("c-1", [A, B], { name: "Books" }) } });
    const p = buildPlan({ desired, live, state: store.doc, statePath, liveFingerprint: "f" });
    expect(p.errors).toEqual([]);
    // The import and the forgetting of c-0 in one run; c-1 is never left or forgotten.
    expect(
      p.changes.map((c) => c.steps.map((s) => [s.op, "chat_id" in s ? s.chat_id : ""])),
    ).toEqual([
      [
        ["import_chat", "c-1"],
        ["forget_chat", "c-0"],
      ],
    ]);
    const api = new Proxy({} as ExecutorApi, {
      get: (_t, name) => () => {
        throw new Error(`unexpected API call ${String(name)}`);
      },
    });
    const outcome = await executePlan(api, p, store, {
      parallelism: 2,
      progress: silentProgress,
      confirm: { timeoutMs: 1_000, sleep: async () => undefined, now: () => 0 },
      writeSecret: async () => undefined,
    });
    expect(outcome.failed).toEqual([]);

    const reread = await StateStore.open(new FileStateBackend(statePath));
    const st = reread.resource("chat.book");
    expect(st).toMatchObject({ id: "c-1", generation: 3 });
    expect(st).not.toHaveProperty("retired");
    const again = buildPlan({ desired, live, state: reread.doc, statePath, liveFingerprint: "f" });
    expect(again.changes).toEqual([]);
  });
});
