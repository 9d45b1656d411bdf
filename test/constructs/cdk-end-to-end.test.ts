/**
 * The CDK path end to end, against a loopback emulator: the example app and the YAML quickstart
 * give byte-identical manifests and identical plans, and the provisioner commands the cdktf
 * bridge synthesizes, run with a shell exactly as Terraform would run them, apply and then
 * remove their objects. Needs `npm run build` (dist/cli/main.js, dist/examples-cdk/main.js).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { App, TerraformStack } from "cdktf";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";
import { manifestJson } from "../../src/sync-engine/model/manifest.js";
import { synthesizeDesiredState } from "../../src/constructs/index.js";
import { GroupChat } from "../../dist/constructs/index.js";
import { declareQuickstartChats } from "../../examples/cdk/quickstart-chats.js";
import { ChatSyncTerraformBridge } from "../../dist/constructs/terraform-bridge.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(repoRoot, "dist", "cli", "main.js");
const examplesDir = join(repoRoot, "examples");
const quickstart = join(examplesDir, "quickstart.yaml");
const LINE = "+12025550100";

let emulator: RunningEmulator;
let work: string;

function apiEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LINQ_API_TOKEN: emulator.token,
    LINQ_API_BASE_URL: emulator.baseUrl,
    NO_COLOR: "1",
  };
}

/** Runs the chatsync binary; never throws, so failures show stderr in the assertion. */
async function chatsync(
  args: string[],
  cwd = work,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [cli, ...args], {
      cwd,
      env: apiEnv(),
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? String(err),
    };
  }
}

/** What Terraform does to a JSON string before the shell sees it: `$${` → `${`, `%%{` → `%{`. */
function evaluateLiteral(text: string): string {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

async function shell(command: string, cwd: string): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run("/bin/sh", ["-c", command], { cwd, env: apiEnv() });
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stderr: e.stderr ?? String(err) };
  }
}

async function emulatorState(): Promise<{
  chats: unknown[];
  subscriptions?: unknown[];
  webhook_subscriptions?: unknown[];
}> {
  const res = await fetch(`${emulator.origin}/__emulator/state`);
  return (await res.json()) as { chats: unknown[] };
}

async function resetEmulator(): Promise<void> {
  await fetch(`${emulator.origin}/__emulator/reset`, { method: "POST" });
}

interface PlanJson {
  changes: { address: string; action: string; steps: unknown[] }[];
  summary: Record<string, number>;
  warnings: unknown[];
  errors: unknown[];
  drift: unknown[];
  live_fingerprint: string;
}

function comparable(plan: PlanJson) {
  return {
    changes: plan.changes,
    summary: plan.summary,
    warnings: plan.warnings,
    errors: plan.errors,
    drift: plan.drift,
    live_fingerprint: plan.live_fingerprint,
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, phoneNumbers: [LINE, "+12025550111"] });
  work = mkdtempSync(join(tmpdir(), "chatsync-cdk-e2e-"));
});

