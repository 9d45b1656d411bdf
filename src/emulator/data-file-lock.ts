/**
 * The cross-process lock on an emulator data file: `<file>.lock`, a folder made with
 * proper-lockfile (mkdir is atomic on every filesystem). Held for one request's reload →
 * handle → commit, so two processes on one `--data` file never commit over each other's
 * stale read. Calls inside one process queue up in memory first, so a process contends for
 * the folder with one request at a time instead of spinning against itself.
 *
 * A process killed while holding it leaves the folder behind; proper-lockfile's `stale`
 * option takes over a lock whose mtime is older than `staleMs` (the holder refreshes it every
 * `staleMs / 2` while it holds it, which is never that long here).
 */
import lockfile from "proper-lockfile";

/** A lock untouched for this long belongs to a dead process and is taken over. */
export const DATA_FILE_LOCK_STALE_MS = 10_000;
/** How long a request waits for a live holder before answering 503. */
export const DATA_FILE_LOCK_WAIT_MS = 30_000;
const POLL_MIN_MS = 2;
const POLL_MAX_MS = 20;

export class DataFileLockedError extends Error {
  readonly code = "EMULATOR_DATA_FILE_LOCKED";
  constructor(
    readonly dataFile: string,
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(
      `Emulator data file ${dataFile} stayed locked by another process for ${waitedMs} ms ` +
        `(lock ${lockPath}). Retry; if no other emulator or chatsync run uses that file, ` +
        `delete ${lockPath} (a lock left by a killed process is taken over after ` +
        `${DATA_FILE_LOCK_STALE_MS / 1000} s anyway).`,
    );
    this.name = "DataFileLockedError";
  }
}

export interface DataFileLockOptions {
  /** Default DATA_FILE_LOCK_WAIT_MS. */
  waitMs?: number;
  /** Told when the lock was taken over while held (this process stalled past `stale`). */
  onCompromised?: (err: Error) => void;
}

export class DataFileLock {
  readonly lockPath: string;
  private readonly waitMs: number;
  private readonly lockOptions: lockfile.LockOptions;
  /** The tail of this process's queue of `run` calls. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dataFile: string,
    opts: DataFileLockOptions = {},
  ) {
    this.lockPath = `${dataFile}.lock`;
    this.waitMs = opts.waitMs ?? DATA_FILE_LOCK_WAIT_MS;
    const onCompromised =
      opts.onCompromised ??
      ((err: Error) =>
        process.emitWarning(`emulator data file lock ${this.lockPath}: ${err.message}`));
    this.lockOptions = {
      // The data file may not exist yet (first start); the lock sits beside it either way.
      realpath: false,
      lockfilePath: this.lockPath,
      stale: DATA_FILE_LOCK_STALE_MS,
      // The default throws from a timer, which would kill the emulator over a lost lock.
      onCompromised,
    };
  }

  /** Runs `fn` (synchronous: the whole read-modify-write) holding the lock. */
  run<T>(fn: () => T): Promise<T> {
    const result = this.queue.then(() => this.holding(fn));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** For start-up, which is synchronous: waits by blocking the thread (nothing else runs yet). */
  runSync<T>(fn: () => T): T {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      let release: () => void;
      try {
        release = lockfile.lockSync(this.dataFile, this.lockOptions);
      } catch (err) {
        if (!isHeldElsewhere(err)) throw err;
        if (Date.now() >= deadline) throw this.lockedError();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pollDelayMs());
        continue;
      }
      try {
        return fn();
      } finally {
        releaseQuietly(() => release());
      }
    }
  }

  private async holding<T>(fn: () => T): Promise<T> {
    const release = await this.acquire();
    try {
      return fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      try {
        return await lockfile.lock(this.dataFile, this.lockOptions);
      } catch (err) {
        if (!isHeldElsewhere(err)) throw err;
        if (Date.now() >= deadline) throw this.lockedError();
        await new Promise((r) => setTimeout(r, pollDelayMs()));
      }
    }
  }

  private lockedError(): DataFileLockedError {
    return new DataFileLockedError(this.dataFile, this.lockPath, this.waitMs);
  }
}

function isHeldElsewhere(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === "ELOCKED";
}

/** Random, so two waiting processes do not retry in step. */
function pollDelayMs(): number {
  return POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS);
}

function releaseQuietly(release: () => void): void {
  try {
    release();
  } catch {
    // Already released or taken over (reported through onCompromised); nothing to undo.
  }
}
