/**
 * The manifest side of synthesis: construct tree → `{"manifest_version":1,"desired":...}`.
 * Needs only `constructs`, so an app that never touches Terraform never loads cdktf.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { IConstruct } from "constructs";
import { formatDiagnostic } from "../sync-engine/config/diagnostics.js";
import { manifestJson, MANIFEST_OUT_ENV } from "../sync-engine/model/manifest.js";
import { synthesizeDesiredState } from "./synthesize-desired-state.js";

/** Where warnings of the rules go (one line each, newline included). */
export type WarningSink = (line: string) => void;

const toStderr: WarningSink = (line) => process.stderr.write(line);

/** The canonical manifest of every managed object under `scope` (validated; throws on errors). */
export function synthesizeManifest(scope: IConstruct): string {
  return manifestJson(synthesizeDesiredState(scope).state);
}

/**
 * Writes the manifest of `scope` to `file` (folders created as needed) and returns `file`.
 * Warnings of the rules (say, a shared contact card that is not declared) go to `warn`, as
 * `chatsync validate` prints them for YAML files: the manifest itself cannot carry them.
 */
export function writeManifest(
  scope: IConstruct,
  file: string,
  warn: WarningSink = toStderr,
): string {
  const { state, warnings } = synthesizeDesiredState(scope);
  for (const w of warnings) warn(`${formatDiagnostic(w)}\n`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, manifestJson(state));
  return file;
}

/**
 * For apps run by `chatsync plan|apply --app "<command>"`: when `CHATSYNC_MANIFEST_OUT` is set,
 * writes the manifest there (warnings to `warn`, by default stderr, which chatsync passes on)
 * and returns the path; otherwise does nothing and returns undefined. Call it once, after the
 * tree is complete.
 */
export function emitManifest(
  scope: IConstruct,
  env: NodeJS.ProcessEnv = process.env,
  warn: WarningSink = toStderr,
): string | undefined {
  const target = env[MANIFEST_OUT_ENV];
  if (target === undefined || target === "") return undefined;
  return writeManifest(scope, target, warn);
}
