/**
 * The one way `plan` and `apply` read the desired state: YAML files and folders through the
 * same loader and checks as `validate`, or a `.json` canonical manifest (what the CDK bridge
 * writes). Invalid input stops here, before any network call, with file:line:column.
 */
import { dirname, resolve, sep } from "node:path";
import type { DesiredState } from "../sync-engine/model/desired-state.js";
import { CliError } from "./cli-error.js";

export interface LoadedDesired {
  state: DesiredState;
  /** Absolute paths of the files read; the first decides the default state location. */
  files: string[];
}

export interface LoadDesiredOptions {
  cwd: string;
  color: boolean;
  /** Where warnings go. */
  warn: (text: string) => void;
  /** Reuse the desired state of an unchanged clean configuration (plan and apply; see desired-state-cache). */
  cache?: boolean;
}

export function isManifestPath(path: string): boolean {
  return /\.json$/i.test(path);
}

export async function loadDesired(
  paths: string[],
  opts: LoadDesiredOptions,
): Promise<LoadedDesired> {
  if (paths.length === 1 && isManifestPath(paths[0] as string)) {
    const file = resolve(opts.cwd, paths[0] as string);
    const { readManifest } = await import("../sync-engine/model/manifest.js");
    try {
      return { state: await readManifest(file), files: [file] };
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  if (paths.some(isManifestPath)) {
    throw new CliError(
      "a .json manifest must be the only PATH (it is a complete desired state); pass YAML files and folders without it",
    );
  }
  const [{ loadConfig }, { formatDiagnostic, hasErrors }, { desiredStateCache }] =
    await Promise.all([
      import("../sync-engine/config/load-config.js"),
      import("../sync-engine/config/diagnostics.js"),
      import("./desired-state-cache.js"),
    ]);
  const result = await loadConfig(paths, {
    cwd: opts.cwd,
    ...(opts.cache ? { cache: desiredStateCache } : {}),
  });
  const shown = result.diagnostics.map((d) => {
    const sourceText = d.file !== undefined ? result.sources.get(d.file) : undefined;
    return formatDiagnostic(d, {
      color: opts.color,
      ...(sourceText !== undefined ? { sourceText } : {}),
    });
  });
  if (hasErrors(result.diagnostics) || !result.state) {
    const n = result.diagnostics.filter((d) => d.severity === "error").length;
    throw new CliError(
      `the configuration has ${n} error${n === 1 ? "" : "s"}; nothing was planned:\n${shown.join("\n")}`,
      1,
      { code: "INVALID_CONFIG", data: { diagnostics: result.diagnostics } },
    );
  }
  for (const text of shown) opts.warn(`${text}\n`);
  return { state: result.state, files: result.files };
}

/**
 * SPEC §3: `.chatsync/state.json` beside the first PATH (a folder holds it inside).
 * A manifest synthesized into `cdktf.out/` is the exception: synthesis rewrites that folder,
 * so a state "beside" it would be lost and the next run would plan every chat again.
 */
export function defaultStatePath(files: readonly string[], cwd: string): string {
  const first = files[0];
  if (first && first.split(sep).includes("cdktf.out")) {
    throw new CliError(
      `${first} is inside cdktf.out, which every synthesis rewrites, so no state can live beside it; pass --state with the stack's state file (the bridge's commands use --state .chatsync/state.json from the project root), or plan the app with --app`,
    );
  }
  return resolve(first ? dirname(first) : cwd, ".chatsync", "state.json");
}
