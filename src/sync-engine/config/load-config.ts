/**
 * Loading the desired state from disk: PATH arguments → files → parsed documents →
 * resolveDocuments. No PATH means `./chatsync.yaml`, else `./chatsync/`. A folder contributes
 * its `*.yaml`/`*.yml` files (not recursive; hidden files skipped), in name order.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { DesiredState } from "../model/desired-state.js";
import { compareDiagnostics, hasErrors, type Diagnostic } from "./diagnostics.js";
import type { SourceDocument } from "./document-context.js";
import { resolveDocuments } from "./resolve-document.js";
import { MAX_CONFIG_FILE_BYTES, parseYamlSource } from "./yaml-source.js";

export interface LoadResult {
  /** The merged, normalized desired state; undefined when any diagnostic is an error. */
  state?: DesiredState;
  /** Errors and warnings, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** Absolute paths of the files read, in merge order. */
  files: string[];
  /** Source text by diagnostic `file` name, for caret snippets. */
  sources: Map<string, string>;
}

export const DEFAULT_CONFIG_FILE = "chatsync.yaml";
export const DEFAULT_CONFIG_DIR = "chatsync";

const YAML_FILE = /\.ya?ml$/i;

function fail(file: string | undefined, message: string): Diagnostic {
  return { severity: "error", message, ...(file !== undefined ? { file } : {}), path: "" };
}

/** Paths inside the working directory are shown relative to it, others absolute. */
function displayName(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : absolute;
}

async function kindOf(path: string): Promise<"file" | "dir" | "missing" | "other"> {
  try {
    const s = await stat(path);
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch {
    return "missing";
  }
}

/**
 * Folders are read one level deep. YAML files in a subfolder are not part of the state, which
 * a user who moved files into `chatsync/teams/` would not expect: their chats would look
 * undeclared to the plan. Say so rather than guess whether they belong.
 */
async function warnAboutSubfolder(
  folder: string,
  cwd: string,
  diagnostics: Diagnostic[],
): Promise<void> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const count = entries.filter((n) => YAML_FILE.test(n) && !n.startsWith(".")).length;
  if (count === 0) return;
  const shown = displayName(cwd, folder);
  diagnostics.push({
    severity: "warning",
    file: shown,
    path: "",
    message: `this subfolder has ${count} YAML file${count === 1 ? "" : "s"} that ${count === 1 ? "is" : "are"} not read (folders are read one level deep); to include ${count === 1 ? "it" : "them"}, also pass "${shown}" as a PATH`,
  });
}

async function expandPaths(
  paths: string[],
  cwd: string,
  diagnostics: Diagnostic[],
): Promise<string[]> {
  if (paths.length === 0) {
    const file = join(cwd, DEFAULT_CONFIG_FILE);
    if ((await kindOf(file)) === "file") return [file];
    const dir = join(cwd, DEFAULT_CONFIG_DIR);
    if ((await kindOf(dir)) === "dir") return expandPaths([dir], cwd, diagnostics);
    diagnostics.push(
      fail(
        undefined,
        `no ${DEFAULT_CONFIG_FILE} or ${DEFAULT_CONFIG_DIR}/ folder in ${cwd}; pass a file or folder, e.g. "chatsync validate examples/quickstart.yaml"`,
      ),
    );
    return [];
  }
  const files: string[] = [];
  const given = new Set(paths.map((p) => resolve(cwd, p)));
  for (const path of paths) {
    const abs = resolve(cwd, path);
    const kind = await kindOf(abs);
    if (kind === "file") {
      files.push(abs);
    } else if (kind === "dir") {
      const names: string[] = [];
      for (const e of await readdir(abs, { withFileTypes: true })) {
        if (e.name.startsWith(".")) continue;
        if (e.isDirectory()) {
          if (!given.has(join(abs, e.name))) {
            await warnAboutSubfolder(join(abs, e.name), cwd, diagnostics);
          }
          continue;
        }
        if (!YAML_FILE.test(e.name)) continue;
        if (e.isFile()) {
          names.push(e.name);
        } else if (e.isSymbolicLink()) {
          // A linked file is part of the folder; skipping it silently would drop its chats
          // from the desired state, and the plan would then propose to remove them.
          const target = await kindOf(join(abs, e.name));
          if (target === "file") names.push(e.name);
          else if (target === "missing") {
            diagnostics.push(
              fail(
                displayName(cwd, join(abs, e.name)),
                "this symbolic link points to nothing; fix or delete the link",
              ),
            );
          }
        }
      }
      names.sort();
      if (names.length === 0) {
        diagnostics.push(
          fail(displayName(cwd, abs), "this folder has no .yaml or .yml files to load"),
        );
      }
      files.push(...names.map((n) => join(abs, n)));
    } else if (kind === "missing") {
      diagnostics.push(fail(path, "no such file or folder"));
    } else {
      diagnostics.push(fail(path, "not a regular file or folder"));
    }
  }
  // The same file named twice (directly and through its folder) is read once.
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const file of files) {
    const real = await realpath(file).catch(() => file);
    if (!seen.has(real)) {
      seen.add(real);
      unique.push(file);
    }
  }
  return unique;
}

