/**
 * The desired-state cache of `plan` and `apply` (see DesiredStateCache): the resolved desired
 * state of a configuration that loaded with no diagnostic at all, kept in
 * `.chatsync/cache/desired-state.json` beside the first file. It is used only when the key —
 * a hash of every file's path and text — and the loader's own identity (this release's
 * config, model and wire-format code and the schema) both match, so any change to the YAML or
 * to chatsync parses again. `validate` never uses it. Any problem reading it is a miss.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import writeFileAtomic from "write-file-atomic";
import type { DesiredStateCache } from "../sync-engine/config/load-config.js";
import type { DesiredState } from "../sync-engine/model/desired-state.js";
import { redactUrlsInText } from "../sync-engine/output/url-credentials.js";

const FORMAT = "chatsync-desired-state-cache-v1";
const DIST = fileURLToPath(new URL("..", import.meta.url));
const LOADER_DIRS = ["sync-engine/config", "sync-engine/model", "api-wire"];
const SCHEMA = fileURLToPath(new URL("../../schemas/chatsync.schema.json", import.meta.url));

let identity: Promise<string> | undefined;

/** A hash of the code and schema that turn YAML into a desired state. */
function loaderIdentity(): Promise<string> {
  identity ??= (async () => {
    const h = createHash("sha256").update(FORMAT);
    for (const dir of LOADER_DIRS) {
      const abs = join(DIST, dir);
      const names = (await readdir(abs)).filter((n) => n.endsWith(".js")).sort();
      for (const n of names) h.update(`${dir}/${n}\0`).update(await readFile(join(abs, n)));
    }
    h.update(await readFile(SCHEMA));
    return h.digest("hex");
  })();
  return identity;
}

function cachePath(files: readonly string[]): string | undefined {
  const first = files[0];
  return first ? join(dirname(first), ".chatsync", "cache", "desired-state.json") : undefined;
}

interface CacheFile {
  format: typeof FORMAT;
  loader: string;
  key: string;
  state: DesiredState;
}

export const desiredStateCache: DesiredStateCache = {
  async get(key, files) {
    const path = cachePath(files);
    if (!path) return undefined;
    try {
      const doc = JSON.parse(await readFile(path, "utf8")) as Partial<CacheFile>;
      if (doc.format !== FORMAT || doc.key !== key || doc.loader !== (await loaderIdentity()))
        return undefined;
      return doc.state;
    } catch {
      return undefined;
    }
  },
  async set(key, files, state) {
    const path = cachePath(files);
    if (!path) return;
    const doc: CacheFile = { format: FORMAT, loader: await loaderIdentity(), key, state };
    const text = JSON.stringify(doc);
    // A credential in a URL (?token=…) is never written to disk: such a configuration is not cached.
    if (redactUrlsInText(text) !== text) {
      await rm(path, { force: true }).catch(() => undefined);
      return;
    }
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, text, { mode: 0o600 });
    } catch {
      // A cache that cannot be written only costs the next run a parse.
    }
  },
};
