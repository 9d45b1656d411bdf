/**
 * The file backend's lock: a `<state>.lock` file created with O_EXCL that names its holder
 * (pid, hostname, PID namespace, command, started_at). Held for a whole run so two runs never
 * interleave writes; a second process fails fast naming the holder, or waits up to
 * `timeoutMs`. The holder touches the file every `heartbeatMs`.
 *
 * A lock is stale when its heartbeat is older than `staleAfterMs`, or — at once — when its
 * holder ran on this host, in this PID namespace, and that pid is gone. A pid that is not
 * visible from another namespace (a container sharing the hostname) proves nothing, so such a
 * holder is only taken over once its heartbeat is stale.
 *
 * Taking over is serialized by a second lock, `<state>.lock.takeover` (mkdir is atomic): only
 * its holder may remove a stale lock, and only after reading that it is still the same stale
 * lock, then it creates its own with O_EXCL. Two processes can therefore never both hold it.
 */
import { readlinkSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { mkdir, open, readFile, rmdir, stat, unlink, utimes } from "node:fs/promises";
import { dirname } from "node:path";
import type { HeldLock, LockInfo } from "./state-backend.js";

export interface LockHolder {
  pid: number;
  hostname: string;
  /** `/proc/self/ns/pid` of the holder (Linux); absent elsewhere and in older locks. */
  pid_namespace?: string;
  user?: string;
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
    waitedMs?: number,
  ) {
    // A holder on another machine (a CI runner that was killed) cannot be checked for life, so
    // say when the lock frees itself, besides how to free it at once.
    const expires =
      staleAfterMs === undefined
        ? ""
        : ` A lock whose holder stopped (no heartbeat for ${Math.round(staleAfterMs / 1000)} s) is taken over automatically.`;
    const waited = waitedMs ? ` (waited ${Math.round(waitedMs / 1000)} s)` : "";
    super(
      holder
        ? `The state is locked${waited} by pid ${holder.pid} on ${holder.hostname} running "${holder.command}" since ${holder.started_at} (lock file ${lockPath}). Wait for it to finish (or pass --lock-timeout 60s); if that process is gone, delete the lock file.${expires}`
        : `The state is locked${waited} (lock file ${lockPath}, holder unreadable). If no chatsync is running, delete the lock file.${expires}`,
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
  /** Wait this long for a held lock before failing. Default 0: fail fast. */
  timeoutMs?: number;
}

export interface StateLock extends HeldLock {
  readonly path: string;
  /** The holder this lock replaced when it took over a stale one. */
  readonly tookOver: LockInfo | undefined;
  release(): Promise<void>;
}

export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}

export function toLockInfo(h: LockHolder): LockInfo {
  return {
    operation: h.command,
    who: h.user ?? "unknown user",
    pid: h.pid,
    hostname: h.hostname,
    created: h.started_at,
  };
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

/** Same host, same PID namespace (or a lock from before namespaces were recorded), pid gone. */
function holderIsDeadHere(holder: LockHolder | undefined, ns: string | undefined): boolean {
  if (!holder || holder.hostname !== hostname() || typeof holder.pid !== "number") return false;
  if (holder.pid_namespace !== undefined && holder.pid_namespace !== ns) return false;
  return !isProcessAlive(holder.pid);
}

async function heartbeatAgeMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
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

/** A takeover mutex left by a process killed inside it is removed after this long. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Under the takeover mutex: removes the lock if it still is the stale one that was read
 * (`seenText`), then creates ours. False when the lock changed hands or the mutex is busy.
 */
async function takeOver(path: string, seenText: string, me: LockHolder): Promise<boolean> {
  const mutex = `${path}.takeover`;
  try {
    await mkdir(mutex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const age = await heartbeatAgeMs(mutex);
    if (age !== undefined && age > TAKEOVER_STALE_MS) await rmdir(mutex).catch(() => undefined);
    return false;
  }
  try {
    const again = await readHolder(path);
    if (again && again.text !== seenText) return false;
    if (again) await unlink(path).catch(() => undefined);
    return await tryCreate(path, me);
  } finally {
    await rmdir(mutex).catch(() => undefined);
  }
}

/** Takes the lock for `statePath` or throws StateLockedError naming the holder. */
export async function acquireStateLock(statePath: string, opts: LockOptions): Promise<StateLock> {
  const path = lockPathFor(statePath);
  const staleAfterMs = opts.staleAfterMs ?? 120_000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 0);
  const started = Date.now();
  const ns = pidNamespace();
  await mkdir(dirname(path), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    ...(ns ? { pid_namespace: ns } : {}),
    user: safeUser(),
    command: opts.command,
    started_at: new Date().toISOString(),
  };
  let tookOver: LockHolder | undefined;
  for (;;) {
    if (await tryCreate(path, me)) break;
    const seen = await readHolder(path);
    if (seen) {
      const age = await heartbeatAgeMs(path);
      const stale = holderIsDeadHere(seen.holder, ns) || (age !== undefined && age > staleAfterMs);
      if (stale && (await takeOver(path, seen.text, me))) {
        tookOver = seen.holder;
        break;
      }
    }
    if (Date.now() >= deadline) {
      throw new StateLockedError(
        path,
        (await readHolder(path))?.holder ?? seen?.holder,
        staleAfterMs,
        opts.timeoutMs ? Date.now() - started : undefined,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(250, Math.max(10, deadline - Date.now()))));
  }
  const beat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    path,
    tookOver: tookOver ? toLockInfo(tookOver) : undefined,
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

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown user";
  }
}
