/**
 * The desired-state cache (src/cli/desired-state-cache.ts): a clean configuration is parsed
 * once and reused while every file is unchanged; any edit, a warning, or another loader
 * parses again.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { desiredStateCache } from "../../src/cli/desired-state-cache.js";
import { loadConfig, type DesiredStateCache } from "../../src/sync-engine/config/load-config.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const yaml = (welcome: string) => `version: 1
chats:
  room:
    type: group
    from: "+12025550100"
    participants: ["+14155550101", "+14155550102"]
    welcome_message: ${welcome}
`;

function recordingCache(): DesiredStateCache & { gets: number; sets: number } {
  const store = new Map<string, DesiredState>();
  const c = {
    gets: 0,
    sets: 0,
    async get(key: string) {
      c.gets += 1;
      return store.get(key);
    },
    async set(key: string, _files: readonly string[], state: DesiredState) {
      c.sets += 1;
      store.set(key, state);
    },
  };
  return c;
}

describe("desired-state cache", () => {
  it("an unchanged clean configuration is read from the cache; an edit parses again", async () => {
    const file = join(dir, "chatsync.yaml");
    await writeFile(file, yaml("Hello."));
    const cache = recordingCache();
    const first = await loadConfig([file], { cache });
    expect(cache.sets).toBe(1);
    const second = await loadConfig([file], { cache });
    expect(second.state).toEqual(first.state);
    expect(cache.sets).toBe(1);
    await writeFile(file, yaml("Hello again."));
    const third = await loadConfig([file], { cache });
    expect(third.state?.chats.room?.welcome_message).toBe("Hello again.");
    expect(cache.sets).toBe(2);
  });

  it("a configuration with any diagnostic is never cached, and bad files are never served from it", async () => {
    const file = join(dir, "chatsync.yaml");
    await writeFile(file, yaml("Visit https://example.com now"));
    const cache = recordingCache();
    const r = await loadConfig([file], { cache });
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(cache.sets).toBe(0);
  });

  it("a configuration holding a credential in a URL is never written to the cache", async () => {
    const file = join(dir, "chatsync.yaml");
    await writeFile(
      file,
      `version: 1
webhooks:
  hook:
    target_url: https://hooks.example.com/x?token=Sup3rSecretValue
    events: [message.sent]
`,
    );
    const r = await loadConfig([file], { cache: desiredStateCache });
    expect(r.diagnostics).toEqual([]);
    await expect(stat(join(dir, ".chatsync", "cache", "desired-state.json"))).rejects.toThrow();
  });

  it("the CLI cache lives beside the first file, mode 0600, and misses when the loader differs", async () => {
    const file = join(dir, "chatsync.yaml");
    await writeFile(file, yaml("Hello."));
    const loaded = await loadConfig([file], { cache: desiredStateCache });
    const path = join(dir, ".chatsync", "cache", "desired-state.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(path, "utf8")) as { key: string; loader: string };
    expect(await desiredStateCache.get(doc.key, [file])).toEqual(loaded.state);
    await writeFile(path, JSON.stringify({ ...doc, loader: "another release" }));
    expect(await desiredStateCache.get(doc.key, [file])).toBeUndefined();
    await writeFile(path, "{torn");
    expect(await desiredStateCache.get(doc.key, [file])).toBeUndefined();
  });
});
