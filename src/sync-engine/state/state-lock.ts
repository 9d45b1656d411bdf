/**
 * The state lock: a `<state>.lock` file created with O_EXCL that names its holder (pid,
 * hostname, command, started_at). Held for a whole plan or apply so two runs never interleave
 * writes. A second process fails fast with a message naming the holder. A lock whose holder
 * is dead (same host, pid gone) or that has not been refreshed for `staleAfterMs` (the holder
 * touches it every `heartbeatMs`) is stale and taken over.
 */
import { hostname } from "node:os";
import { mkdir, open, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { dirname } from "node:path";

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  started_at: string;
}

export class StateLockedError extends Error {
  readonly code = "STATE_LOCKED";
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
    /** After this long without a heartbeat the lock is taken over by itself. */
    readonly staleAfterMs?: number,
  ) {
    // A holder on another machine (a CI runner that was killed) cannot be checked for life, so
    // say when the lock frees itself, besides how to free it at once.
    const expires =
      staleAfterMs === undefined
        ? ""
        : ` A lock whose holder stopped (no heartbeat for ${Math.round(staleAfterMs / 1000)} s) is taken over automatically.`;
    super(
      holder
        ? `The state is locked by pid ${holder.pid} on ${holder.hostname} running "${holder.command}" since ${holder.started_at} (lock file ${lockPath}). Wait for it to finish; if that process is gone, delete the lock file.${expires}`
        : `The state is locked (lock file ${lockPath}, holder unreadable). If no chatsync is running, delete the lock file.${expires}`,
    );
    this.name = "StateLockedError";
  }
}

export interface LockOptions {
  /** What the holder is doing, e.g. "chatsync apply". */
  command: string;
  /** A lock untouched for this long is stale. Default 120 s. */
  staleAfterMs?: number;
  /** How often the holder touches the lock file. Default 15 s. */
  heartbeatMs?: number;
}

export interface StateLock {
  readonly path: string;
  /** True when a stale lock was taken over to get this one. */
  readonly tookOver: LockHolder | undefined;
  release(): Promise<void>;
}

export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readHolder(
  path: string,
): Promise<{ holder: LockHolder | undefined; text: string } | undefined> {
  try {
    const text = await readFile(path, "utf8");
    try {
      return { holder: JSON.parse(text) as LockHolder, text };
    } catch {
      return { holder: undefined, text };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function isStale(
  path: string,
  holder: LockHolder | undefined,
  staleAfterMs: number,
): Promise<boolean> {
  if (
    holder &&
    holder.hostname === hostname() &&
    typeof holder.pid === "number" &&
    !isProcessAlive(holder.pid)
  ) {
    return true;
  }
  try {
    const st = await stat(path);
    return Date.now() - st.mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const fh = await open(path, "wx", 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** Takes the lock for `statePath` or throws StateLockedError naming the holder. */
export async function acquireStateLock(statePath: string, opts: LockOptions): Promise<StateLock> {
  const path = lockPathFor(statePath);
  const staleAfterMs = opts.staleAfterMs ?? 120_000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  await mkdir(dirname(path), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: opts.command,
    started_at: new Date().toISOString(),
  };
  let tookOver: LockHolder | undefined;
  if (!(await tryCreate(path, me))) {
    const seen = await readHolder(path);
    if (seen && !(await isStale(path, seen.holder, staleAfterMs))) {
      throw new StateLockedError(path, seen.holder, staleAfterMs);
    }
    if (seen) {
      // Move the stale lock aside (rename is atomic) only if it is still the one we judged stale,
      // so two processes taking over at once cannot delete each other's fresh lock.
      const again = await readHolder(path);
      if (again && again.text === seen.text) {
        const aside = `${path}.stale-${process.pid}-${Date.now()}`;
        await rename(path, aside).catch(() => undefined);
        await unlink(aside).catch(() => undefined);
      }
      tookOver = seen.holder;
    }
    if (!(await tryCreate(path, me))) {
      throw new StateLockedError(path, (await readHolder(path))?.holder, staleAfterMs);
    }
  }
  const beat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    path,
    tookOver,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      // Only delete the lock if it is still ours (a stale takeover by another host could have replaced it).
      const current = await readHolder(path);
      if (current?.holder?.pid === me.pid && current.holder.started_at === me.started_at) {
        await unlink(path).catch(() => undefined);
      }
    },
  };
}
