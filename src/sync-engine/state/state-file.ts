/**
 * Reading and writing the state file. Writes are atomic (write-file-atomic: temp file, fsync,
 * rename), so a crash leaves either the old or the new state, never half of one. Concurrent
 * commits from parallel apply steps are grouped: a commit that arrives while a write is in
 * flight waits for the next write, which carries every change made so far.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import {
  STATE_FORMAT,
  STATE_VERSION,
  managedChatIds,
  type ChatResourceState,
  type ContactCardResourceState,
  type ResourceState,
  type StateDocument,
  type WebhookResourceState,
} from "./state-types.js";

export class StateFileError extends Error {
  constructor(
    readonly code: "STATE_UNREADABLE" | "STATE_UNSUPPORTED_VERSION" | "STATE_WRITE_FAILED",
    message: string,
  ) {
    super(message);
    this.name = "StateFileError";
  }
}

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

/** Reads the state at `path`; a missing file is a fresh state (serial 0, new lineage) that is not written until something changes. */
export async function readStateFile(path: string): Promise<StateDocument> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return newStateDocument();
    throw new StateFileError(
      "STATE_UNREADABLE",
      `Cannot read state file ${path}: ${(err as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(
      "STATE_UNREADABLE",
      `State file ${path} is not valid JSON (${(err as Error).message}). Restore it from backup or version control; deleting it makes chatsync forget every managed chat.`,
    );
  }
  return checkStateDocument(doc, path);
}

function checkStateDocument(doc: unknown, path: string): StateDocument {
  const d = doc as Partial<StateDocument> | null;
  if (!d || typeof d !== "object" || d.format !== STATE_FORMAT) {
    throw new StateFileError(
      "STATE_UNREADABLE",
      `${path} is not a chatsync state file (missing "format": "${STATE_FORMAT}").`,
    );
  }
  if (d.version !== STATE_VERSION) {
    throw new StateFileError(
      "STATE_UNSUPPORTED_VERSION",
      `State file ${path} has version ${String(d.version)}; this chatsync reads version ${STATE_VERSION}. Use the chatsync release that wrote it.`,
    );
  }
  if (
    typeof d.lineage !== "string" ||
    typeof d.serial !== "number" ||
    typeof d.resources !== "object" ||
    d.resources === null
  ) {
    throw new StateFileError(
      "STATE_UNREADABLE",
      `State file ${path} is missing lineage, serial or resources.`,
    );
  }
  return d as StateDocument;
}

/**
 * The in-memory state of one plan/apply run, bound to its file. Mutate through the accessors,
 * then `commit()`; every commit bumps `serial` and rewrites the file atomically.
 */
export class StateStore {
  private writing: Promise<void> | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    readonly path: string,
    readonly doc: StateDocument,
  ) {}

  static async open(path: string): Promise<StateStore> {
    return new StateStore(path, await readStateFile(path));
  }

  get lineage(): string {
    return this.doc.lineage;
  }

  get serial(): number {
    return this.doc.serial;
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

  /** Forgets an address; a chat's generation is kept (see StateDocument.generations). */
  remove(address: string): void {
    const r = this.doc.resources[address];
    if (r?.kind === "chat" && r.generation > 0) {
      const used = this.doc.generations?.[address] ?? 0;
      this.doc.generations = { ...this.doc.generations, [address]: Math.max(used, r.generation) };
    }
    delete this.doc.resources[address];
  }

  /** Writes the current in-memory state. Resolves once a write that includes every change made before the call is durable. */
  commit(): Promise<void> {
    if (!this.writing) {
      this.writing = this.writeNow().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    // A write is in flight and may have serialized before our change: queue one more write that covers it.
    if (!this.pending) {
      this.pending = this.writing.then(() => {
        this.pending = undefined;
        return this.commit();
      });
    }
    return this.pending;
  }

  private async writeNow(): Promise<void> {
    this.doc.serial += 1;
    this.doc.updated_at = new Date().toISOString();
    const text = `${JSON.stringify(this.doc, null, 2)}\n`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFileAtomic(this.path, text, { mode: 0o600 });
    } catch (err) {
      throw new StateFileError(
        "STATE_WRITE_FAILED",
        `Cannot write state file ${this.path}: ${(err as Error).message}`,
      );
    }
  }
}
