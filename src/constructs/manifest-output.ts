/**
 * The manifest side of synthesis: construct tree → `{"manifest_version":1,"desired":...}`.
 * Needs only `constructs`, so an app that never touches Terraform never loads cdktf.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { IConstruct } from "constructs";
import { manifestJson, MANIFEST_OUT_ENV } from "../sync-engine/model/manifest.js";
import { synthesizeDesiredState } from "./synthesize-desired-state.js";

/** The canonical manifest of every managed object under `scope` (validated; throws on errors). */
export function synthesizeManifest(scope: IConstruct): string {
  return manifestJson(synthesizeDesiredState(scope).state);
}

/** Writes the manifest of `scope` to `file` (folders created as needed) and returns `file`. */
export function writeManifest(scope: IConstruct, file: string): string {
  const json = synthesizeManifest(scope);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json);
  return file;
}

/**
 * For apps run by `chatsync plan|apply --app "<command>"`: when `CHATSYNC_MANIFEST_OUT` is set,
 * writes the manifest there and returns the path; otherwise does nothing and returns undefined.
 * Call it once, after the tree is complete.
 */
export function emitManifest(
  scope: IConstruct,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const target = env[MANIFEST_OUT_ENV];
  if (target === undefined || target === "") return undefined;
  return writeManifest(scope, target);
}
