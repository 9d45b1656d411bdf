/**
 * The file backend (default): `state.json` is the snapshot, written atomically
 * (write-file-atomic: temp file, fsync, rename), and `state.json.journal` holds one JSON line
 * per commit since that snapshot, appended and fdatasync'ed before the write it records is
 * sent. A crash at any byte leaves a readable state: a torn last line is ignored (its write
 * was never sent), and a snapshot written before the journal was removed makes the older
 * lines redundant (their serials are not above the snapshot's). The lock is `state.json.lock`
 * (state-lock.ts). Old serials are not kept; the PostgreSQL backend keeps them.
 */
import { mkdir, open, readFile, truncate, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import {
  StateError,
  type HeldLock,
  type LockRequest,
  type StateBackend,
  type StateJournalEntry,
  type StateVersion,
  type StoredState,
} from "../state-backend.js";
import { acquireStateLock } from "../state-lock.js";
import { checkStateDocument } from "../state-document-check.js";
import type { StateDocument } from "../state-types.js";

export function journalPathFor(statePath: string): string {
  return `${statePath}.journal`;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateError("STATE_UNREADABLE", `Cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

interface ParsedJournal {
  entries: StateJournalEntry[];
  notes: string[];
  /** Bytes up to the end of the last whole line; appends start there. */
  validBytes: number;
}

/** Reads the journal's lines: a torn last line is ignored, any other bad line is an error. */
export function parseJournal(text: string, path: string, snapshot: StateDocument): ParsedJournal {
  const entries: StateJournalEntry[] = [];
  const notes: string[] = [];
  let foreign = 0;
  let offset = 0;
  let validBytes = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const last = i === lines.length - 1;
    const lineBytes = Buffer.byteLength(line) + (last ? 0 : 1);
    if (line === "") {
      offset += lineBytes;
      if (!last) validBytes = offset;
      continue;
    }
    let entry: StateJournalEntry | undefined;
    try {
      entry = JSON.parse(line) as StateJournalEntry;
    } catch {
      entry = undefined;
    }
    const whole = !last; // a line without its newline was cut by a crash
    if (!entry || !whole || typeof entry !== "object") {
      if (last) {
        notes.push(
          `ignored the last line of ${path}: it was cut off by an interrupted run (its write was never sent)`,
        );
        break;
      }
      throw new StateError(
        "STATE_UNREADABLE",
        `${path}:${i + 1} is not a journal entry. Lines are only ever appended, so this file was edited or damaged; restore it, or delete it to lose the changes recorded after ${snapshot.updated_at}.`,
      );
    }
    offset += lineBytes;
    validBytes = offset;
    if (entry.lineage !== snapshot.lineage) {
      foreign += 1;
      continue;
    }
    if (entry.serial <= snapshot.serial) continue; // already in the snapshot
    if (typeof entry.resources !== "object" || entry.resources === null)
      throw new StateError(
        "STATE_UNREADABLE",
        `${path}:${i + 1}: a journal entry without resources`,
      );
    entries.push(entry);
  }
  if (foreign > 0)
    notes.push(
      `ignored ${foreign} line(s) of ${path} written for another state (lineage differs from the state file's)`,
    );
  return { entries, notes, validBytes };
}

export class FileStateBackend implements StateBackend {
  readonly kind = "file";
  private journal: FileHandle | undefined;
  /** Where the next append starts (a torn tail is cut off first). */
  private journalValidBytes: number | undefined;

  constructor(readonly path: string) {}

  get location(): string {
    return this.path;
  }

  get journalPath(): string {
    return journalPathFor(this.path);
  }

  async read(): Promise<StoredState | undefined> {
    const text = await readIfExists(this.path);
    const journalText = await readIfExists(this.journalPath);
    if (text === undefined) {
      if (journalText)
        throw new StateError(
          "STATE_UNREADABLE",
          `${this.journalPath} exists but ${this.path} does not: the state file was deleted or moved. Restore it; or delete the journal too to start a new state.`,
        );
      this.journalValidBytes = 0;
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new StateError(
        "STATE_UNREADABLE",
        `State file ${this.path} is not valid JSON (${(err as Error).message}). Restore it from backup or version control; deleting it makes chatsync forget every managed chat.`,
      );
    }
    const snapshot = checkStateDocument(raw, this.path);
    const parsed = journalText
      ? parseJournal(journalText, this.journalPath, snapshot)
      : { entries: [], notes: [], validBytes: 0 };
    this.journalValidBytes = parsed.validBytes;
    return { snapshot, journal: parsed.entries, notes: parsed.notes };
  }

  async persist(doc: StateDocument, _expectedSerial: number): Promise<void> {
    // Lost updates are prevented by the lock (held for every write); see state-lock.ts.
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFileAtomic(this.path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
      await this.journal?.close();
      this.journal = undefined;
      await unlink(this.journalPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      this.journalValidBytes = 0;
    } catch (err) {
      throw new StateError(
        "STATE_WRITE_FAILED",
        `Cannot write state file ${this.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async append(entry: StateJournalEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    try {
      if (!this.journal) {
        if (this.journalValidBytes !== undefined)
          await truncate(this.journalPath, this.journalValidBytes).catch(
            (err: NodeJS.ErrnoException) => {
              if (err.code !== "ENOENT") throw err;
            },
          );
        this.journal = await open(this.journalPath, "a", 0o600);
      }
      await this.journal.write(line);
      await this.journal.datasync();
    } catch (err) {
      throw new StateError(
        "STATE_WRITE_FAILED",
        `Cannot append to the state journal ${this.journalPath}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async lock(request: LockRequest): Promise<HeldLock> {
    return acquireStateLock(this.path, {
      command: request.operation,
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
    });
  }

  async versions(): Promise<StateVersion[]> {
    const stored = await this.read();
    if (!stored) return [];
    const last = stored.journal.at(-1) ?? stored.snapshot;
    return [{ serial: last.serial, updated_at: last.updated_at }];
  }

  async readVersion(serial: number): Promise<StateDocument> {
    const stored = await this.read();
    const { replayJournal } = await import("../state-store.js");
    const doc = stored ? replayJournal(stored, this.path) : undefined;
    if (doc?.serial === serial) return doc;
    throw new StateError(
      "STATE_NOT_FOUND",
      `${this.path} holds serial ${doc?.serial ?? 0} only: the file backend keeps no older versions (the PostgreSQL backend keeps every serial).`,
    );
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = undefined;
  }
}

/** Reads the state at `path` (snapshot + journal); a missing file is a fresh state. For tools and tests. */
export async function readStateFile(path: string): Promise<StateDocument> {
  const backend = new FileStateBackend(path);
  try {
    const { StateStore } = await import("../state-store.js");
    return (await StateStore.open(backend)).doc;
  } finally {
    await backend.close();
  }
}
