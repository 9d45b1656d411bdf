/**
 * The file backend's journal (SPEC §6a): a change is one appended line whose size does not
 * depend on the number of managed objects; a crash at any byte leaves a readable state.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileStateBackend,
  journalPathFor,
  readStateFile,
} from "../../src/sync-engine/state/backends/file.js";
import { StateError } from "../../src/sync-engine/state/state-backend.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-file-state-"));
  path = join(dir, "state.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWith(chats: number): Promise<StateStore> {
  const store = await StateStore.open(new FileStateBackend(path));
  for (let i = 0; i < chats; i++) {
    const c = store.chat(`chat.c${String(i).padStart(5, "0")}`);
    c.id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    c.from = "+12025550100";
  }
  await store.commit(Object.keys(store.doc.resources));
  return store;
}

const size = async (p: string) => (await stat(p).catch(() => ({ size: 0 }))).size;

describe("file state journal", () => {
  it("bytes written per journaled change are the same at 100 and at 2,000 managed chats", async () => {
    const perChange = async (managed: number) => {
      await rm(path, { force: true });
      await rm(journalPathFor(path), { force: true });
      const store = await storeWith(managed);
      const snapshotBefore = await stat(path);
      const journalBefore = await size(journalPathFor(path));
      // The same change at both sizes: one chat gets a journaled intent.
      const c = store.chat("chat.c00042");
      c.intents.push({
        purpose: "add_participant",
        generation: 1,
        detail: "+14155550100",
        started_at: "2026-01-01T00:00:00.000Z",
      });
      await store.commit("chat.c00042");
      const snapshotAfter = await stat(path);
      // The snapshot is not rewritten by a journaled change.
      expect(snapshotAfter.mtimeMs).toBe(snapshotBefore.mtimeMs);
      expect(snapshotAfter.size).toBe(snapshotBefore.size);
      return (await size(journalPathFor(path))) - journalBefore;
    };
    const small = await perChange(100);
    const large = await perChange(2_000);
    expect(small).toBeGreaterThan(0);
    // Only the timestamp's and serial's digits may differ.
    expect(Math.abs(large - small)).toBeLessThanOrEqual(4);
  });

  it("a commit of an address that did not change since it was last journaled writes nothing", async () => {
    const store = await storeWith(3);
    store.chat("chat.c00001").generation = 4;
    await store.commit("chat.c00001");
    const bytes = await size(journalPathFor(path));
    const serial = store.serial;
    await store.commit("chat.c00001");
    expect(await size(journalPathFor(path))).toBe(bytes);
    expect(store.serial).toBe(serial);
    store.chat("chat.c00002").generation = 2;
    await store.commit("chat.c00002");
    store.chat("chat.c00001").generation = 5;
    await store.commit(["chat.c00001", "chat.c00002"]);
    const lines = (await readFile(journalPathFor(path), "utf8")).trim().split("\n");
    // Only the changed address is in the entry.
    expect(Object.keys(JSON.parse(lines.at(-1)!).resources)).toEqual(["chat.c00001"]);
  });

  it("a torn last line (a crash mid-append) is ignored, said once, and cut off by the next append", async () => {
    const store = await storeWith(2);
    store.chat("chat.c00000").generation = 7;
    await store.commit("chat.c00000");
    await appendFile(journalPathFor(path), '{"lineage":"' + store.lineage + '","serial":3,"upd');
    const reopened = await StateStore.open(new FileStateBackend(path));
    expect(reopened.serial).toBe(2);
    expect(reopened.resource("chat.c00000")).toMatchObject({ generation: 7 });
    expect(reopened.notes).toEqual([expect.stringContaining("cut off by an interrupted run")]);
    reopened.chat("chat.c00001").generation = 3;
    await reopened.commit("chat.c00001");
    const back = await readStateFile(path);
    expect(back.serial).toBe(3);
    expect(back.resources["chat.c00001"]).toMatchObject({ generation: 3 });
    expect((await readFile(journalPathFor(path), "utf8")).split("\n").filter(Boolean)).toHaveLength(
      2,
    );
  });

  // About 1,500 writes and reads: seconds on a loaded two-core runner, hence the longer timeout.
  it(
    "every prefix of a journal reads without error (crash-safe at every byte)",
    { timeout: 60_000 },
    async () => {
      const store = await storeWith(1);
      for (let i = 0; i < 3; i++) {
        store.chat("chat.c00000").generation = i + 1;
        await store.commit("chat.c00000");
      }
      const full = await readFile(journalPathFor(path));
      const serials = new Set<number>();
      for (let cut = 0; cut <= full.length; cut++) {
        await writeFile(journalPathFor(path), full.subarray(0, cut));
        const doc = await readStateFile(path);
        serials.add(doc.serial);
        expect(doc.resources["chat.c00000"]).toMatchObject({ generation: doc.serial - 1 });
      }
      expect([...serials].sort()).toEqual([1, 2, 3, 4]);
    },
  );

  it("a damaged line inside the journal is an error naming the line; lines of another lineage are skipped", async () => {
    const store = await storeWith(1);
    store.chat("chat.c00000").generation = 2;
    await store.commit("chat.c00000");
    const good = await readFile(journalPathFor(path), "utf8");
    await writeFile(journalPathFor(path), `{"lineage":"other","serial":9,"resources":{}}\n${good}`);
    const withForeign = await StateStore.open(new FileStateBackend(path));
    expect(withForeign.serial).toBe(2);
    expect(withForeign.notes.join()).toContain("another state");
    await writeFile(journalPathFor(path), `garbage\n${good}`);
    const err = await StateStore.open(new FileStateBackend(path)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain(`${journalPathFor(path)}:1 is not a journal entry`);
  });

  it("a crash after the snapshot was written but before the journal was removed changes nothing", async () => {
    const store = await storeWith(1);
    store.chat("chat.c00000").generation = 5;
    await store.commit("chat.c00000");
    const journal = await readFile(journalPathFor(path), "utf8");
    await store.compact();
    await writeFile(journalPathFor(path), journal); // as if unlink never happened
    const doc = await readStateFile(path);
    expect(doc.serial).toBe(2);
    expect(doc.resources["chat.c00000"]).toMatchObject({ generation: 5 });
  });

  it("a journal whose state file is gone is refused, not read as a new state", async () => {
    await storeWith(1).then(async (s) => {
      s.chat("chat.c00000").generation = 1;
      await s.commit("chat.c00000");
    });
    await rm(path);
    const err = await readStateFile(path).catch((e: unknown) => e);
    expect((err as StateError).code).toBe("STATE_UNREADABLE");
    expect((err as Error).message).toContain("exists but");
  });

  it("state that the resources field is not an object of addresses is refused", async () => {
    await writeFile(
      path,
      JSON.stringify({
        format: "chatsync-state",
        version: 1,
        lineage: "l",
        serial: 1,
        resources: [],
      }),
    );
    await expect(readStateFile(path)).rejects.toMatchObject({ code: "STATE_UNREADABLE" });
  });
});
