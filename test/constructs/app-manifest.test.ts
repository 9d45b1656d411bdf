import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  AppCommandError,
  desiredStateFromApp,
  loadResultFromApp,
} from "../../src/cli/app-manifest.js";
import { ManifestError, manifestJson } from "../../src/sync-engine/model/manifest.js";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const node = JSON.stringify(process.execPath);

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the app to fail");
}

describe("desiredStateFromApp (--app)", () => {
  it("runs the example CDK app and reads the manifest it writes (npm run build first)", async () => {
    const out = sink();
    const state = await desiredStateFromApp(`${node} dist/examples-cdk/main.js`, {
      cwd: repoRoot,
      output: out.stream,
    });
    const yaml = await loadConfig(["examples/quickstart.yaml"], { cwd: repoRoot });
    expect(yaml.state).toBeDefined();
    expect(manifestJson(state)).toBe(manifestJson(yaml.state!));
  });

  it("passes the app's output to the given stream, not stdout", async () => {
    const out = sink();
    const app = `${node} -e "console.log('synthesizing'); require('fs').writeFileSync(process.env.CHATSYNC_MANIFEST_OUT, JSON.stringify({manifest_version:1,desired:{version:1,chats:{},webhooks:{},contact_cards:{}}}))"`;
    const state = await desiredStateFromApp(app, { output: out.stream });
    expect(state).toEqual({ version: 1, chats: {}, webhooks: {}, contact_cards: {} });
    expect(out.text()).toContain("synthesizing");
  });

  it("reports a failing command with its exit code", async () => {
    const err = await failure(
      desiredStateFromApp(`${node} -e "process.exit(3)"`, { output: sink().stream }),
    );
    expect(err).toBeInstanceOf(AppCommandError);
    expect((err as AppCommandError).code).toBe("CHATSYNC_APP_FAILED");
    expect(err.message).toMatch(/failed \(exit code 3\)/);
  });

  it("reports an app that writes no manifest, saying how to write one", async () => {
    const err = await failure(desiredStateFromApp(`${node} -e "0"`, { output: sink().stream }));
    expect((err as AppCommandError).code).toBe("CHATSYNC_APP_NO_MANIFEST");
    expect(err.message).toMatch(/\$CHATSYNC_MANIFEST_OUT; call emitManifest\(app\)/);
  });

  it("passes the app's warnings on to chatsync's stderr", async () => {
    // The manifest path's only chance to show a rule's warning is the app's own stderr.
    const index = JSON.stringify(pathToFileURL(join(repoRoot, "dist/constructs/index.js")).href);
    const app = [
      `const { Construct } = await import("constructs");`,
      `const c = await import(${index});`,
      `const root = new Construct(undefined, "");`,
      `new c.GroupChat(root, "eng", { from: "+12025550100", participants: ["+14155550101", "+14155550102"], welcomeMessage: "Hi", shareContactCard: true });`,
      `c.emitManifest(root);`,
    ].join(" ");
    const out = sink();
    await desiredStateFromApp(`${node} --input-type=module -e ${JSON.stringify(app)}`, {
      cwd: repoRoot,
      output: out.stream,
    });
    expect(out.text()).toContain(
      'eng (/chats/eng): warning: chat "eng" shares the contact card of +12025550100',
    );
  });

  it("validates what the app wrote", async () => {
    const app = `${node} -e "require('fs').writeFileSync(process.env.CHATSYNC_MANIFEST_OUT, '{}')"`;
    const err = await failure(desiredStateFromApp(app, { output: sink().stream }));
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).code).toBe("CHATSYNC_MANIFEST_MALFORMED");
  });
});