afterAll(async () => {
  await emulator?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("YAML quickstart and CDK example are the same declaration", () => {
  it("produce byte-identical manifests", async () => {
    const yaml = await loadConfig([quickstart], { cwd: repoRoot });
    expect(yaml.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const app = new App({ outdir: join(work, "unused") });
    const stack = new TerraformStack(app, "chatsync-quickstart");
    declareQuickstartChats(stack, { baseDir: examplesDir });
    expect(manifestJson(synthesizeDesiredState(app).state)).toBe(manifestJson(yaml.state!));
  });

  it("plan the same against one emulator account, before and after an apply", async () => {
    await resetEmulator();
    // A copy of the quickstart and an app declaring the example's chats, both in a temp folder,
    // so secret files land there and not in the repository.
    const dir = join(work, "equivalence");
    mkdirSync(dir, { recursive: true });
    const yamlFile = join(dir, "quickstart.yaml");
    copyFileSync(quickstart, yamlFile);
    const appFile = join(dir, "app.mjs");
    const url = (p: string) => JSON.stringify(pathToFileURL(join(repoRoot, p)).href);
    writeFileSync(
      appFile,
      [
        `import { Construct } from ${url("node_modules/constructs/lib/index.js")};`,
        `import { emitManifest } from ${url("dist/constructs/index.js")};`,
        `import { declareQuickstartChats } from ${url("dist/examples-cdk/quickstart-chats.js")};`,
        `const app = new Construct(undefined, "");`,
        `declareQuickstartChats(app, { baseDir: ${JSON.stringify(dir)} });`,
        `emitManifest(app);`,
      ].join("\n"),
    );
    const app = `${JSON.stringify(process.execPath)} app.mjs`;
    const state = join(dir, "state.json");

    const yamlPlan = await chatsync(
      ["plan", yamlFile, "--state", state, "--out", join(dir, "yaml.plan.json")],
      dir,
    );
    expect(yamlPlan.code, yamlPlan.stderr).toBe(0);
    const appPlan = await chatsync(
      ["plan", "--app", app, "--state", state, "--out", join(dir, "app.plan.json")],
      dir,
    );
    expect(appPlan.code, appPlan.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "yaml.plan.json"), "utf8")) as PlanJson;
    const b = JSON.parse(readFileSync(join(dir, "app.plan.json"), "utf8")) as PlanJson;
    expect(a.summary.create).toBe(4);
    expect(comparable(b)).toEqual(comparable(a));

    // Applied from YAML, the account is exactly what the CDK app declares.
    const applied = await chatsync(["apply", yamlFile, "--state", state, "--auto-approve"], dir);
    expect(applied.code, applied.stderr).toBe(0);
    const after = await chatsync(
      ["plan", "--app", app, "--state", state, "--detailed-exitcode"],
      dir,
    );
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });
});

type NullResourceJson = {
  triggers: Record<string, string>;
  depends_on?: string[];
  provisioner: { "local-exec": { command: string; when?: string } }[];
};

/** Synthesizes `declare`'s objects with the bridge and returns the commands Terraform would run. */
function synthesizeCommands(
  name: string,
  declare: (stack: TerraformStack) => void,
): { stackDir: string; stateFile: string; applies: string[]; destroys: string[] } {
  const outdir = join(work, name, "cdktf.out");
  const stateFile = join(work, name, "state.json");
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  declare(stack);
  new ChatSyncTerraformBridge(stack, "chatsync-bridge", { chatsyncEntryPoint: cli, stateFile });
  app.synth();
  const stackDir = join(outdir, "stacks", name);
  const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource: { null_resource: Record<string, NullResourceJson> };
  };
  // Terraform's order: a resource after everything in its depends_on (the bridge chains them).
  const ordered: string[] = [];
  const visit = (id: string): void => {
    if (ordered.includes(id)) return;
    for (const dep of tf.resource.null_resource[id]?.depends_on ?? []) {
      visit(dep.replace(/^null_resource\./, ""));
    }
    ordered.push(id);
  };
  Object.keys(tf.resource.null_resource).forEach(visit);
  const resources = ordered.map((id) => tf.resource.null_resource[id] as NullResourceJson);
  // `${self.triggers.X}` is all a provisioner command says; resolve it like Terraform.
  const commandOf = (r: NullResourceJson, when?: string) => {
    const p = r.provisioner.find((x) => x["local-exec"].when === when)?.["local-exec"].command;
    const field = /^\$\{self\.triggers\.(\w+)\}$/.exec(p ?? "")?.[1];
    return field === undefined ? undefined : evaluateLiteral(r.triggers[field] ?? "");
  };
  return {
    stackDir,
    stateFile,
    applies: resources.map((r) => commandOf(r)).filter((c): c is string => c !== undefined),
    // Destroys run in the reverse order.
    destroys: resources
      .map((r) => commandOf(r, "destroy"))
      .filter((c): c is string => c !== undefined)
      .reverse(),
  };
}

async function runAll(commands: string[], cwd: string): Promise<void> {
  for (const command of commands) {
    const r = await shell(command, cwd);
    expect(r.code, `${command}\n${r.stderr}`).toBe(0);
  }
}

