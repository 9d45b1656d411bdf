/**
 * The PostgreSQL state backend against a real server (SPEC §6a): snapshots and one row per
 * journaled change, compare-and-swap on the serial, the advisory lock, every serial readable,
 * and one clear error — never the password — for each way the database can fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import {
  PostgresStateBackend,
  parsePostgresUrl,
} from "../../src/sync-engine/state/backends/postgres.js";
import { StateConflictError, StateError } from "../../src/sync-engine/state/state-backend.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";

let db: TestDatabase;
const opened: PostgresStateBackend[] = [];
const backend = (name: string, withPassword = true) => {
  const b = PostgresStateBackend.fromUrl(db.stateUrl(name, withPassword));
  opened.push(b);
  return b;
};

beforeAll(async () => {
  db = await createTestDatabase("backend");
});
afterAll(async () => {
  await Promise.all(opened.map((b) => b.close()));
  await db.drop();
});

async function errorOf(p: Promise<unknown>): Promise<StateError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected a StateError").toBeInstanceOf(StateError);
  return err as StateError;
}

describe("PostgreSQL state backend", () => {
  it("a name that was never written reads as no state; the first commit stores a snapshot and version 1", async () => {
    const b = backend("fresh");
    expect(await b.read()).toBeUndefined();
    const store = await StateStore.open(b);
    expect(store.isNew).toBe(true);
    store.chat("chat.a").id = "c-1";
    await store.commit("chat.a");
    const again = await StateStore.open(backend("fresh"));
    expect(again.lineage).toBe(store.lineage);
    expect(again.serial).toBe(1);
    expect(again.resource("chat.a")).toMatchObject({ id: "c-1" });
    expect(await b.versions()).toEqual([{ serial: 1, updated_at: expect.any(String) }]);
  });

  it("each commit is one journal row; the snapshot is rewritten only by compaction", async () => {
    const b = backend("journal");
    const store = await StateStore.open(b);
    store.chat("chat.first").id = "c-0";
    await store.commit("chat.first");
    for (let i = 1; i <= 5; i++) {
      store.chat(`chat.c${i}`).id = `c-${i}`;
      await store.commit(`chat.c${i}`);
    }
    const [row] = await db.query<{ serial: string; snapshot_serial: string }>(
      "SELECT serial, snapshot_serial FROM chatsync_states WHERE name = 'journal'",
    );
    expect(row).toEqual({ serial: "6", snapshot_serial: "1" });
    const journal = await db.query<{ serial: string; entry: { resources: object } }>(
      "SELECT serial, entry FROM chatsync_state_journal WHERE name = 'journal' ORDER BY serial",
    );
    expect(journal.map((j) => Number(j.serial))).toEqual([2, 3, 4, 5, 6]);
    // An entry carries only the address it changed.
    expect(Object.keys(journal[4]!.entry.resources)).toEqual(["chat.c5"]);
    const reread = await StateStore.open(backend("journal"));
    expect(Object.keys(reread.doc.resources).sort()).toEqual(
      ["chat.c1", "chat.c2", "chat.c3", "chat.c4", "chat.c5", "chat.first"].sort(),
    );
    await store.compact();
    const [after] = await db.query<{ snapshot_serial: string }>(
      "SELECT snapshot_serial FROM chatsync_states WHERE name = 'journal'",
    );
    expect(after!.snapshot_serial).toBe("6");
  });

  it("every serial can be read back (snapshot plus the journal up to it)", async () => {
    const b = backend("journal");
    expect((await b.versions()).map((v) => v.serial)).toEqual([6, 5, 4, 3, 2, 1]);
    const v3 = await b.readVersion(3);
    expect(v3.serial).toBe(3);
    expect(Object.keys(v3.resources).sort()).toEqual(["chat.c1", "chat.c2", "chat.first"]);
    const err = await errorOf(b.readVersion(99));
    expect(err.code).toBe("STATE_NOT_FOUND");
  });

  it("a write from a stale copy is refused by the serial compare-and-swap, even without the lock", async () => {
    const a = await StateStore.open(backend("cas"));
    a.chat("chat.x").id = "x";
    await a.commit("chat.x");
    const one = await StateStore.open(backend("cas"));
    const two = await StateStore.open(backend("cas"));
    one.chat("chat.one").id = "1";
    await one.commit("chat.one");
    two.chat("chat.two").id = "2";
    const err = await errorOf(two.commit("chat.two"));
    expect(err).toBeInstanceOf(StateConflictError);
    expect(err.message).toContain("expected serial 1, found 2");
    const now = await StateStore.open(backend("cas"));
    expect(now.resource("chat.two")).toBeUndefined();
    expect(now.resource("chat.one")).toMatchObject({ id: "1" });
    // A second "first write" of the same name is refused too.
    const late = await StateStore.open(backend("cas-new"));
    const early = await StateStore.open(backend("cas-new"));
    early.chat("chat.e").id = "e";
    await early.commit("chat.e");
    late.chat("chat.l").id = "l";
    expect((await errorOf(late.commit("chat.l"))).code).toBe("STATE_CONFLICT");
  });

  it("the advisory lock: a second holder fails fast naming the first, waits with a timeout, and is freed when the holder's connection dies", async () => {
    const first = backend("locked");
    const held = await first.lock({ operation: "chatsync apply" });
    const second = backend("locked");
    const refused = await errorOf(second.lock({ operation: "chatsync plan" }));
    expect(refused.code).toBe("STATE_LOCKED");
    expect(refused.message).toContain('"chatsync apply"');
    expect(refused.message).toContain(`pid ${process.pid}`);
    expect(refused.message).not.toContain(db.password);
    // Another state name is not affected.
    await (await backend("other-name").lock({ operation: "x" })).release();

    const waiting = second.lock({ operation: "chatsync plan", timeoutMs: 10_000 });
    setTimeout(() => void held.release(), 300);
    const got = await waiting;
    await got.release();

    // A runner that dies: its connection closes and the lock with it.
    const dying = backend("locked");
    await dying.lock({ operation: "chatsync apply" });
    await dying.close();
    const third = backend("locked");
    await (await third.lock({ operation: "chatsync apply" })).release();
  });

  it("a state of a future version is refused with its version, and nothing is written", async () => {
    await db.query(
      `INSERT INTO chatsync_states (name, lineage, serial, snapshot_serial) VALUES ('future', 'L', 1, 1)`,
    );
    await db.query(
      `INSERT INTO chatsync_state_versions (name, serial, snapshot)
       VALUES ('future', 1, '{"format":"chatsync-state","version":9,"lineage":"L","serial":1,"resources":{}}')`,
    );
    const err = await errorOf(StateStore.open(backend("future")));
    expect(err.code).toBe("STATE_UNSUPPORTED_VERSION");
    expect(err.message).toContain("version 9");
  });

  it("bad names and URLs are refused before connecting", () => {
    expect(() => parsePostgresUrl(db.stateUrl("a b"))).toThrow(/may hold only letters/);
    expect(() => parsePostgresUrl(db.stateUrl("x;drop"))).toThrow(/may hold only letters/);
    expect(() => parsePostgresUrl("postgres://u@127.0.0.1:5432/?name=x")).toThrow(
      /names no database/,
    );
    const t = parsePostgresUrl("postgres://u:S3cret@127.0.0.1:5432/db?name=team-a&sslmode=disable");
    expect(t.location).toBe("postgres://u@127.0.0.1:5432/db?sslmode=disable&name=team-a");
    expect(t.connectionString).not.toContain("name=");
    expect(t.name).toBe("team-a");
  });

  it("unreachable server, wrong password and missing database: one message each, never the password", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const refused = await errorOf(
      PostgresStateBackend.fromUrl(`postgres://u:pw-Zq9@127.0.0.1:${port}/db?name=x`).read(),
    );
    expect(refused.message).toMatch(/nothing accepts PostgreSQL connections at 127\.0\.0\.1:\d+/);
    expect(refused.message).not.toContain("pw-Zq9");

    const wrong = db.stateUrl("x", true).replace(encodeURIComponent(db.password), "Wr0ngPassw0rd");
    const denied = await errorOf(PostgresStateBackend.fromUrl(wrong).read());
    expect(denied.message).toMatch(/refused user/);
    expect(denied.message).not.toContain("Wr0ngPassw0rd");

    const missing = db.stateUrl("x", true).replace(`/${db.name}?`, "/no_such_db?");
    const nodb = await errorOf(PostgresStateBackend.fromUrl(missing).read());
    expect(nodb.message).toContain('database "no_such_db" does not exist');
    expect(nodb.message).not.toContain(db.password);
  });

  it("a database dropped mid-run fails the next write with a clear message; nothing half-written", async () => {
    const scratch = await createTestDatabase("dropped");
    const b = PostgresStateBackend.fromUrl(scratch.stateUrl("s", true));
    try {
      const store = await StateStore.open(b);
      store.chat("chat.a").id = "a";
      await store.commit("chat.a");
      await scratch.drop();
      store.chat("chat.b").id = "b";
      const err = await errorOf(store.commit("chat.b"));
      expect(err.code).toBe("STATE_BACKEND_UNAVAILABLE");
      expect(err.message).toMatch(/PostgreSQL/);
      expect(err.message).not.toContain(scratch.password);
      expect(store.serial).toBe(1);
    } finally {
      await b.close();
    }
  });
});