interface SourceRead {
  text?: string;
  error?: Diagnostic;
  /** Best-effort text of a file that could not be read as UTF-8, for the caret snippet. */
  preview?: string;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decoding leniently would turn a Latin-1 "José" into "Jos\uFFFD" and send that to the API;
 * a file that is not UTF-8 is refused with the place of the first bad byte.
 */
function decodeUtf8(bytes: Buffer, shown: string): SourceRead {
  try {
    return { text: STRICT_UTF8.decode(bytes) };
  } catch {
    const lenient = bytes.toString("utf8");
    const at = lenient.indexOf("\uFFFD");
    const before = lenient.slice(0, Math.max(0, at)).split("\n");
    return {
      error: {
        ...fail(
          shown,
          "the file is not UTF-8 text (it may be saved as Latin-1 or UTF-16); save it as UTF-8",
        ),
        line: before.length,
        column: (before[before.length - 1]?.length ?? 0) + 1,
      },
      preview: lenient,
    };
  }
}

async function readSource(file: string, shown: string): Promise<SourceRead> {
  try {
    const { size } = await stat(file);
    // Checked before reading so a huge file costs nothing.
    if (size > MAX_CONFIG_FILE_BYTES) {
      return {
        error: fail(
          shown,
          `the file is ${(size / 1024 / 1024).toFixed(1)} MiB; chatsync files may be at most ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB — split it into several files in a folder`,
        ),
      };
    }
    return decodeUtf8(await readFile(file), shown);
  } catch (err) {
    return { error: fail(shown, `cannot read the file: ${(err as Error).message}`) };
  }
}

/**
 * Where a loader may keep the desired state of a configuration that loaded without a single
 * diagnostic, keyed by a hash of every input (see load-cache in the CLI): parsing and checking
 * ten thousand chats costs seconds, and an unchanged configuration gives the same result.
 */
export interface DesiredStateCache {
  /** `files`: the configuration's files, in load order (the cache may live beside the first). */
  get(key: string, files: readonly string[]): Promise<DesiredState | undefined>;
  set(key: string, files: readonly string[], state: DesiredState): Promise<void>;
}

export async function loadConfig(
  paths: string[],
  opts: { cwd?: string; cache?: DesiredStateCache } = {},
): Promise<LoadResult> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const files = await expandPaths(paths, cwd, diagnostics);
  const sources = new Map<string, string>();
  const texts: Array<{ file: string; shown: string; text: string }> = [];
  for (const file of files) {
    const shown = displayName(cwd, file);
    const { text, error, preview } = await readSource(file, shown);
    if (error) {
      diagnostics.push(error);
      if (preview !== undefined) sources.set(shown, preview);
      continue;
    }
    sources.set(shown, text as string);
    texts.push({ file, shown, text: text as string });
  }
  const key =
    opts.cache && diagnostics.length === 0 && files.length > 0 ? inputKey(cwd, texts) : undefined;
  const cached = key ? await opts.cache?.get(key, files) : undefined;
  if (cached) return { state: cached, diagnostics, files, sources };

  const documents: SourceDocument[] = [];
  for (const { file, shown, text } of texts) {
    const parsed = parseYamlSource(text, shown, dirname(file));
    diagnostics.push(...parsed.diagnostics);
    if (parsed.document) documents.push(parsed.document);
  }
  const resolved = resolveDocuments(documents);
  diagnostics.push(...resolved.diagnostics);
  diagnostics.sort(compareDiagnostics);
  const failed = hasErrors(diagnostics) || files.length === 0;
  if (key && diagnostics.length === 0 && resolved.state)
    await opts.cache?.set(key, files, resolved.state);
  return {
    ...(failed || !resolved.state ? {} : { state: resolved.state }),
    diagnostics,
    files,
    sources,
  };
}

/** Every input of a load: the folder names are resolved against, each file's path and text. */
function inputKey(cwd: string, texts: ReadonlyArray<{ file: string; text: string }>): string {
  const h = createHash("sha256").update(`chatsync-config-v1\0${cwd}\0`);
  for (const t of texts) h.update(`${t.file}\0${t.text.length}\0${t.text}\0`);
  return h.digest("hex");
}
