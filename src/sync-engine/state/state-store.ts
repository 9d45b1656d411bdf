/**
 * The state of one run, in memory, bound to a backend. The engine mutates it through the
 * accessors and then commits the addresses it changed: each commit is one journal entry
 * holding just those resources, so recording a change costs the same at 10 or 10,000 managed
 * objects (SPEC §6a). `compact()` folds the journal into a snapshot at the end of a run.
 * Concurrent commits from parallel apply steps are grouped: a commit that arrives while a
 * write is in flight waits for the next write, which carries every change made so far.
 */
import { randomUUID } from "node:crypto";
import {
  StateError,
  type StateBackend,
  type StateJournalEntry,
  type StoredState,
} from "./state-backend.js";
import { StateSchemaError, validateStateDocument } from "./state-schema.js";
import {
  STATE_FORMAT,
  STATE_VERSION,
  managedChatIds,
  type ChatResourceState,
  type ContactCardResourceState,
  type ResourceState,
  type StateAccount,
  type StateDocument,
  type WebhookResourceState,
} from "./state-types.js";

export function newStateDocument(now: Date = new Date()): StateDocument {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    lineage: randomUUID(),
    serial: 0,
    updated_at: now.toISOString(),
    resources: {},
  };
}

/** Folds journal entries into their snapshot (a copy); entries must follow each other. */
export function replayJournal(stored: StoredState, location: string): StateDocument {
  const doc = structuredClone(stored.snapshot);
  for (const e of stored.journal) {
    if (e.serial !== doc.serial + 1) {
      throw new StateError(
        "STATE_UNREADABLE",
        `The state journal of ${location} jumps from serial ${doc.serial} to ${e.serial}; entries are missing. Restore the state from a backup (or \`chatsync state pull --serial N\` on PostgreSQL).`,
      );
    }
    for (const [address, r] of Object.entries(e.resources)) {
      if (r === null) delete doc.resources[address];
      else doc.resources[address] = r;
    }
    if (e.generations) doc.generations = e.generations;
    if (e.account) doc.account = e.account;
    doc.serial = e.serial;
    doc.updated_at = e.updated_at;
  }
  return doc;
}

export class StateStore {
  /** Serial of what the backend holds (0: nothing stored yet). */
  private storedSerial: number;
  /** Journal entries written since the last snapshot. */
  private journalLength: number;
  private readonly pendingAddresses = new Set<string>();
  /** What each address looked like when last journaled: an unchanged address is not written again. */
  private readonly journaled = new Map<string, string>();
  private metaChanged = false;
  private writing: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  private constructor(
    readonly backend: StateBackend,
    readonly doc: StateDocument,
    stored: StoredState | undefined,
    /** Said once by the backend while reading (a torn journal line ignored, …). */
    readonly notes: string[],
  ) {
    this.storedSerial = stored ? doc.serial : 0;
    this.journalLength = stored?.journal.length ?? 0;
  }

  static async open(backend: StateBackend): Promise<StateStore> {
    const stored = await backend.read();
    if (!stored) return new StateStore(backend, newStateDocument(), undefined, []);
    const doc = replayJournal(stored, backend.location);
    // The whole document, journal included, against the state schema: a damaged or hand-edited
    // state is a clear error naming the field, never a TypeError later.
    try {
      validateStateDocument(doc, backend.location);
    } catch (err) {
      if (err instanceof StateSchemaError)
        throw new StateError("STATE_UNREADABLE", err.message, { cause: err });
      throw err;
    }
    return new StateStore(backend, doc, stored, stored.notes);
  }

  /** A path or a URL without password, for messages. */
  get location(): string {
    return this.backend.location;
  }

  get lineage(): string {
    return this.doc.lineage;
  }

  get serial(): number {
    return this.doc.serial;
  }

  /** True until the first write: nothing is stored at this location yet. */
  get isNew(): boolean {
    return this.storedSerial === 0;
  }

  resource(address: string): ResourceState | undefined {
    return this.doc.resources[address];
  }

  /** Every live chat id this state manages; see managedChatIds. */
  managedChatIds(): Set<string> {
    return managedChatIds(this.doc);
  }

  chat(address: string): ChatResourceState {
    const r = this.doc.resources[address];
    if (r?.kind === "chat") return r;
    const fresh: ChatResourceState = { kind: "chat", generation: 0, intents: [], markers: {} };
    this.doc.resources[address] = fresh;
    return fresh;
  }

  webhook(address: string): WebhookResourceState {
    const r = this.doc.resources[address];
    if (r?.kind === "webhook") return r;
    const fresh: WebhookResourceState = { kind: "webhook" };
    this.doc.resources[address] = fresh;
    return fresh;
  }

  contactCard(address: string): ContactCardResourceState {
    const r = this.doc.resources[address];
    if (r?.kind === "contact_card") return r;
    const fresh: ContactCardResourceState = { kind: "contact_card" };
    this.doc.resources[address] = fresh;
    return fresh;
  }

