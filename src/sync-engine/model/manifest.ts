/**
 * The desired-state manifest: the canonical JSON form of a `DesiredState`, the hand-off between
 * a construct app (or any program) and the engine. `manifestJson` writes it; `readManifest`
 * reads it back and re-runs the YAML path's rules on it, so a hand-edited or stale manifest is
 * refused with the same messages a YAML file would get.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { canonicalJson } from "./canonical.js";
import type { DesiredState } from "./desired-state.js";
import { resolveDocuments } from "../config/resolve-document.js";
import { formatDiagnostic, type Diagnostic } from "../config/diagnostics.js";

export const MANIFEST_VERSION = 1;

/**
 * Environment variable `chatsync plan|apply --app "<command>"` sets for the app: the file the
 * app must write its manifest to (construct apps do it with `emitManifest`).
 */
export const MANIFEST_OUT_ENV = "CHATSYNC_MANIFEST_OUT";

export class ManifestError extends Error {
  constructor(
    readonly code:
      "CHATSYNC_MANIFEST_UNREADABLE" | "CHATSYNC_MANIFEST_MALFORMED" | "CHATSYNC_MANIFEST_INVALID",
    message: string,
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ManifestError";
  }
}

/**
 * `{"manifest_version":1,"desired":<state>}`: the version first, so a reader (or `head -c`)
 * sees it before the payload, and the state in canonical JSON, so equal states give equal
 * bytes whatever order they were built in.
 */
export function manifestJson(state: DesiredState): string {
  return `{"manifest_version":${MANIFEST_VERSION},"desired":${canonicalJson(state)}}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The desired state as a YAML-format document: the model keeps each object's map key inside
 * the object too (`key`, `phone_number`), which the format has only as the map key.
 */
function toDocument(
  desired: Record<string, unknown>,
  malformed: (msg: string) => never,
): Record<string, unknown> {
  const doc: Record<string, unknown> = { version: desired.version };
  const sections = [
    ["chats", "key"],
    ["webhooks", "key"],
    ["contact_cards", "phone_number"],
  ] as const;
  for (const [section, keyField] of sections) {
    const entries = desired[section];
    if (entries === undefined) continue;
    if (!isRecord(entries)) malformed(`desired.${section} must be an object keyed by ${keyField}`);
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(entries)) {
      if (!isRecord(entry)) malformed(`desired.${section}["${key}"] must be an object`);
      const { [keyField]: inner, ...rest } = entry;
      if (inner !== key) {
        malformed(
          `desired.${section}["${key}"].${keyField} is ${JSON.stringify(inner)}; it must equal the map key "${key}"`,
        );
      }
      out[key] = rest;
    }
    doc[section] = out;
  }
  // Same shape in the model and the format; the schema checks them.
  for (const list of ["imports", "moved"] as const)
    if (desired[list] !== undefined) doc[list] = desired[list];
  return doc;
}

/** Checks and resolves parsed manifest JSON; `origin` names it in messages. */
export function desiredStateFromManifest(
  parsed: unknown,
  origin: string,
  baseDir?: string,
): DesiredState {
  const malformed = (msg: string): never => {
    throw new ManifestError(
      "CHATSYNC_MANIFEST_MALFORMED",
      `${origin}: not a chatsync manifest: ${msg}; regenerate it with the app that wrote it`,
      origin,
    );
  };
  if (!isRecord(parsed)) malformed("the top level must be a JSON object");
  const manifest = parsed as Record<string, unknown>;
  if (manifest.manifest_version !== MANIFEST_VERSION) {
    if (typeof manifest.manifest_version === "number") {
      throw new ManifestError(
        "CHATSYNC_MANIFEST_MALFORMED",
        `${origin}: manifest_version ${manifest.manifest_version} is not supported; this chatsync reads manifest_version ${MANIFEST_VERSION} (upgrade chatsync, or regenerate the manifest with this version)`,
        origin,
      );
    }
    malformed(`"manifest_version": ${MANIFEST_VERSION} is missing`);
  }
  if (!isRecord(manifest.desired))
    malformed(`"desired" must be an object holding the desired state`);
  const document = toDocument(manifest.desired as Record<string, unknown>, malformed);
  const result = resolveDocuments([{ value: document, origin, ...(baseDir ? { baseDir } : {}) }]);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !result.state) {
    throw new ManifestError(
      "CHATSYNC_MANIFEST_INVALID",
      `${origin}: the manifest breaks ${errors.length} rule${errors.length === 1 ? "" : "s"} (paths are inside "desired"):\n` +
        errors.map((d) => formatDiagnostic(d)).join("\n"),
      origin,
      result.diagnostics,
    );
  }
  return result.state;
}

/**
 * Reads a manifest file and re-validates it. Relative `secret_file` paths (none in manifests
 * this library writes: they are absolute) resolve against the manifest's folder.
 */
export async function readManifest(file: string): Promise<DesiredState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ManifestError(
      "CHATSYNC_MANIFEST_UNREADABLE",
      `cannot read the manifest ${file}: ${(err as Error).message}`,
      file,
      [],
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(
      "CHATSYNC_MANIFEST_MALFORMED",
      `${file}: not valid JSON (${(err as Error).message}); a manifest is written by manifestJson()`,
      file,
      [],
      { cause: err },
    );
  }
  return desiredStateFromManifest(parsed, file, dirname(file));
}
