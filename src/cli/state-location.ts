/**
 * Picks the state backend once, at the edge (SPEC §6a): `--state` or CHATSYNC_STATE is a file
 * path or a `postgres://` URL; without either, the default file beside the first PATH — or,
 * with `--emulator`, the emulator's own state, so a run against the embedded emulator never
 * reads or writes the live account's state or its secret files.
 */
import { resolve } from "node:path";
import type { StateBackend } from "../sync-engine/state/state-backend.js";
import { CliError } from "./cli-error.js";

export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** `--state`, else CHATSYNC_STATE, else undefined (the default applies). */
export function explicitStateSpec(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (flag !== undefined && flag.trim() === "")
    throw new CliError("--state is empty; give a file path or a postgres:// URL");
  return flag ?? (env.CHATSYNC_STATE?.trim() ? env.CHATSYNC_STATE.trim() : undefined);
}

export async function openStateBackend(spec: string, cwd: string): Promise<StateBackend> {
  if (isPostgresUrl(spec)) {
    const { PostgresStateBackend } = await import("../sync-engine/state/backends/postgres.js");
    try {
      return PostgresStateBackend.fromUrl(spec);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new CliError(
      `--state ${spec.replace(/\/\/[^@/]*@/, "//***@")}: unknown backend; use a file path or postgres://user@host:5432/db?name=STATE`,
    );
  const { FileStateBackend } = await import("../sync-engine/state/backends/file.js");
  return new FileStateBackend(resolve(cwd, spec));
}
