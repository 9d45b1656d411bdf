/**
 * Behaviours of the state store, the state's read checks, canonical JSON, manifests and account
 * binding that the other suites leave unpinned: how a damaged or foreign state is refused, what
 * each journal entry carries, how concurrent, failed and late commits reach the backend, and
 * a few edge inputs of the pure helpers. Temporary folders only; no network, no subprocess.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateError, type StateJournalEntry } from "../../src/sync-engine/state/state-backend.js";
import {
  FileStateBackend,
  journalPathFor,
  readStateFile,
} from "../../src/sync-engine/state/backends/file.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";
import { StateSchemaError } from "../../src/sync-engine/state/state-schema.js";
import type { StateAccount, StateDocument } from "../../src/sync-engine/state/state-types.js";
import { CanonicalJsonError, canonicalJson } from "../../src/sync-engine/model/canonical.js";
import { ManifestError, desiredStateFromManifest } from "../../src/sync-engine/model/manifest.js";
import { endpointKind } from "../../src/sync-engine/state/account-binding.js";

let dir: string;
let path: string;
const backends: FileStateBackend[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-gaps-"));
  path = join(dir, "state.json");
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  await rm(dir, { recursive: true, force: true });
});

const ACCOUNT: StateAccount = {
  endpoint: "https://api.example.test",
  lines: ["+12025550100"],
  recorded_at: "2026-01-01T00:00:00.000Z",
};

/** A file backend that remembers every journal entry and can refuse the next append. */
function recordingBackend() {
  const backend = new FileStateBackend(path);
  backends.push(backend);
  const appended: StateJournalEntry[] = [];
  let failNext = false;
  const append = backend.append.bind(backend);
  backend.append = async (entry) => {
    if (failNext) {
      failNext = false;
      throw new StateError("STATE_WRITE_FAILED", "disk full (test)");
    }
    appended.push(structuredClone(entry));
    return append(entry);
  };
  return {
    backend,
    appended,
    failNextAppend: () => {
      failNext = true;
    },
  };
}

async function open(backend = recordingBackend().backend): Promise<StateStore> {
  return StateStore.open(backend);
}

/** A state already stored as a snapshot (no journal), so later commits are journaled. */
async function storedState(setup?: (store: StateStore) => void): Promise<void> {
  const store = await open();
  store.chat("chat.seed").id = "seed";
  setup?.(store);
  await store.commit("chat.seed");
}

async function writeRawState(doc: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(doc));
}

const VALID = {
  format: "chatsync-state",
  version: 1,
  lineage: "5d1c7a3e-0000-4000-8000-000000000000",
  serial: 3,
  updated_at: "2026-01-01T00:00:00.000Z",
  resources: {},
};

async function openError(): Promise<unknown> {
  return open().then(
    () => new Error("the state was accepted"),
    (e: unknown) => e,
  );
}

