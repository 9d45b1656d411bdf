/**
 * The state's memory without a disk: replaying a journal onto its snapshot, the document
 * check every backend makes, and StateStore over a transient in-memory store (what a file or
 * PostgreSQL backend would hold, kept in a variable). Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import {
  StateConflictError,
  StateError,
  describeHolder,
  type StateBackend,
  type StateJournalEntry,
  type StoredState,
} from "../../src/sync-engine/state/state-backend.js";
import { checkStateDocument } from "../../src/sync-engine/state/state-document-check.js";
import { deriveIdempotencyKey } from "../../src/sync-engine/state/idempotency-key.js";
import {
  StateStore,
  newStateDocument,
  replayJournal,
} from "../../src/sync-engine/state/state-store.js";
import {
  isQueuedChange,
  managedChatIds,
  type ChatResourceState,
  type StateDocument,
} from "../../src/sync-engine/state/state-types.js";

const chat = (id: string, generation = 1, extra: Partial<ChatResourceState> = {}) =>
  ({ kind: "chat", id, generation, intents: [], markers: {}, ...extra }) as ChatResourceState;

const snap = (serial: number, resources: StateDocument["resources"] = {}): StateDocument => ({
  format: "chatsync-state",
  version: 1,
  lineage: "L",
  serial,
  updated_at: `t${serial}`,
  resources,
});
const entry = (serial: number, parts: Partial<StateJournalEntry> = {}): StateJournalEntry => ({
  lineage: "L",
  serial,
  updated_at: `t${serial}`,
  resources: {},
  ...parts,
});

describe("replayJournal", () => {
  it("folds entries in order: later entries win, null forgets an address", () => {
    const stored: StoredState = {
      snapshot: snap(3, { "chat.a": chat("c1"), "chat.b": chat("c2") }),
      journal: [
        entry(4, { resources: { "chat.a": chat("c9", 2), "chat.c": chat("c3") } }),
        entry(5, { resources: { "chat.b": null } }),
      ],
      notes: [],
    };
    const doc = replayJournal(stored, "s.json");
    expect(doc.serial).toBe(5);
    expect(doc.updated_at).toBe("t5");
    expect(doc.resources).toEqual({ "chat.a": chat("c9", 2), "chat.c": chat("c3") });
  });

  it("takes generations and account from the newest entry that has them", () => {
    const account = { endpoint: "https://api", lines: ["+1"], recorded_at: "t" };
    const doc = replayJournal(
      {
        snapshot: { ...snap(1), generations: { "chat.a": 1 } },
        journal: [entry(2, { generations: { "chat.a": 2 }, account }), entry(3)],
        notes: [],
      },
      "s.json",
    );
    expect(doc.generations).toEqual({ "chat.a": 2 });
    expect(doc.account).toEqual(account);
    expect(doc.serial).toBe(3);
  });

  it("leaves the snapshot it read untouched", () => {
    const stored = {
      snapshot: snap(1, { "chat.a": chat("c1") }),
      journal: [entry(2, { resources: { "chat.a": null } })],
      notes: [],
    };
    replayJournal(stored, "s.json");
    expect(stored.snapshot).toEqual(snap(1, { "chat.a": chat("c1") }));
  });

  it("an empty journal is the snapshot", () => {
    expect(replayJournal({ snapshot: snap(7), journal: [], notes: [] }, "s")).toEqual(snap(7));
  });

  it("refuses a journal with a gap, naming both serials and the way back", () => {
    const read = () =>
      replayJournal(
        { snapshot: snap(3), journal: [entry(4), entry(6)], notes: [] },
        "/x/state.json",
      );
    expect(read).toThrow(StateError);
    expect(read).toThrow(
      "The state journal of /x/state.json jumps from serial 4 to 6; entries are missing. Restore the state from a backup (or `chatsync state pull --serial N` on PostgreSQL).",
    );
    // An entry the snapshot already includes is a gap too (backwards).
    expect(() => replayJournal({ snapshot: snap(3), journal: [entry(3)], notes: [] }, "s")).toThrow(
      /jumps from serial 3 to 3/,
    );
  });
});

describe("checkStateDocument", () => {
  it("accepts a chatsync state of version 1", () => {
    expect(checkStateDocument(snap(1), "s")).toEqual(snap(1));
  });

  it("refuses what is not a chatsync state", () => {
    for (const bad of [null, 42, "x", { version: 1 }, { ...snap(1), format: "tfstate" }]) {
      expect(() => checkStateDocument(bad, "s.json")).toThrow(
        's.json is not a chatsync state (missing "format": "chatsync-state").',
      );
    }
  });

  it("refuses another version, naming it", () => {
    const read = () => checkStateDocument({ ...snap(1), version: 2 }, "s.json");
    expect(read).toThrow(
      "The state at s.json has version 2; this chatsync reads version 1. Use the chatsync release that wrote it.",
    );
    try {
      read();
    } catch (e) {
      expect((e as StateError).code).toBe("STATE_UNSUPPORTED_VERSION");
    }
  });

  it("refuses a state without lineage, serial or an object of resources", () => {
    const missing = [
      { ...snap(1), lineage: 5 },
      { ...snap(1), serial: "1" },
      { ...snap(1), resources: null },
      { ...snap(1), resources: [] },
      { ...snap(1), resources: "x" },
    ];
    for (const bad of missing) {
      expect(() => checkStateDocument(bad, "s.json")).toThrow(
        "The state at s.json is missing lineage, serial or resources (an object of addresses).",
      );
    }
  });
});

describe("small state facts", () => {
  it("managedChatIds: current and retired chats, not webhooks or chats never created", () => {
    const doc = snap(1, {
      "chat.a": chat("c1", 2, { retired: [{ id: "c0", on_delete: "leave", retired_at: "t" }] }),
      "chat.b": { kind: "chat", generation: 1, intents: [], markers: {} },
      "webhook.w": { kind: "webhook", id: "w1" },
    });
    expect([...managedChatIds(doc)].sort()).toEqual(["c0", "c1"]);
  });

  it("isQueuedChange: roster and name changes are queued; creates and one-shot sends are not", () => {
    expect(isQueuedChange("add_participant")).toBe(true);
    expect(isQueuedChange("create_chat")).toBe(false);
    expect(isQueuedChange("share_contact_card")).toBe(false);
  });

  it("idempotency keys differ by lineage, address, generation and purpose, and repeat otherwise", () => {
    const k = deriveIdempotencyKey("L", "chat.a", 1, "create_chat");
    expect(k).toMatch(/^cs1-[0-9a-f]{40}$/);
    expect(deriveIdempotencyKey("L", "chat.a", 1, "create_chat")).toBe(k);
    const others = [
      deriveIdempotencyKey("M", "chat.a", 1, "create_chat"),
      deriveIdempotencyKey("L", "chat.b", 1, "create_chat"),
      deriveIdempotencyKey("L", "chat.a", 2, "create_chat"),
      deriveIdempotencyKey("L", "chat.a", 1, "request_location"),
    ];
    expect(new Set([k, ...others]).size).toBe(5);
  });

  it("a conflict names the location and both serials; a lock holder is described in one line", () => {
    const e = new StateConflictError("s.json", 3, 4);
    expect(e).toBeInstanceOf(StateError);
    expect(e.code).toBe("STATE_CONFLICT");
    expect(e.message).toBe(
      "The state at s.json changed under this run (expected serial 3, found 4): another chatsync wrote it. Nothing was overwritten; run the command again.",
    );
    expect(
      describeHolder({
        operation: "chatsync apply",
        who: "ann",
        pid: 7,
        hostname: "h",
        created: "t",
        version: "1",
      } as never),
    ).toBe('"chatsync apply" by ann (pid 7 on h) since t');
  });

  it("a new state starts at serial 0 with a fresh lineage", () => {
    const a = newStateDocument(new Date("2026-01-01T00:00:00Z"));
    expect(a).toMatchObject({
      format: "chatsync-state",
      version: 1,
      serial: 0,
      resources: {},
      updated_at: "2026-01-01T00:00:00.000Z",
    });
    expect(newStateDocument().lineage).not.toBe(a.lineage);
  });
});

/** A transient store: what a backend would hold, in memory; refuses stale serials like one. */
class MemoryState {
  stored: StoredState | undefined;
  readonly location = "memory";
  readonly backend = {
    kind: "file",
    location: this.location,
    read: async () => (this.stored ? structuredClone(this.stored) : undefined),
    persist: async (doc: StateDocument, expected: number) => {
      const serial = this.serial();
      if (serial !== expected) throw new StateConflictError(this.location, expected, serial);
      this.stored = { snapshot: structuredClone(doc), journal: [], notes: [] };
    },
    append: async (e: StateJournalEntry) => {
      const serial = this.serial();
      if (!this.stored || serial !== e.serial - 1)
        throw new StateConflictError(this.location, e.serial - 1, serial);
      this.stored.journal.push(structuredClone(e));
    },
  } as unknown as StateBackend;
  serial(): number {
    if (!this.stored) return 0;
    return this.stored.journal.at(-1)?.serial ?? this.stored.snapshot.serial;
  }
}

