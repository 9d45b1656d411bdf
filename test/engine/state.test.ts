import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { StateError } from "../../src/sync-engine/state/state-backend.js";
import { FileStateBackend, readStateFile } from "../../src/sync-engine/state/backends/file.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";

const openStore = (path: string) => StateStore.open(new FileStateBackend(path));
import {
  StateLockedError,
  acquireStateLock,
  lockPathFor,
} from "../../src/sync-engine/state/state-lock.js";
import { deriveIdempotencyKey } from "../../src/sync-engine/state/idempotency-key.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-state-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("state file", () => {
  it("starts fresh with a random lineage and serial 0 when the file is missing, without writing it", async () => {
    const path = join(dir, "nested", "state.json");
    const a = await openStore(path);
    const b = await openStore(path);
    expect(a.serial).toBe(0);
    expect(a.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.lineage).not.toBe(b.lineage);
    await expect(stat(path)).rejects.toThrow();
  });

  it("bumps serial on every commit, keeps the lineage, and writes mode 0600 with parent dirs", async () => {
    const path = join(dir, "nested", "state.json");
    const store = await openStore(path);
    store.chat("chat.a").id = "c1";
    await store.commit("chat.a");
    store.chat("chat.a").generation = 1;
    await store.commit("chat.a");
    const back = await readStateFile(path);
    expect(back.serial).toBe(2);
    expect(back.lineage).toBe(store.lineage);
    expect(back.resources["chat.a"]).toMatchObject({ kind: "chat", id: "c1", generation: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("forgetting a chat address keeps its highest generation, so a re-declared address never reuses a key", async () => {
    const store = await openStore(join(dir, "state.json"));
    store.chat("chat.a").generation = 3;
    store.remove("chat.a");
    expect(store.resource("chat.a")).toBeUndefined();
    expect(store.doc.generations).toEqual({ "chat.a": 3 });
    store.chat("chat.a").generation = 1;
    store.remove("chat.a");
    expect(store.doc.generations).toEqual({ "chat.a": 3 });
  });

  it("groups concurrent commits and persists every change", async () => {
    const path = join(dir, "state.json");
    const store = await openStore(path);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        store.chat(`chat.c${i}`).id = `id${i}`;
        return store.commit(`chat.c${i}`);
      }),
    );
    const back = await readStateFile(path);
    expect(Object.keys(back.resources)).toHaveLength(20);
    expect(back.serial).toBeLessThanOrEqual(20);
    expect(back.serial).toBeGreaterThanOrEqual(1);
    // Atomic writes leave no temp files behind; after compaction no journal either.
    await store.compact();
    expect((await readdir(dir)).filter((f) => f !== "state.json")).toEqual([]);
  });

  it("refuses a file that is not a chatsync state, and an unknown version, with a code", async () => {
    const path = join(dir, "state.json");
    await writeFile(path, "{not json");
    await expect(readStateFile(path)).rejects.toMatchObject({ code: "STATE_UNREADABLE" });
    await writeFile(
      path,
      JSON.stringify({
        format: "chatsync-state",
        version: 9,
        lineage: "x",
        serial: 1,
        resources: {},
      }),
    );
    const err = await readStateFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe("STATE_UNSUPPORTED_VERSION");
  });
});

describe("state lock", () => {
  it("a second attempt fails fast naming the holder's pid, command and start time", async () => {
    const statePath = join(dir, "state.json");
    const first = await acquireStateLock(statePath, { command: "chatsync apply" });
    const err = await acquireStateLock(statePath, { command: "chatsync plan" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateLockedError);
    const msg = (err as Error).message;
    expect(msg).toContain(`pid ${process.pid}`);
    expect(msg).toContain("chatsync apply");
    expect(msg).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(msg).toContain("delete the lock file");
    expect(msg).toContain("no heartbeat for 120 s) is taken over automatically");
    expect((err as StateLockedError).code).toBe("STATE_LOCKED");
    await first.release();
    const second = await acquireStateLock(statePath, { command: "chatsync plan" });
    await second.release();
    await expect(stat(lockPathFor(statePath))).rejects.toThrow();
  });

  it("takes over a lock whose holder process is dead", async () => {
    const statePath = join(dir, "state.json");
    const dead = {
      pid: 2 ** 22 + 12345,
      hostname: hostname(),
      command: "chatsync apply",
      started_at: "2026-01-01T00:00:00.000Z",
    };
    await writeFile(lockPathFor(statePath), JSON.stringify(dead));
    const lock = await acquireStateLock(statePath, { command: "chatsync plan" });
    expect(lock.tookOver).toMatchObject({ pid: dead.pid });
    const holder = JSON.parse(await readFile(lockPathFor(statePath), "utf8"));
    expect(holder.pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock from another host only once it is old", async () => {
    const statePath = join(dir, "state.json");
    const other = {
      pid: 1,
      hostname: "other-host",
      command: "chatsync apply",
      started_at: "2026-01-01T00:00:00.000Z",
    };
    await writeFile(lockPathFor(statePath), JSON.stringify(other));
    await expect(
      acquireStateLock(statePath, { command: "chatsync plan", staleAfterMs: 60_000 }),
    ).rejects.toBeInstanceOf(StateLockedError);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(lockPathFor(statePath), old, old);
    const lock = await acquireStateLock(statePath, {
      command: "chatsync plan",
      staleAfterMs: 60_000,
    });
    expect(lock.tookOver?.hostname).toBe("other-host");
    await lock.release();
  });
});

describe("idempotency keys", () => {
  it("are stable for the same inputs and differ by lineage, address, generation and purpose", () => {
    const k = deriveIdempotencyKey("L1", "chat.a", 1, "create_chat");
    expect(k).toMatch(/^cs1-[0-9a-f]{40}$/);
    expect(deriveIdempotencyKey("L1", "chat.a", 1, "create_chat")).toBe(k);
    const others = [
      deriveIdempotencyKey("L2", "chat.a", 1, "create_chat"),
      deriveIdempotencyKey("L1", "chat.b", 1, "create_chat"),
      deriveIdempotencyKey("L1", "chat.a", 2, "create_chat"),
      deriveIdempotencyKey("L1", "chat.a", 1, "share_contact_card"),
    ];
    expect(new Set([k, ...others]).size).toBe(5);
  });
});
