/**
 * The PostgreSQL backend (SPEC §6a), after Terraform's `pg` backend: one row per state name in
 * `chatsync_states`, the lock a session-level `pg_try_advisory_lock` held on this backend's one
 * connection for the whole run (a runner that dies drops the connection and so the lock), and
 * every write a compare-and-swap on the serial, so a lost update is impossible even without
 * the lock.
 *
 * Journaling costs one row per change: `append` is a single statement that moves the head
 * serial on (only from `serial - 1`) and inserts the entry into `chatsync_state_journal`. The
 * state row stays small (the snapshot lives in `chatsync_state_versions`), so moving the
 * serial never rewrites the snapshot. `persist` writes a version and points the state row at
 * it. Journal rows are kept, so every serial can be read back: the nearest snapshot at or
 * below it plus the journal up to it.
 *
 * URL: postgres://USER[:PASSWORD]@HOST:PORT/DB?name=STATE (other query parameters, e.g.
 * sslmode, go to the driver). The password comes from the URL or PGPASSWORD and never appears
 * in `location`, in errors or in plans.
 */
import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import pg from "pg";
import {
  StateConflictError,
  StateError,
  describeHolder,
  type HeldLock,
  type LockInfo,
  type LockRequest,
  type StateBackend,
  type StateJournalEntry,
  type StateVersion,
  type StoredState,
} from "../state-backend.js";
import { checkStateDocument } from "../state-document-check.js";
import type { StateDocument } from "../state-types.js";

export const DEFAULT_STATE_NAME = "default";
const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const POLL_MS = 500;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chatsync_states (
  name text PRIMARY KEY,
  lineage text NOT NULL,
  serial bigint NOT NULL,
  snapshot_serial bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS chatsync_state_versions (
  name text NOT NULL,
  serial bigint NOT NULL,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, serial)
);
CREATE TABLE IF NOT EXISTS chatsync_state_journal (
  name text NOT NULL,
  serial bigint NOT NULL,
  lineage text NOT NULL,
  entry jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, serial)
);
CREATE TABLE IF NOT EXISTS chatsync_state_locks (
  name text PRIMARY KEY,
  holder jsonb NOT NULL,
  locked_at timestamptz NOT NULL DEFAULT now()
);`;

export interface PostgresTarget {
  /** Connection string for the driver: the URL without `name`. */
  connectionString: string;
  name: string;
  /** The URL without password, for messages. */
  location: string;
  /** Set when the URL carries one, to scrub it from driver messages. */
  password?: string;
}

/** Splits a `--state postgres://…` URL into what the driver needs and what may be shown. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StateError(
      "STATE_BACKEND_UNAVAILABLE",
      `--state is not a valid URL; expected postgres://USER@HOST:5432/DB?name=STATE`,
    );
  }
  const name = u.searchParams.get("name") ?? DEFAULT_STATE_NAME;
  if (!NAME_RULE.test(name))
    throw new StateError(
      "STATE_BACKEND_UNAVAILABLE",
      `state name ${JSON.stringify(name)} (?name= in --state) may hold only letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)`,
    );
  if (u.pathname === "" || u.pathname === "/")
    throw new StateError(
      "STATE_BACKEND_UNAVAILABLE",
      `--state ${redact(u)} names no database; add it as the path: postgres://USER@HOST:5432/DB?name=${name}`,
    );
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.searchParams.delete("name");
  const connectionString = u.toString();
  const shown = new URL(connectionString);
  shown.searchParams.set("name", name);
  return {
    connectionString,
    name,
    location: redact(shown),
    ...(password ? { password } : {}),
  };
}

function redact(u: URL): string {
  const copy = new URL(u.toString());
  copy.password = "";
  return copy.toString();
}

