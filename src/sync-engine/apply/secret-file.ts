/**
 * Writing a webhook signing secret to its `secret_file` (SPEC §6 "Boundaries"): only to a
 * regular file that is new or already holds a chatsync secret — never through a symlink, never
 * over another file, never into a directory. Mode 0600 from the first byte; never logged.
 *
 * How: a temporary file in the same folder is created with O_EXCL|O_NOFOLLOW and mode 0600,
 * then moved into place — with link() when the target is new (fails if anything appeared there
 * meanwhile, O_EXCL semantics) or rename() over an existing secret (which replaces the
 * directory entry itself, never what a symlink points to).
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, readFile, realpath, rename, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** `whsec_` + base64: what the API returns (§9.4) and all chatsync ever writes. */
const CHATSYNC_SECRET = /^whsec_[A-Za-z0-9+/=_-]+\n?$/;

export class SecretFileError extends Error {
  readonly code = "SECRET_FILE_WRITE_FAILED";
  constructor(path: string, detail: string, created = true) {
    super(
      `Cannot write the signing secret to ${path}: ${detail}. ` +
        (created
          ? "The subscription exists; fix the path or permissions and run apply again (a missing secret file makes chatsync replace the subscription to get a new secret)."
          : "Nothing was created; point secret_file at a new file (or one chatsync wrote) and run apply again."),
    );
    this.name = "SecretFileError";
  }
}

/**
 * Checks, before a subscription is created, that its secret can be written to `path`: the
 * target is absent, or a regular file (not a symlink) holding a chatsync secret. Throws
 * `SecretFileError` otherwise, so no subscription is made whose secret nobody would get.
 * Returns a warning when the path lies outside `projectDir`.
 */
export async function checkSecretFileTarget(
  path: string,
  projectDir: string = process.cwd(),
): Promise<string | undefined> {
  const problem = await targetProblem(path);
  if (problem) throw new SecretFileError(path, problem, false);
  // Through real paths, so a symlinked folder (`.chatsync/secrets` → elsewhere) counts as outside.
  const rel = relative(await realPathSoFar(projectDir), await realPathSoFar(path));
  if (rel.startsWith("..") || isAbsolute(rel))
    return `secret_file ${path} is outside the project folder ${projectDir}; make sure that is where the signing secret should live`;
  return undefined;
}

/** `path` with its longest existing prefix resolved through symlinks (the rest kept as written). */
async function realPathSoFar(path: string): Promise<string> {
  const absolute = resolve(path);
  let existing = absolute;
  for (;;) {
    try {
      return join(await realpath(existing), relative(existing, absolute));
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      existing = parent;
    }
  }
}

/** Why `path` must not receive a secret, or undefined when it may. */
async function targetProblem(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return (err as Error).message;
  }
  if (info.isSymbolicLink())
    return "it is a symbolic link, and a secret is never written through one; point secret_file at the real path";
  if (info.isDirectory())
    return "it is a directory; secret_file names a file, e.g. .chatsync/secrets/<key>.whsec";
  if (!info.isFile()) return "it is not a regular file";
  const head = await readFile(path, {
    encoding: "utf8",
    flag: constants.O_RDONLY | constants.O_NOFOLLOW,
  })
    .then((t) => t.slice(0, 512))
    .catch((err: Error) => `\u0000${err.message}`);
  if (!CHATSYNC_SECRET.test(head))
    return "the file exists and does not hold a chatsync signing secret, so chatsync will not overwrite it; choose a new path or remove the file";
  return undefined;
}

export async function writeSecretFile(path: string, secret: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const problem = await targetProblem(path);
    if (problem) throw new Error(problem);
    const fh = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await fh.writeFile(`${secret}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // Something is there now: replace it only if it is (still) one of our secrets.
      const again = await targetProblem(path);
      if (again) throw new Error(again);
      await rename(temp, path);
    }
  } catch (err) {
    throw new SecretFileError(path, (err as Error).message);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
