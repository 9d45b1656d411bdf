/**
 * The example app as `cdktf.json` and `npm run synth` run it: plain `node`, no cdktf CLI, no
 * Terraform binary. Needs `npm run build`.
 */
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";
import { manifestJson } from "../../src/sync-engine/model/manifest.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cdktfJson = JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")) as { app: string };
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("the example CDK app", () => {
  it("is what cdktf.json and npm run synth run", () => {
    expect(cdktfJson.app).toBe("node dist/examples-cdk/main.js");
    expect(pkg.scripts.synth).toMatch(/node dist\/examples-cdk\/main\.js$/);
  });

  it("writes cdktf.out/stacks/<stack>/cdk.tf.json and the manifest without Terraform", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "chatsync-synth-app-"));
    const [, script] = cdktfJson.app.split(" ") as [string, string];
    const { stdout } = await run(process.execPath, [join(repoRoot, script)], { cwd });
    // `npm run synth` used to print nothing on success.
    expect(stdout).toBe(
      "Synthesized stack chatsync-quickstart: cdktf.out/stacks/chatsync-quickstart/cdk.tf.json and cdktf.out/stacks/chatsync-quickstart/chatsync.manifest.json\n",
    );
    const stackDir = join(cwd, "cdktf.out", "stacks", "chatsync-quickstart");
    expect(existsSync(join(cwd, "cdktf.out", "manifest.json"))).toBe(true);
    const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      resource: { null_resource: Record<string, { triggers: Record<string, string> }> };
    };
    const triggers = Object.values(tf.resource.null_resource).map((r) => r.triggers);
    expect(triggers.map((t) => t.address).sort()).toEqual(
      [
        "chat.alice",
        "chat.alice",
        "chat.eng-oncall",
        "chat.eng-oncall",
        "contact_card.+12025550100",
        "contact_card.+12025550100",
        "webhook.location-events",
        "webhook.location-events",
      ].sort(),
    );
    // The engine entry point (this repository's build) is written relative to the stack's working directory.
    const entry = /^node (\S+) apply /.exec(
      triggers.find((t) => t.apply_command)?.apply_command ?? "",
    )?.[1];
    expect(isAbsolute(entry ?? "/")).toBe(false);
    expect(resolve(stackDir, entry ?? "")).toBe(join(repoRoot, "dist", "cli", "main.js"));
    // The manifest beside it is the YAML quickstart's (the app resolves secrets like it).
    const yaml = await loadConfig([join(repoRoot, "examples", "quickstart.yaml")], {
      cwd: repoRoot,
    });
    expect(readFileSync(join(stackDir, "chatsync.manifest.json"), "utf8")).toBe(
      manifestJson(yaml.state!),
    );
  });
});