/** A stable 64-bit advisory-lock key per state name. */
function lockKey(name: string): string {
  return createHash("sha256")
    .update(`chatsync-state:${name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

export class PostgresStateBackend implements StateBackend {
  readonly kind = "postgres";
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;

  constructor(private readonly target: PostgresTarget) {}

  static fromUrl(url: string): PostgresStateBackend {
    return new PostgresStateBackend(parsePostgresUrl(url));
  }

  get location(): string {
    return this.target.location;
  }

  get name(): string {
    return this.target.name;
  }

  async read(): Promise<StoredState | undefined> {
    const db = await this.db();
    const row = await this.query<{ snapshot: unknown; snapshot_serial: string }>(
      db,
      "reading the state",
      `SELECT v.snapshot, s.snapshot_serial FROM chatsync_states s
       JOIN chatsync_state_versions v ON v.name = s.name AND v.serial = s.snapshot_serial
       WHERE s.name = $1`,
      [this.target.name],
    );
    const first = row.rows[0];
    if (!first) return undefined;
    const snapshot = checkStateDocument(first.snapshot, this.location);
    const journal = await this.journalAfter(db, Number(first.snapshot_serial), undefined);
    return {
      snapshot,
      journal: journal.filter((e) => e.lineage === snapshot.lineage),
      notes: [],
    };
  }

  async persist(doc: StateDocument, expectedSerial: number): Promise<void> {
    const db = await this.db();
    const params = [this.target.name, doc.lineage, doc.serial, JSON.stringify(doc), expectedSerial];
    // One statement: the state row moves only from the expected serial, and the version row
    // is written only when it did.
    const sql =
      expectedSerial === 0
        ? `WITH s AS (
             INSERT INTO chatsync_states (name, lineage, serial, snapshot_serial)
             SELECT $1, $2, $3, $3 WHERE $5::bigint = 0
             ON CONFLICT (name) DO NOTHING RETURNING name)
           INSERT INTO chatsync_state_versions (name, serial, snapshot)
           SELECT name, $3, $4::jsonb FROM s
           ON CONFLICT (name, serial) DO UPDATE SET snapshot = EXCLUDED.snapshot`
        : `WITH s AS (
             UPDATE chatsync_states
             SET lineage = $2, serial = $3, snapshot_serial = $3, updated_at = now()
             WHERE name = $1 AND serial = $5 RETURNING name)
           INSERT INTO chatsync_state_versions (name, serial, snapshot)
           SELECT name, $3, $4::jsonb FROM s
           ON CONFLICT (name, serial) DO UPDATE SET snapshot = EXCLUDED.snapshot`;
    const res = await this.query(db, "writing the state", sql, params);
    if (res.rowCount !== 1) throw await this.conflict(db, expectedSerial);
  }

  async append(entry: StateJournalEntry): Promise<void> {
    const db = await this.db();
    const res = await this.query(
      db,
      "journaling a change",
      `WITH s AS (
         UPDATE chatsync_states SET serial = $2, updated_at = now()
         WHERE name = $1 AND serial = $2 - 1 AND lineage = $3 RETURNING name)
       INSERT INTO chatsync_state_journal (name, serial, lineage, entry)
       SELECT name, $2, $3, $4::jsonb FROM s`,
      [this.target.name, entry.serial, entry.lineage, JSON.stringify(entry)],
    );
    if (res.rowCount !== 1) throw await this.conflict(db, entry.serial - 1);
  }

  async lock(request: LockRequest): Promise<HeldLock> {
    const db = await this.db();
    const key = lockKey(this.target.name);
    const me: LockInfo = {
      operation: request.operation,
      who: safeUser(),
      pid: process.pid,
      hostname: hostname(),
      created: new Date().toISOString(),
    };
    const started = Date.now();
    const deadline = started + (request.timeoutMs ?? 0);
    for (;;) {
      const got = await this.query<{ ok: boolean }>(
        db,
        "taking the state lock",
        "SELECT pg_try_advisory_lock($1::bigint) AS ok",
        [key],
      );
      if (got.rows[0]?.ok) break;
      if (Date.now() >= deadline) {
        const holder = await this.query<{ holder: LockInfo }>(
          db,
          "reading the lock holder",
          "SELECT holder FROM chatsync_state_locks WHERE name = $1",
          [this.target.name],
        );
        const h = holder.rows[0]?.holder;
        const waited = request.timeoutMs
          ? ` (waited ${Math.round((Date.now() - started) / 1000)} s)`
          : "";
        throw new StateError(
          "STATE_LOCKED",
          `The state ${this.target.name} at ${this.location} is locked${waited} by ${h ? describeHolder(h) : "another session (holder not recorded yet)"}. Wait for it to finish, or pass --lock-timeout 60s to wait. The lock is held by that run's database connection, so it frees itself when the run ends or its runner dies.`,
        );
      }
      await new Promise((r) =>
        setTimeout(r, Math.min(POLL_MS, Math.max(10, deadline - Date.now()))),
      );
    }
    await this.query(
      db,
      "recording the lock holder",
      `INSERT INTO chatsync_state_locks (name, holder) VALUES ($1, $2::jsonb)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, locked_at = now()`,
      [this.target.name, JSON.stringify(me)],
    );
    let released = false;
    return {
      tookOver: undefined,
      release: async () => {
        if (released || this.client !== db) return;
        released = true;
        // Best effort: a connection that is gone has released the advisory lock already.
        await db
          .query("DELETE FROM chatsync_state_locks WHERE name = $1 AND holder = $2::jsonb", [
            this.target.name,
            JSON.stringify(me),
          ])
          .catch(() => undefined);
        await db.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
      },
    };
  }

  async versions(): Promise<StateVersion[]> {
    const db = await this.db();
    const res = await this.query<{ serial: string; at: Date }>(
      db,
      "listing state versions",
      `SELECT serial, created_at AS at FROM chatsync_state_versions WHERE name = $1
       UNION SELECT serial, created_at AS at FROM chatsync_state_journal WHERE name = $1
       ORDER BY serial DESC`,
      [this.target.name],
    );
    const seen = new Set<number>();
    const out: StateVersion[] = [];
    for (const r of res.rows) {
      const serial = Number(r.serial);
      if (seen.has(serial)) continue;
      seen.add(serial);
      out.push({ serial, updated_at: new Date(r.at).toISOString() });
    }
    return out;
  }

  async readVersion(serial: number): Promise<StateDocument> {
    const db = await this.db();
    const base = await this.query<{ snapshot: unknown; serial: string }>(
      db,
      "reading a state version",
      `SELECT snapshot, serial FROM chatsync_state_versions
       WHERE name = $1 AND serial <= $2 ORDER BY serial DESC LIMIT 1`,
      [this.target.name, serial],
    );
    const row = base.rows[0];
    if (!row)
      throw new StateError(
        "STATE_NOT_FOUND",
        `the state ${this.target.name} at ${this.location} has no version ${serial}; \`chatsync state pull\` lists none older than the first write`,
      );
    const snapshot = checkStateDocument(row.snapshot, `${this.location} (serial ${row.serial})`);
    const journal = (await this.journalAfter(db, Number(row.serial), serial)).filter(
      (e) => e.lineage === snapshot.lineage,
    );
    const { replayJournal } = await import("../state-store.js");
    const doc = replayJournal({ snapshot, journal, notes: [] }, this.location);
    if (doc.serial !== serial)
      throw new StateError(
        "STATE_NOT_FOUND",
        `the state ${this.target.name} at ${this.location} has no version ${serial} (the nearest is ${doc.serial})`,
      );
    return doc;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await c?.end().catch(() => undefined);
  }

  private async journalAfter(
    db: pg.Client,
    after: number,
    upTo: number | undefined,
  ): Promise<StateJournalEntry[]> {
    const res = await this.query<{ entry: StateJournalEntry }>(
      db,
      "reading the state journal",
      `SELECT entry FROM chatsync_state_journal
       WHERE name = $1 AND serial > $2 AND ($3::bigint IS NULL OR serial <= $3)
       ORDER BY serial`,
      [this.target.name, after, upTo ?? null],
    );
    return res.rows.map((r) => r.entry);
  }

  private async conflict(db: pg.Client, expected: number): Promise<StateError> {
    const now = await this.query<{ serial: string }>(
      db,
      "reading the state serial",
      "SELECT serial FROM chatsync_states WHERE name = $1",
      [this.target.name],
    );
    return new StateConflictError(this.location, expected, Number(now.rows[0]?.serial ?? 0));
  }

  /** The one connection of this run; the schema is created on first use. */
  private db(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.target.connectionString,
        connectionTimeoutMillis: 10_000,
        application_name: "chatsync",
      });
      // A dropped connection (server restart, database dropped) surfaces on the next query;
      // without a listener it would crash the process instead.
      client.on("error", () => undefined);
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => undefined);
        throw this.translate(err, "connecting");
      }
      try {
        // Serialized so two first runs do not race on CREATE TABLE.
        await client.query("SELECT pg_advisory_lock(4242424242)");
        await client.query(SCHEMA);
        await client.query("SELECT pg_advisory_unlock(4242424242)");
      } catch (err) {
        await client.end().catch(() => undefined);
        throw this.translate(err, "creating the chatsync tables");
      }
      this.client = client;
      return client;
    })();
    return this.connecting.catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    db: pg.Client,
    what: string,
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await db.query<R>(sql, params);
    } catch (err) {
      throw this.translate(err, what);
    }
  }

  /** One sentence per failure a user can act on; the password is scrubbed from anything shown. */
  private translate(err: unknown, what: string): StateError {
    const e = err as { code?: string; message?: string };
    const where = this.location;
    const u = new URL(this.target.connectionString);
    const server = `${u.hostname}:${u.port || "5432"}`;
    const db = decodeURIComponent(u.pathname.slice(1));
    const user = decodeURIComponent(u.username) || "(default user)";
    let message: string;
    switch (e.code) {
      case "ECONNREFUSED":
        message = `nothing accepts PostgreSQL connections at ${server}. Is the server running, and is the host and port in --state right?`;
        break;
      case "ENOTFOUND":
      case "EAI_AGAIN":
        message = `the host ${u.hostname} in --state cannot be resolved`;
        break;
      case "28P01":
      case "28000":
        message = `PostgreSQL at ${server} refused user ${user} (wrong password or no access). Set the password in PGPASSWORD (or in the URL) and check pg_hba.conf.`;
        break;
      case "3D000":
        message = `database "${db}" does not exist on ${server}; create it (createdb ${db}) or fix the path in --state`;
        break;
      case "57P01":
      case "57P02":
      case "57P03":
        message = `PostgreSQL at ${server} shut the connection down while ${what} (${e.code}); nothing after the last journaled change was recorded. Run the command again once the server is back.`;
        break;
      default:
        message = `PostgreSQL error while ${what}: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ""}`;
    }
    if (/Connection terminated|connection is closed|Client was closed/i.test(e.message ?? ""))
      message = `lost the connection to PostgreSQL at ${server} while ${what}; nothing after the last journaled change was recorded. Run the command again.`;
    const scrubbed = this.target.password
      ? message.split(this.target.password).join("***")
      : message;
    return new StateError("STATE_BACKEND_UNAVAILABLE", `State ${where}: ${scrubbed}`, {
      cause: err,
    });
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown user";
  }
}
