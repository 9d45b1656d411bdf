/**
 * A database of its own for a suite, on the run's one PostgreSQL server
 * (postgres-global-setup.ts), and the `--state` URLs that point at it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface TestDatabase {
  name: string;
  /** postgres://user:password@host:port/db — the admin URL with its password. */
  url: string;
  /** `--state` URL for a state name; the password is left to PGPASSWORD unless `withPassword`. */
  stateUrl(stateName: string, withPassword?: boolean): string;
  password: string;
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

function adminUrl(db: string): string {
  const s = inject("postgres");
  return `postgres://${s.user}:${encodeURIComponent(s.password)}@${s.host}:${s.port}/${db}`;
}

export async function createTestDatabase(prefix = "t"): Promise<TestDatabase> {
  const s = inject("postgres");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl("postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: adminUrl(name),
    password: s.password,
    stateUrl: (stateName, withPassword = false) =>
      withPassword
        ? `${adminUrl(name)}?name=${stateName}`
        : `postgres://${s.user}@${s.host}:${s.port}/${name}?name=${stateName}`,
    async query(sql, params = []) {
      const c = new pg.Client({ connectionString: adminUrl(name) });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl("postgres") });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
