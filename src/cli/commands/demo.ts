/**
 * `chatsync demo` — the main job behind `npm start`. Runs the quickstart example against an
 * emulator embedded in this process, through the engine's programmatic API
 * (src/sync-engine/index.ts): plan, apply (auto-approved), then plan again to show that nothing
 * is left to do.
 *
 * Every run starts over: `.chatsync/demo/` under the current directory is wiped, the emulator
 * account starts empty, and the example is copied there so state (`state.json`) and secrets
 * (`secrets/`) land in that gitignored folder instead of next to the example. Running it twice
 * gives the same output.
 */
import type { Command } from "commander";
import { CliError } from "../cli-error.js";

export interface DemoOptions {
  /** Example config to run (a file or a folder). Default: the package's examples/quickstart.yaml. */
  config?: string;
  /** Working folder, wiped at start. Default: `.chatsync/demo` under the current directory. */
  dir?: string;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the quickstart example against an embedded emulator: plan, apply, plan again")
    .option(
      "--config <file>",
      "example config to run, a YAML file or a folder of them (default: examples/quickstart.yaml of this package)",
    )
    .option(
      "--dir <folder>",
      "working folder for state and secrets, wiped first (default: .chatsync/demo)",
    )
    .action(async (opts: DemoOptions) => {
      await runDemo(opts);
    });
}

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  // Everything heavy is imported here, so `chatsync --version` never pays for it.
  const { access, cp, mkdir, rm } = await import("node:fs/promises");
  const { basename, dirname, join, resolve } = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const engine = await import("../../sync-engine/index.js");
  const { LinqClient } = await import("../../sync-engine/client/linq-client.js");
  const { loadDesired } = await import("../load-desired.js");
  const { linesOf } = await import("../engine-run.js");
  const { startEmulator } = await import("../../emulator/index.js");

  const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
  const source = resolve(options.config ?? join(packageRoot, "examples", "quickstart.yaml"));
  try {
    await access(source);
  } catch {
    throw new CliError(
      `demo: example config ${source} not found; pass --config FILE or restore examples/quickstart.yaml`,
    );
  }
  const dir = resolve(options.dir ?? join(process.cwd(), ".chatsync", "demo"));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const config = join(dir, basename(source));
  // A folder of YAML files (examples/full) is copied whole and read as one configuration.
  await cp(source, config, { recursive: true });
  const statePath = join(dir, "state.json");

  const { useColor } = await import("../engine-options.js");
  const color = useColor({ color: true }, process.stdout);
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const loaded = await loadDesired([config], {
    cwd: dir,
    color,
    warn: (t) => process.stderr.write(t),
  });
  // The example's default secret_file (.chatsync/secrets/ beside the copied example) would nest
  // a second .chatsync/ in the demo folder; the demo keeps its secrets in <dir>/secrets/.
  const nested = join(dir, ".chatsync", "secrets");
  const desired = {
    ...loaded.state,
    webhooks: Object.fromEntries(
      Object.entries(loaded.state.webhooks).map(([key, w]) => [
        key,
        w.secret_file !== undefined && dirname(w.secret_file) === nested
          ? { ...w, secret_file: join(dir, "secrets", basename(w.secret_file)) }
          : w,
      ]),
    ),
  };

  // The emulator owns exactly the lines the example sends from.
  const emulator = await startEmulator({
    host: "127.0.0.1",
    port: 0,
    phoneNumbers: linesOf(desired).sort(),
  });
  const api = new LinqClient({ token: emulator.token, baseUrl: emulator.baseUrl });
  try {
    say(`chatsync demo: ${source}`);
    say(
      `embedded emulator at ${emulator.baseUrl} (lines ${emulator.phoneNumbers.join(", ")}); state in ${dir}\n`,
    );

    say("== 1/3  plan ==");
    const first = await engine.runPlan({ desired, api, statePath });
    process.stdout.write(engine.renderPlanHuman(first, { color }));
    if (first.errors.length > 0) {
      throw new CliError(
        `demo: the example's plan has errors: ${first.errors.map((e) => e.message).join("; ")}`,
      );
    }

    say("\n== 2/3  apply (auto-approved) ==");
    const { outcome } = await engine.runApply({
      desired,
      api,
      statePath,
      progress: engine.plainProgress(process.stdout, color),
    });
    if (outcome.failed.length > 0) {
      throw new CliError(
        `demo: apply failed for ${outcome.failed.map((f) => `${f.address} (${f.error})`).join(", ")}`,
      );
    }
    say(`Applied ${outcome.succeeded.length} address(es).`);

    say("\n== 3/3  plan again ==");
    const second = await engine.runPlan({ desired, api, statePath });
    process.stdout.write(engine.renderPlanHuman(second, { color }));
    if (engine.hasChanges(second)) {
      throw new CliError(
        "demo: the plan after apply still has changes; apply did not converge — this is a bug",
      );
    }
    say("\nDemo complete: the account matches the declared state; nothing is left to do.");
  } finally {
    await api.close();
    await emulator.close();
  }
}