describe("StateStore over a transient store", () => {
  it("a new state is stored as a snapshot first, then journaled; reopening replays it", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    expect(s.isNew).toBe(true);
    expect(s.serial).toBe(0);
    s.chat("chat.a").id = "c1";
    await s.commit("chat.a");
    expect(s.isNew).toBe(false);
    expect(mem.stored?.snapshot.serial).toBe(1);
    expect(mem.stored?.journal).toEqual([]);
    s.chat("chat.b").id = "c2";
    await s.commit(["chat.b"]);
    expect(mem.stored?.journal.map((e) => [e.serial, Object.keys(e.resources)])).toEqual([
      [2, ["chat.b"]],
    ]);
    const again = await StateStore.open(mem.backend);
    expect(again.serial).toBe(2);
    expect(again.lineage).toBe(s.lineage);
    expect(again.resource("chat.b")).toMatchObject({ id: "c2" });
    expect([...again.managedChatIds()].sort()).toEqual(["c1", "c2"]);
  });

  it("an address unchanged since it was journaled is not written again", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    s.chat("chat.a").id = "c1";
    await s.commit("chat.a");
    s.chat("chat.a").generation = 2;
    await s.commit("chat.a");
    await s.commit("chat.a");
    expect(mem.stored?.journal.map((e) => e.serial)).toEqual([2]);
    expect(s.serial).toBe(2);
  });

  it("compact folds the journal into a snapshot; without a journal it writes nothing", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    await s.compact();
    expect(mem.stored).toBeUndefined();
    s.chat("chat.a").id = "c1";
    await s.commit("chat.a");
    s.chat("chat.a").generation = 3;
    await s.commit("chat.a");
    await s.compact();
    expect(mem.stored?.journal).toEqual([]);
    expect(mem.stored?.snapshot).toMatchObject({
      serial: 2,
      resources: { "chat.a": { generation: 3 } },
    });
  });

  it("remove keeps a chat's highest generation, so a re-declared address never reuses a key", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    Object.assign(s.chat("chat.a"), { id: "c1", generation: 3 });
    await s.commit("chat.a");
    s.remove("chat.a");
    await s.commit("chat.a");
    const again = await StateStore.open(mem.backend);
    expect(again.resource("chat.a")).toBeUndefined();
    expect(again.doc.generations).toEqual({ "chat.a": 3 });
  });

  it("move re-keys an address of the same kind and carries its generation; refuses the rest", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    Object.assign(s.chat("chat.a"), { id: "c1", generation: 2 });
    s.chat("chat.b");
    s.webhook("webhook.w");
    expect(() => s.move("chat.x", "chat.y")).toThrow("chat.x is not in the state at memory");
    expect(() => s.move("chat.a", "chat.b")).toThrow(
      "chat.b is already in the state at memory; remove it first (chatsync state rm chat.b)",
    );
    expect(() => s.move("chat.a", "webhook.v")).toThrow(
      "cannot move chat.a to webhook.v: a move keeps the kind of object",
    );
    s.move("chat.a", "chat.c");
    expect(s.resource("chat.a")).toBeUndefined();
    expect(s.resource("chat.c")).toMatchObject({ id: "c1" });
    expect(s.doc.generations).toEqual({ "chat.a": 2 });
  });

  it("setAccount is journaled with the next commit", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    await s.commit([]);
    expect(mem.stored).toBeUndefined();
    s.chat("chat.a");
    await s.commit("chat.a");
    const account = { endpoint: "https://api", lines: ["+1"], recorded_at: "t" };
    s.setAccount(account);
    await s.commit([]);
    expect(mem.stored?.journal.at(-1)).toMatchObject({ serial: 2, account, generations: {} });
    expect((await StateStore.open(mem.backend)).doc.account).toEqual(account);
  });

  it("a refused write keeps the change for the next commit", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    s.chat("chat.a");
    await s.commit("chat.a");
    mem.stored!.journal.push(entry(2)); // someone else wrote serial 2
    s.chat("chat.a").id = "c1";
    await expect(s.commit("chat.a")).rejects.toThrow(StateConflictError);
    expect(s.serial).toBe(1);
    mem.stored!.journal.pop();
    await s.commit([]);
    expect(mem.stored?.journal.at(-1)?.resources).toEqual({
      "chat.a": expect.objectContaining({ id: "c1" }),
    });
  });

  it("replaceWith stores a whole document at the expected serial", async () => {
    const mem = new MemoryState();
    const s = await StateStore.open(mem.backend);
    s.chat("chat.a");
    await s.commit("chat.a");
    await s.replaceWith(snap(9, { "chat.z": chat("cz") }));
    expect(s.serial).toBe(9);
    expect(s.resource("chat.a")).toBeUndefined();
    expect(mem.stored?.snapshot).toEqual(snap(9, { "chat.z": chat("cz") }));
  });
});

