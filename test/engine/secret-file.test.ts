/**
 * Issue 10 item 6: a signing secret goes only to a regular file that is new or already a
 * chatsync secret — never through a symlink, over another file, or into a directory.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkSecretFileTarget,
  SecretFileError,
  writeSecretFile,
} from "../../src/sync-engine/apply/secret-file.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7Jxx2Oll+OE=";
const OLD = "whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCBzZWNyZXQ=";
let dir: string;
let project: string;
let outside: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-secret-"));
  project = join(dir, "project");
  outside = join(dir, "outside");
  await mkdir(project);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<SecretFileError> {
  try {
    await p;
  } catch (e) {
    return e as SecretFileError;
  }
  throw new Error("expected the write to be refused");
}

describe("writeSecretFile", () => {
  it("creates a new file with mode 0600 and its folders", async () => {
    const path = join(project, ".chatsync", "secrets", "loc.whsec");
    await writeSecretFile(path, SECRET);
    expect(await readFile(path, "utf8")).toBe(`${SECRET}\n`);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("replaces a file that already holds a chatsync secret (a rotation)", async () => {
    const path = join(project, "loc.whsec");
    await writeFile(path, `${OLD}\n`, { mode: 0o600 });
    await writeSecretFile(path, SECRET);
    expect(await readFile(path, "utf8")).toBe(`${SECRET}\n`);
  });

  it("never overwrites another file, and leaves it as it was", async () => {
    const victim = join(outside, "existing.txt");
    await writeFile(victim, "important notes\n", { mode: 0o644 });
    const err = await refusal(
      writeSecretFile(join(project, "..", "outside", "existing.txt"), SECRET),
    );
    expect(err).toBeInstanceOf(SecretFileError);
    expect(err.message).toMatch(/does not hold a chatsync signing secret/);
    expect(await readFile(victim, "utf8")).toBe("important notes\n");
    expect((await stat(victim)).mode & 0o777).toBe(0o644);
  });

  it("never writes through a symlink, even to a secret-looking target", async () => {
    const target = join(outside, "target.whsec");
    await writeFile(target, `${OLD}\n`);
    const link = join(project, "loc.whsec");
    await symlink(target, link);
    const err = await refusal(writeSecretFile(link, SECRET));
    expect(err.message).toMatch(/symbolic link/);
    expect(await readFile(target, "utf8")).toBe(`${OLD}\n`);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
  });

  it("refuses a dangling symlink rather than creating its target", async () => {
    const target = join(outside, "created-by-accident");
    const link = join(project, "loc.whsec");
    await symlink(target, link);
    await refusal(writeSecretFile(link, SECRET));
    await expect(stat(target)).rejects.toThrow();
  });
});

describe("checkSecretFileTarget (before the subscription is created)", () => {
  it("refuses a directory, saying nothing was created", async () => {
    const err = await refusal(checkSecretFileTarget(project, project));
    expect(err.message).toMatch(/is a directory/);
    expect(err.message).toMatch(/Nothing was created/);
  });

  it("accepts a new path inside the project without a warning", async () => {
    expect(await checkSecretFileTarget(join(project, "a", "b.whsec"), project)).toBeUndefined();
  });

  it("warns for a path that a symlinked folder leads outside the project", async () => {
    await symlink(outside, join(project, "secrets"));
    expect(await checkSecretFileTarget(join(project, "secrets", "x.whsec"), project)).toMatch(
      /outside the project folder/,
    );
  });

  it("warns for a path outside the project folder", async () => {
    expect(await checkSecretFileTarget(join(outside, "x.whsec"), project)).toMatch(
      /outside the project folder/,
    );
  });
});