describe("reading a stored state", () => {
  it("a damaged state is refused as a StateError naming the field, with the schema problem as its cause", async () => {
    await writeRawState({
      ...VALID,
      resources: { "chat.a1": { kind: "chat", generation: 0, intents: [] } },
    });
    const err = await openError();
    expect(err).toBeInstanceOf(StateError);
    expect(err).toMatchObject({ code: "STATE_UNREADABLE" });
    expect((err as Error).message).toContain(
      `State ${path} is damaged: resources["chat.a1"] lacks the field "markers".`,
    );
    const cause = (err as Error).cause;
    expect(cause).toBeInstanceOf(StateSchemaError);
    expect(cause).toMatchObject({ field: 'resources["chat.a1"]' });
  });

  it("a damaged state quotes an address that starts with a digit", async () => {
    await writeRawState({ ...VALID, resources: { "7up": { kind: "chat" } } });
    expect((await openError()) as Error).toMatchObject({
      message: expect.stringContaining('resources["7up"] lacks the field') as unknown,
    });
  });

  it("a damaged state names its deepest problem even when a top-level field is wrong too", async () => {
    await writeRawState({
      ...VALID,
      lineage: "",
      resources: { "chat.a": { kind: "chat", generation: 0, intents: [] } },
    });
    expect(((await openError()) as Error).message).toContain(
      'resources["chat.a"] lacks the field "markers"',
    );
  });

  it("a file without the chatsync format marker is refused as unreadable", async () => {
    const rest: Record<string, unknown> = { ...VALID };
    delete rest.format;
    await writeRawState(rest);
    const err = await openError();
    expect(err).toBeInstanceOf(StateError);
    expect(err).toMatchObject({ code: "STATE_UNREADABLE" });
    expect((err as Error).message).toContain("is not a chatsync state");
  });

  it("a state without a lineage is refused as unreadable", async () => {
    const rest: Record<string, unknown> = { ...VALID };
    delete rest.lineage;
    await writeRawState(rest);
    const err = await openError();
    expect(err).toMatchObject({ code: "STATE_UNREADABLE" });
    expect((err as Error).message).toContain("missing lineage, serial or resources");
  });

  it("opening a location where nothing is stored has nothing to tell the user", async () => {
    const store = await open();
    expect(store.isNew).toBe(true);
    expect(store.notes).toEqual([]);
  });
});

describe("forgetting and moving addresses", () => {
  it("forgetting an unknown address, a webhook or a never-created chat records no generation", async () => {
    const store = await open();
    expect(() => store.remove("chat.nowhere")).not.toThrow();
    store.webhook("webhook.w").id = "w1";
    store.remove("webhook.w");
    store.chat("chat.fresh");
    store.remove("chat.fresh");
    expect(store.doc.generations).toBeUndefined();
  });

  it("moving a chat journals the generation its old address reached", async () => {
    await storedState((s) => {
      s.chat("chat.a").generation = 2;
    });
    const store = await open();
    store.move("chat.a", "chat.b");
    await store.commit(["chat.a", "chat.b"]);
    const back = await readStateFile(path);
    expect(back.generations).toEqual({ "chat.a": 2 });
    expect(back.resources["chat.b"]).toMatchObject({ generation: 2 });
  });
});

describe("what each commit journals", () => {
  it("an entry that only changes resources carries no generations or account", async () => {
    await storedState((s) => s.setAccount(ACCOUNT));
    const rec = recordingBackend();
    const store = await open(rec.backend);
    store.chat("chat.b").id = "b";
    await store.commit("chat.b");
    expect(rec.appended).toHaveLength(1);
    expect(Object.keys(rec.appended[0]!).sort()).toEqual([
      "lineage",
      "resources",
      "serial",
      "updated_at",
    ]);
  });

  it("commits made while a write is in flight are stored by the time they resolve, in consecutive entries", async () => {
    await storedState();
    const rec = recordingBackend();
    const store = await open(rec.backend);
    store.chat("chat.a").id = "a";
    const first = store.commit("chat.a");
    store.chat("chat.b").id = "b";
    const second = store.commit("chat.b");
    store.chat("chat.c").id = "c";
    const third = store.commit("chat.c");
    await Promise.all([first, second, third]);
    const back = await readStateFile(path);
    expect(Object.keys(back.resources).sort()).toEqual(["chat.a", "chat.b", "chat.c", "chat.seed"]);
    expect(rec.appended.map((e) => [e.serial, Object.keys(e.resources)])).toEqual([
      [2, ["chat.a"]],
      [3, ["chat.b", "chat.c"]],
    ]);
    expect(back.serial).toBe(3);
  });

  it("a commit whose write failed carries its account change on the next commit", async () => {
    await storedState();
    const rec = recordingBackend();
    const store = await open(rec.backend);
    store.setAccount(ACCOUNT);
    rec.failNextAppend();
    await expect(store.commit([])).rejects.toMatchObject({ code: "STATE_WRITE_FAILED" });
    await store.commit([]);
    expect((await readStateFile(path)).account).toEqual(ACCOUNT);
  });
});