describe("StateStore: addresses of each kind, and the codes a script can act on", () => {
  it("hands out one record per address and kind, created on first use", async () => {
    const s = await StateStore.open(new MemoryState().backend);
    const w = s.webhook("webhook.w");
    expect(w).toEqual({ kind: "webhook" });
    w.id = "w1";
    expect(s.webhook("webhook.w")).toBe(w);
    const c = s.contactCard("contact_card.+1");
    expect(c).toEqual({ kind: "contact_card" });
    expect(s.contactCard("contact_card.+1")).toBe(c);
    const ch = s.chat("chat.a");
    expect(ch).toEqual({ kind: "chat", generation: 0, intents: [], markers: {} });
    expect(s.chat("chat.a")).toBe(ch);
    expect(s.resource("webhook.w")).toEqual({ kind: "webhook", id: "w1" });
  });

  it("removing a chat never created, or a webhook, records no generation", async () => {
    const s = await StateStore.open(new MemoryState().backend);
    s.chat("chat.a");
    s.webhook("webhook.w");
    s.remove("chat.a");
    s.remove("webhook.w");
    expect(s.doc.generations).toBeUndefined();
    expect(s.doc.resources).toEqual({});
  });

  it("moving a webhook carries no generation", async () => {
    const s = await StateStore.open(new MemoryState().backend);
    s.webhook("webhook.a").id = "w1";
    s.move("webhook.a", "webhook.b");
    expect(s.doc.generations).toBeUndefined();
    expect(s.resource("webhook.b")).toEqual({ kind: "webhook", id: "w1" });
  });

  it("refusals carry their code", async () => {
    const s = await StateStore.open(new MemoryState().backend);
    s.chat("chat.a");
    s.chat("chat.b");
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as StateError).code;
      }
      return "none";
    };
    expect(code(() => s.move("chat.x", "chat.y"))).toBe("STATE_NOT_FOUND");
    expect(code(() => s.move("chat.a", "chat.b"))).toBe("STATE_CONFLICT");
    expect(code(() => s.move("chat.a", "webhook.b"))).toBe("STATE_CONFLICT");
    expect(
      code(() => replayJournal({ snapshot: snap(1), journal: [entry(3)], notes: [] }, "s")),
    ).toBe("STATE_UNREADABLE");
    expect(new StateError("STATE_LOCKED", "m").name).toBe("StateError");
    expect(new StateConflictError("s", 1, 2).name).toBe("StateConflictError");
  });
});
