/**
 * Where a state lives, as a handful of small capabilities (after Terraform's statemgr):
 * a backend reads a state, persists whole snapshots, appends journal entries, locks, and
 * lists old versions. The engine only sees StateStore (state-store.ts), which composes them;
 * the CLI picks the backend once, from `--state` (open-state-backend.ts). A new backend (S3,
 * GCS) is one more module implementing StateBackend.
 */
import type { ResourceState, StateAccount, StateDocument } from "./state-types.js";

/**
 * One journaled change: the resources it touched (null: forgotten) and document fields it
 * set, taking the state from `serial - 1` to `serial`. Its size depends on the change, never
 * on the number of managed objects.
 */
export interface StateJournalEntry {
  lineage: string;
  serial: number;
  updated_at: string;
  resources: Record<string, ResourceState | null>;
  generations?: Record<string, number>;
  account?: StateAccount;
}

/** What a backend read: the newest snapshot plus the journal entries written after it. */
export interface StoredState {
  snapshot: StateDocument;
  journal: StateJournalEntry[];
  /** Entries skipped on read (a torn last line, entries of another lineage), said once to the user. */
  notes: string[];
}

/** Who holds a lock: shown to whoever is refused. */
export interface LockInfo {
  /** e.g. "chatsync apply" */
  operation: string;
  who: string;
  pid: number;
  hostname: string;
  created: string;
}

export interface HeldLock {
  /** The holder this lock replaced when it took over a stale one. */
  readonly tookOver: LockInfo | undefined;
  release(): Promise<void>;
}

export interface LockRequest {
  operation: string;
  /** Wait this long for a held lock before failing; 0 (default) fails fast. */
  timeoutMs?: number;
}

export interface StateReader {
  /** The stored state, or undefined when none was ever written. */
  read(): Promise<StoredState | undefined>;
}

export interface StatePersister {
  /**
   * Writes `doc` as the new snapshot and drops the journal it includes. PostgreSQL refuses it
   * with StateConflictError unless the stored serial is `expectedSerial` (0: nothing stored);
   * the file backend has no compare-and-swap and relies on the state lock held for every write.
   */
  persist(doc: StateDocument, expectedSerial: number): Promise<void>;
}

export interface StateJournal {
  /**
   * Appends one entry durably. PostgreSQL refuses it with StateConflictError unless the stored
   * serial is `entry.serial - 1`; the file backend, like `persist`, relies on the state lock.
   */
  append(entry: StateJournalEntry): Promise<void>;
}

export interface StateLocker {
  lock(request: LockRequest): Promise<HeldLock>;
}

export interface StateVersion {
  serial: number;
  updated_at: string;
}

export interface StateHistory {
  /** Serials that can be read back, newest first. */
  versions(): Promise<StateVersion[]>;
  /** The state as it was at `serial`. */
  readVersion(serial: number): Promise<StateDocument>;
}

export interface StateBackend
  extends StateReader, StatePersister, StateJournal, StateLocker, StateHistory {
  readonly kind: "file" | "postgres";
  /** Where the state is, for messages: a path, or a URL without its password. */
  readonly location: string;
  /** Closes connections and files; the backend is unusable afterwards. */
  close(): Promise<void>;
}

export type StateErrorCode =
  | "STATE_UNREADABLE"
  | "STATE_UNSUPPORTED_VERSION"
  | "STATE_WRITE_FAILED"
  | "STATE_CONFLICT"
  | "STATE_LOCKED"
  | "STATE_BACKEND_UNAVAILABLE"
  | "STATE_ACCOUNT_MISMATCH"
  | "STATE_NOT_FOUND";

/** Every state failure the user can act on: one message, no stack trace (cli-error prints it). */
export class StateError extends Error {
  constructor(
    readonly code: StateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StateError";
  }
}

/** A write whose expected serial no longer matches: someone else wrote in between. */
export class StateConflictError extends StateError {
  constructor(location: string, expected: number, found: number) {
    super(
      "STATE_CONFLICT",
      `The state at ${location} changed under this run (expected serial ${expected}, found ${found}): another chatsync wrote it. Nothing was overwritten; run the command again.`,
    );
    this.name = "StateConflictError";
  }
}

export function describeHolder(h: LockInfo): string {
  return `"${h.operation}" by ${h.who} (pid ${h.pid} on ${h.hostname}) since ${h.created}`;
}