describe("synthesized provisioner commands, run as Terraform runs them", () => {
  it("apply every quickstart object, leave nothing to do, then remove every object", async () => {
    await resetEmulator();
    const { stackDir, stateFile, applies, destroys } = synthesizeCommands("quickstart", (stack) => {
      declareQuickstartChats(stack, { baseDir: join(work, "quickstart") });
    });
    expect(applies).toHaveLength(4);
    expect(destroys).toHaveLength(4);

    await runAll(applies, stackDir);
    const live = JSON.stringify(await emulatorState());
    expect(live).toContain("Eng On-Call");
    expect(live).toContain("https://hooks.example.com/linq/location");
    expect(
      existsSync(join(work, "quickstart", ".chatsync", "secrets", "location-events.whsec")),
    ).toBe(true);

    // Nothing is left to do: the engine's own plan over the same manifest and state agrees.
    const noop = await chatsync([
      "plan",
      join(stackDir, "chatsync.manifest.json"),
      "--state",
      stateFile,
      "--detailed-exitcode",
    ]);
    expect(noop.code, noop.stdout + noop.stderr).toBe(0);

    const managed = () =>
      Object.keys(
        (JSON.parse(readFileSync(stateFile, "utf8")) as { resources: Record<string, unknown> })
          .resources,
      );
    const addresses = [
      "chat.eng-oncall",
      "chat.alice",
      "webhook.location-events",
      `contact_card.${LINE}`,
    ];
    expect(managed()).toEqual(expect.arrayContaining(addresses));

    await runAll(destroys, stackDir);
    const gone = JSON.stringify(await emulatorState());
    expect(gone).not.toContain("https://hooks.example.com/linq/location");
    // No longer managed: the addresses are gone from the state's resources.
    for (const address of addresses) {
      expect(managed()).not.toContain(address);
    }
  });

  it("a roster edit re-synthesized changes only the apply resource, and its command updates the same chat", async () => {
    await resetEmulator();
    const declare = (participants: string[]) => (stack: TerraformStack) => {
      new GroupChat(stack, "roster-edit", {
        from: LINE,
        displayName: "Roster Edit",
        participants,
        welcomeMessage: "Roster edit test.",
      });
    };
    const triggersOf = (stackDir: string) => {
      const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
        resource: { null_resource: Record<string, NullResourceJson> };
      };
      const all = Object.values(tf.resource.null_resource).map((r) => r.triggers);
      return {
        apply: all.find((t) => t.apply_command !== undefined),
        teardown: all.find((t) => t.destroy_command !== undefined),
      };
    };
    const chatsNamed = async () => {
      const { chats } = (await emulatorState()) as unknown as {
        chats: { id: string; display_name: string | null; handles: { handle: string }[] }[];
      };
      return chats.filter((c) => c.display_name === "Roster Edit");
    };

    const v1 = synthesizeCommands("roster-edit", declare(["+14155550101", "+14155550102"]));
    const before = triggersOf(v1.stackDir);
    await runAll(v1.applies, v1.stackDir);
    const [created] = await chatsNamed();
    expect(created).toBeDefined();

    const v2 = synthesizeCommands(
      "roster-edit",
      declare(["+14155550101", "+14155550102", "+14155550103"]),
    );
    const after = triggersOf(v2.stackDir);
    // Terraform replaces the apply resource (its triggers changed) and keeps the teardown one
    // (identical triggers, and ignore_changes besides): nothing is removed.
    expect(after.apply?.spec_hash).not.toBe(before.apply?.spec_hash);
    expect(after.teardown).toEqual(before.teardown);
    await runAll(v2.applies, v2.stackDir);
    const chats = await chatsNamed();
    expect(chats.map((c) => c.id)).toEqual([created?.id]);
    expect(chats[0]?.handles.map((h) => h.handle)).toContain("+14155550103");
  });

  it("a group with onDelete: leave is left by its destroy command", async () => {
    await resetEmulator();
    const { stackDir, applies, destroys } = synthesizeCommands("leaving", (stack) => {
      new GroupChat(stack, "war-room", {
        from: LINE,
        displayName: "War Room",
        participants: ["+14155550101", "+14155550102", "+14155550103"],
        welcomeMessage: "War room is open.",
        onDelete: "leave",
      });
    });
    await runAll(applies, stackDir);
    const me = async () => {
      const { chats } = (await emulatorState()) as unknown as {
        chats: { display_name: string | null; handles: { is_me?: boolean; status?: string }[] }[];
      };
      const chat = chats.find((c) => c.display_name === "War Room");
      return chat?.handles.find((h) => h.is_me);
    };
    expect((await me())?.status ?? "active").toBe("active");
    await runAll(destroys, stackDir);
    expect((await me())?.status).toBe("left");
  });
});
