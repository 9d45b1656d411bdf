/**
 * The README's CDK usage example is a program that works: transpiled and run as a user would
 * run it, once by `chatsync plan --app` (manifest only) and once as `cdktf synth` would
 * (Terraform JSON). Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { readManifest } from "../../src/sync-engine/model/manifest.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The first ```ts block of the README's "CDK usage" section. */
function readmeExample(): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## CDK usage"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md: no ```ts block under "## CDK usage"');
  return block;
}

/** The example as a runnable module: imports pointed at this checkout, types stripped. */
function runnable(source: string): string {
  const url = (p: string) => pathToFileURL(join(repoRoot, p)).href;
  const rewritten = source
    .replace(/from "chatsync\/(dist\/[^"]+)"/g, (_, p: string) => `from "${url(p)}"`)
    .replace(/from "cdktf"/g, `from "${url("node_modules/cdktf/lib/index.js")}"`);
  return ts.transpileModule(rewritten, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

describe("README CDK usage example", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatsync-readme-cdk-"));
  const app = join(dir, "app.mjs");
  writeFileSync(app, runnable(readmeExample()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a valid manifest when run by chatsync --app", async () => {
    const out = join(dir, "manifest.json");
    await run(process.execPath, [app], {
      cwd: dir,
      env: { ...process.env, CHATSYNC_MANIFEST_OUT: out },
    });
    const state = await readManifest(out);
    expect(Object.keys(state.chats).sort()).toEqual(["alice", "bob", "eng-oncall"]);
    expect(Object.keys(state.webhooks)).toEqual(["location-events"]);
    expect(Object.keys(state.contact_cards)).toEqual(["+12025550100"]);
    // The manifest path stops before app.synth(): no Terraform JSON.
    expect(existsSync(join(dir, "cdktf.out", "stacks", "chats", "cdk.tf.json"))).toBe(false);
  });

  it("synthesizes Terraform JSON when run by cdktf", async () => {
    await run(process.execPath, [app], {
      cwd: dir,
      env: { ...process.env, CHATSYNC_MANIFEST_OUT: "" },
    });
    const stackDir = join(dir, "cdktf.out", "stacks", "chats");
    const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      resource: { null_resource: Record<string, unknown> };
    };
    // Two null_resources (apply and teardown) per managed object.
    expect(Object.keys(tf.resource.null_resource)).toHaveLength(10);
    expect(existsSync(join(stackDir, "chatsync.manifest.json"))).toBe(true);
  });
});