  /** Forgets an address; a chat's generation is kept (see StateDocument.generations). Commit it. */
  remove(address: string): void {
    const r = this.doc.resources[address];
    if (r?.kind === "chat" && r.generation > 0) {
      const used = this.doc.generations?.[address] ?? 0;
      this.doc.generations = { ...this.doc.generations, [address]: Math.max(used, r.generation) };
      this.metaChanged = true;
    }
    delete this.doc.resources[address];
  }

  /**
   * Re-keys `from` as `to` (moved blocks, `state mv`); the caller commits both addresses. The
   * generation counter moves along, so `to` continues from `from`'s idempotency keys and a
   * later `from` starts above them.
   */
  move(from: string, to: string): void {
    const r = this.doc.resources[from];
    if (!r)
      throw new StateError("STATE_NOT_FOUND", `${from} is not in the state at ${this.location}`);
    if (this.doc.resources[to])
      throw new StateError(
        "STATE_CONFLICT",
        `${to} is already in the state at ${this.location}; remove it first (chatsync state rm ${to})`,
      );
    if (from.split(".")[0] !== to.split(".")[0])
      throw new StateError(
        "STATE_CONFLICT",
        `cannot move ${from} to ${to}: a move keeps the kind of object`,
      );
    this.doc.resources[to] = r;
    delete this.doc.resources[from];
    if (r.kind === "chat") {
      const used = this.doc.generations?.[from] ?? 0;
      this.doc.generations = { ...this.doc.generations, [from]: Math.max(used, r.generation) };
      this.metaChanged = true;
    }
  }

  /** Records whose account this is (SPEC §6a); written with the next commit. */
  setAccount(account: StateAccount): void {
    this.doc.account = account;
    this.metaChanged = true;
  }

  /**
   * Makes the current state of `addresses` durable. Resolves once a write that includes every
   * change made before the call is stored. The first write of a new state stores a snapshot.
   */
  commit(addresses: string | readonly string[]): Promise<void> {
    for (const a of typeof addresses === "string" ? [addresses] : addresses)
      this.pendingAddresses.add(a);
    if (!this.writing) {
      this.writing = this.flush().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    // A write is in flight and may have serialized before this change: queue one more write.
    this.next ??= this.writing.then(() => {
      this.next = undefined;
      return this.commit([]);
    });
    return this.next;
  }

  /** Folds the journal into a snapshot (end of a run, after load). No-op when there is none. */
  async compact(): Promise<void> {
    await this.writing;
    await this.next;
    if (this.pendingAddresses.size > 0 || this.metaChanged) await this.commit([]);
    if (this.journalLength === 0) return;
    await this.backend.persist(this.doc, this.storedSerial);
    this.journalLength = 0;
  }

  /**
   * Replaces the whole document (state push, state rm/mv with their own serial rules); the
   * stored serial must still be `expectedSerial`.
   */
  async replaceWith(doc: StateDocument): Promise<void> {
    await this.backend.persist(doc, this.storedSerial);
    Object.assign(this.doc, doc);
    for (const k of Object.keys(this.doc) as (keyof StateDocument)[])
      if (!(k in doc)) delete this.doc[k];
    this.storedSerial = doc.serial;
    this.journalLength = 0;
    this.journaled.clear();
  }

  private async flush(): Promise<void> {
    const addresses = [...this.pendingAddresses];
    const meta = this.metaChanged;
    if (addresses.length === 0 && !meta) return;
    this.pendingAddresses.clear();
    this.metaChanged = false;
    const serial = this.doc.serial + 1;
    const updated_at = new Date().toISOString();
    try {
      if (this.storedSerial === 0) {
        await this.backend.persist({ ...this.doc, serial, updated_at }, 0);
      } else {
        const entry: StateJournalEntry = {
          lineage: this.doc.lineage,
          serial,
          updated_at,
          resources: {},
        };
        const texts = new Map<string, string>();
        for (const a of addresses) {
          const text = JSON.stringify(this.doc.resources[a] ?? null);
          if (this.journaled.get(a) === text) continue;
          texts.set(a, text);
          entry.resources[a] = this.doc.resources[a] ?? null;
        }
        if (texts.size === 0 && !meta) return; // nothing changed since it was last stored
        if (meta) {
          entry.generations = this.doc.generations ?? {};
          if (this.doc.account) entry.account = this.doc.account;
        }
        await this.backend.append(entry);
        this.journalLength += 1;
        for (const [a, text] of texts) this.journaled.set(a, text);
      }
    } catch (err) {
      // Not stored: the next commit must carry these changes again.
      for (const a of addresses) this.pendingAddresses.add(a);
      this.metaChanged ||= meta;
      throw err;
    }
    this.doc.serial = serial;
    this.doc.updated_at = updated_at;
    this.storedSerial = serial;
  }
}
