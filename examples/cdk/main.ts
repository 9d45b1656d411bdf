/**
 * The example CDK app (cdktf.json `app`). Two outputs from one tree:
 * - run by `chatsync plan|apply --app "node dist/examples-cdk/main.js"` (CHATSYNC_MANIFEST_OUT
 *   set): writes the desired-state manifest there and nothing else;
 * - run by `npm run synth` / `cdktf synth`: writes cdktf.out/stacks/chatsync-quickstart/
 *   cdk.tf.json (null_resources driving `chatsync apply`) and chatsync.manifest.json beside it.
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { App, TerraformStack } from "cdktf";
import { emitManifest } from "../../dist/constructs/index.js";
import { ChatSyncTerraformBridge } from "../../dist/constructs/terraform-bridge.js";
import { declareQuickstartChats } from "./quickstart-chats.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));

const app = new App();
const stack = new TerraformStack(app, "chatsync-quickstart");
// Secrets resolve against examples/, the folder of the YAML quickstart, so both paths agree.
declareQuickstartChats(stack, { baseDir: examplesDir });

if (emitManifest(app) === undefined) {
  const bridge = new ChatSyncTerraformBridge(stack, "chatsync-bridge", {
    // This repository runs its own build; an app that depends on chatsync leaves this out
    // and gets "chatsync" from node_modules/.bin.
    // Relative to the project root, where `npm run synth` runs.
    chatsyncEntryPoint: relative(process.cwd(), join(repoRoot, "dist", "cli", "main.js")),
  });
  app.synth();
  if (process.env.CDKTF_OUTDIR === undefined) {
    // Run by `npm run synth` rather than the cdktf CLI, which reports on its own: say what was written.
    const stackDir = relative(process.cwd(), join(app.outdir, "stacks", stack.node.id));
    process.stdout.write(
      `Synthesized stack ${stack.node.id}: ${join(stackDir, "cdk.tf.json")} and ${join(stackDir, bridge.manifestFileName)}\n`,
    );
  }
}