describe("loadResultFromApp (validate --app)", () => {
  it("gives the app's state with no diagnostics", async () => {
    const result = await loadResultFromApp(`${node} dist/examples-cdk/main.js`, {
      cwd: repoRoot,
      output: sink().stream,
    });
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(result.state?.chats ?? {}).sort()).toEqual(["alice", "eng-oncall"]);
  });

  it("turns a failing app into one error diagnostic", async () => {
    const result = await loadResultFromApp(`${node} -e "process.exit(3)"`, {
      output: sink().stream,
    });
    expect(result.state).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", path: "" });
    expect(result.diagnostics[0]?.message).toMatch(/failed \(exit code 3\)/);
  });

  it("reports each broken rule of a hand-written manifest", async () => {
    const manifest = JSON.stringify({
      manifest_version: 1,
      desired: {
        version: 1,
        chats: {
          eng: {
            key: "eng",
            type: "group",
            from: "+12025550100",
            participants: ["+14155550101", "+14155550102"],
            welcome_message: "see https://example.com",
          },
        },
        webhooks: {},
        contact_cards: {},
      },
    });
    const app = `${node} -e "require('fs').writeFileSync(process.env.CHATSYNC_MANIFEST_OUT, process.argv[1])" ${JSON.stringify(manifest).replace(/\$/g, "\\$")}`;
    const result = await loadResultFromApp(app, { output: sink().stream });
    expect(result.state).toBeUndefined();
    expect(result.diagnostics.map((d) => d.path)).toContain("/chats/eng/welcome_message");
  });
});

describe("chatsync plan --app (the binary)", () => {
  const bin = join(repoRoot, "dist", "cli", "main.js");
  const chatsync = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, LINQ_API_TOKEN: "unused", NO_COLOR: "1" },
    });

  it("stops with the app's failure, exit 1 and no stack trace", () => {
    const r = chatsync(["plan", "--app", `${node} -e "process.exit(4)"`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: the --app command .* failed \(exit code 4\)/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses --app together with a PATH", () => {
    const r = chatsync(["plan", "examples/quickstart.yaml", "--app", "true"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--app and PATH exclude each other");
  });

  it("validate --app checks the example app without touching the network", () => {
    const r = chatsync(["validate", "--app", `${node} dist/examples-cdk/main.js`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("2 chats, 1 webhook, 1 contact card\n");
  });

  it("validate --app reports a failing app as an error, in --json too", () => {
    const r = chatsync(["validate", "--app", `${node} -e "process.exit(4)"`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: the --app command .* failed \(exit code 4\)/);
    const json = chatsync(["validate", "--json", "--app", `${node} -e "process.exit(4)"`]);
    expect(json.status).toBe(1);
    const rows = JSON.parse(json.stdout) as { severity: string; message: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: "error" });
    expect(rows[0]?.message).toMatch(/failed \(exit code 4\)/);
  });

  it("validate refuses --app together with a PATH", () => {
    const r = chatsync(["validate", "examples/quickstart.yaml", "--app", "true"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--app and PATH exclude each other");
  });

  it("is listed in plan, apply and validate --help", () => {
    for (const command of ["plan", "apply", "validate"]) {
      expect(chatsync([command, "--help"]).stdout).toContain("--app <command>");
    }
  });
});

describe("the --app child's environment (issue 10 item 9)", () => {
  it("does not inherit the API token, the SDK key or a PostgreSQL password", async () => {
    const out = sink();
    const app = `${node} -e "console.log(JSON.stringify(process.env)); require('fs').writeFileSync(process.env.CHATSYNC_MANIFEST_OUT, JSON.stringify({manifest_version:1,desired:{version:1,chats:{},webhooks:{},contact_cards:{}}}))"`;
    await desiredStateFromApp(app, {
      output: out.stream,
      env: {
        ...process.env,
        LINQ_API_TOKEN: "tok_app_must_not_see",
        LINQ_API_V3_API_KEY: "tok_sdk_must_not_see",
        PGPASSWORD: "pg-must-not-see",
        CHATSYNC_STATE: "postgres://ci:pg-url-must-not-see@db.chatsync.invalid/chatsync",
        KEEP_ME: "visible",
      },
    });
    const seen = out.text();
    expect(seen).toContain("KEEP_ME");
    for (const secret of ["tok_app", "tok_sdk", "pg-must-not-see", "pg-url-must-not-see"])
      expect(seen).not.toContain(secret);
  });
});
