import type { Command } from "commander";
import { CliError } from "../cli-error.js";

interface ValidateOptions {
  json?: boolean;
  color?: boolean;
  app?: string;
}

/** `--app`: the construct app's manifest instead of files (src/cli/app-manifest.ts). */
async function loadFromApp(command: string, paths: string[]) {
  if (paths.length > 0) {
    throw new CliError(
      "--app and PATH exclude each other: the app's manifest is the whole desired state",
    );
  }
  const { loadResultFromApp } = await import("../app-manifest.js");
  return loadResultFromApp(command);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * `chatsync validate [PATH...]`: parse, schema, normalization and static API-rule checks; no
 * network. Exit 0 when valid (summary on stdout, warnings on stderr), 1 otherwise.
 */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check chatsync files (parse, schema, API rules) without touching the network")
    .argument("[paths...]", "YAML files or folders (default: ./chatsync.yaml, else ./chatsync/)")
    .option("--json", "print the diagnostics as a JSON array on stdout")
    .option("--no-color", "no colour in the output (also NO_COLOR)")
    .option(
      "--app <command>",
      `run a CDK app (like cdktf's "app") and validate the manifest it writes to $CHATSYNC_MANIFEST_OUT instead of PATH`,
    )
    .action(async (paths: string[], opts: ValidateOptions) => {
      // Loaded lazily so `chatsync --version` does not pay for ajv and yaml.
      const [{ loadConfig }, { formatDiagnostic, hasErrors }, { useColor }] = await Promise.all([
        import("../../sync-engine/config/load-config.js"),
        import("../../sync-engine/config/diagnostics.js"),
        import("../engine-options.js"),
      ]);
      const result =
        opts.app === undefined ? await loadConfig(paths) : await loadFromApp(opts.app, paths);
      const failed = hasErrors(result.diagnostics) || result.state === undefined;

      if (opts.json) {
        const rows = result.diagnostics.map((d) => ({
          file: d.file ?? null,
          line: d.line ?? null,
          column: d.column ?? null,
          message: d.message,
          path: d.path,
          severity: d.severity,
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        // The same colour rule as plan/apply: a terminal or FORCE_COLOR, never merely because
        // CI is set (picocolors' own default), since CI logs are often read as plain text.
        const color = useColor({ color: opts.color }, process.stderr);
        for (const d of result.diagnostics) {
          const sourceText = d.file !== undefined ? result.sources.get(d.file) : undefined;
          process.stderr.write(
            `${formatDiagnostic(d, { color, ...(sourceText !== undefined ? { sourceText } : {}) })}\n`,
          );
        }
        if (failed) {
          const errors = result.diagnostics.filter((d) => d.severity === "error").length;
          process.stderr.write(
            `${plural(errors, "error")}; nothing is valid until they are fixed.\n`,
          );
        }
      }
      if (failed || !result.state) {
        process.exitCode = 1;
        return;
      }
      const s = result.state;
      const summary = `${plural(Object.keys(s.chats).length, "chat")}, ${plural(Object.keys(s.webhooks).length, "webhook")}, ${plural(Object.keys(s.contact_cards).length, "contact card")}`;
      if (opts.json) process.stderr.write(`${summary}\n`);
      else process.stdout.write(`${summary}\n`);
    });
}
