/**
 * The package as a user installs it (issue 11, item 1): `npm pack`, then `npm install` of the
 * tarball into a fresh project, then `npx chatsync`. Proves `files` (dist, schemas, examples),
 * `bin` and the shebang — none of which the in-repo tests exercise. Dependencies come from the
 * npm cache when they are there (`--prefer-offline`); the only network is the npm registry.
 * Needs `npm run build` (pretest does it): the tarball is packed without running the build.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../support/cli.js";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

/** Anything pointing chatsync at a real API is removed: the project talks to its own emulator. */
function projectEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const k of [
    "LINQ_API_TOKEN",
    "LINQ_API_V3_API_KEY",
    "LINQ_API_BASE_URL",
    "LINQ_API_V3_BASE_URL",
  ])
    delete env[k];
  return env;
}

describe("installing the packed tarball", { timeout: 180_000 }, () => {
  let work = "";
  let project = "";
  const version = async () =>
    (JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
      .version;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "chatsync-pack-"));
    // --ignore-scripts: skip prepack's build, which the test suite's pretest already ran.
    await run(npm, ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
      cwd: REPO_ROOT,
    });
    const tarball = (await readdir(work)).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
    project = join(work, "project");
    await mkdir(project);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "my-chats", version: "1.0.0", private: true }),
    );
    await run(
      npm,
      ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball)],
      { cwd: project, env: projectEnv() },
    );
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("npx chatsync --version prints the package version", async () => {
    const { stdout } = await run(npx, ["--no-install", "chatsync", "--version"], {
      cwd: project,
      env: projectEnv(),
    });
    expect(stdout.trim()).toBe(await version());
  });

  it("npx chatsync plan --emulator plans the packaged quickstart", async () => {
    // The example ships in the package (`files`), as the README's quickstart uses it.
    await copyFile(
      join(project, "node_modules", "chatsync", "examples", "quickstart.yaml"),
      join(project, "chatsync.yaml"),
    );
    const { stdout } = await run(npx, ["--no-install", "chatsync", "plan", "--emulator"], {
      cwd: project,
      env: projectEnv(),
    });
    expect(stdout).toMatch(/Plan: \d+ to create/);
    expect(stdout).toContain("chat.eng-oncall");
  });
});
