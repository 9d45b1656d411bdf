/** A temp folder with a generated config and a state file, for one benchmark scenario. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { BENCH_LINE } from "./bench-emulator.js";

export interface BenchWorkspace {
  dir: string;
  configPath: string;
  statePath: string;
  remove(): Promise<void>;
}

/**
 * `count` group chats, each with its own two recipients (distinct rosters, so no two
 * declarations could ever be mistaken for the same live chat) and a welcome message.
 */
export function groupChatsConfig(count: number, prefix: string): unknown {
  const chats: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(4, "0");
    chats[`${prefix}-${n}`] = {
      type: "group",
      participants: [`+1415600${n}`, `+1415700${n}`],
      welcome_message: `Welcome to ${prefix} ${i}.`,
    };
  }
  return { version: 1, defaults: { from: BENCH_LINE }, chats };
}

export async function createBenchWorkspace(config: unknown): Promise<BenchWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), "chatsync-bench-"));
  const configPath = join(dir, "chatsync.yaml");
  await writeFile(configPath, stringify(config));
  return {
    dir,
    configPath,
    statePath: join(dir, ".chatsync", "state.json"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