describe("compacting at the end of a run", () => {
  it("stores an account recorded without a commit", async () => {
    await storedState();
    const store = await open();
    store.setAccount(ACCOUNT);
    await store.compact();
    expect((await readStateFile(path)).account).toEqual(ACCOUNT);
  });

  it("stores a change whose commit failed, journaling only that address", async () => {
    await storedState();
    const rec = recordingBackend();
    const store = await open(rec.backend);
    store.chat("chat.a").id = "c1";
    rec.failNextAppend();
    await expect(store.commit("chat.a")).rejects.toThrow("disk full");
    await store.compact();
    expect((await readStateFile(path)).resources["chat.a"]).toMatchObject({ id: "c1" });
    expect(rec.appended.map((e) => Object.keys(e.resources))).toEqual([["chat.a"]]);
  });

  it("folds a journal that was already there when the state was opened", async () => {
    // Leave one journal entry behind, as a run that ended before compacting does.
    const earlier = await open();
    earlier.chat("chat.a").id = "a";
    await earlier.commit("chat.a");
    earlier.chat("chat.b").id = "b";
    await earlier.commit("chat.b");
    await expect(stat(journalPathFor(path))).resolves.toBeDefined();

    const store = await open();
    store.chat("chat.c").id = "c";
    await store.commit("chat.c");
    await store.compact();
    await expect(stat(journalPathFor(path))).rejects.toThrow();
    expect(Object.keys((await readStateFile(path)).resources).sort()).toEqual([
      "chat.a",
      "chat.b",
      "chat.c",
    ]);
  });
});

describe("replacing the whole document", () => {
  it("drops fields the new document does not have", async () => {
    await storedState((s) => s.setAccount(ACCOUNT));
    const store = await open();
    expect(store.doc.account).toEqual(ACCOUNT);
    const next: StateDocument = { ...store.doc, serial: store.serial + 1 };
    delete next.account;
    await store.replaceWith(next);
    expect(store.doc.account).toBeUndefined();
    expect("account" in store.doc).toBe(false);
    expect((await readStateFile(path)).account).toBeUndefined();
  });
});

describe("canonical JSON", () => {
  it("an object whose prototype has no constructor is refused as an instance of a class", () => {
    const odd: unknown = Object.create(Object.create(null) as object);
    const err = (() => {
      try {
        canonicalJson({ a: odd });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CanonicalJsonError);
    expect((err as Error).message).toBe(
      "canonicalJson: an instance of a class at /a is not plain data",
    );
  });

  it("undefined at the top level is refused at the empty path", () => {
    expect(() => canonicalJson(undefined)).toThrow(CanonicalJsonError);
    try {
      canonicalJson(undefined);
    } catch (e) {
      expect((e as CanonicalJsonError).path).toBe("");
    }
  });
});

describe("manifests", () => {
  const refusal = (parsed: unknown): ManifestError => {
    try {
      desiredStateFromManifest(parsed, "app.json");
    } catch (e) {
      if (e instanceof ManifestError) return e;
      throw e;
    }
    throw new Error("the manifest was accepted");
  };

  it("a manifest of a newer manifest_version is refused as malformed", () => {
    const err = refusal({ manifest_version: 2, desired: { version: 1 } });
    expect(err.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
    expect(err.message).toContain("manifest_version 2 is not supported");
  });

  it("a manifest that breaks a configuration rule is refused as invalid", () => {
    const chats = {
      eng: {
        key: "eng",
        type: "group",
        from: "+12025550100",
        participants: ["+14155550101"],
        welcome_message: "Welcome!",
      },
    };
    const err = refusal({ manifest_version: 1, desired: { version: 1, chats } });
    expect(err.code).toBe("CHATSYNC_MANIFEST_INVALID");
  });
});

describe("endpoint kinds", () => {
  it("a host that merely ends in a loopback address is remote", () => {
    expect(endpointKind("linq://api127.0.0.1")).toBe("remote");
    expect(endpointKind("linq://127.0.0.1")).toBe("loopback");
  });
});
