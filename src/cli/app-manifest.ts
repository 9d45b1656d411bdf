/**
 * `chatsync plan|apply --app "<command>"`: run a construct app (like cdktf's `app` setting) and
 * plan from the manifest it writes.
 *
 * Decision: the hand-off is a file, not stdout. The command runs through the shell with
 * `CHATSYNC_MANIFEST_OUT=<temp file>`; the app writes the manifest there (construct apps call
 * `emitManifest(app)`). Apps print logs and warnings freely, so stdout could not be trusted to
 * hold only JSON; the app's stdout is passed to our stderr so `--json` output stays clean.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOKEN_ENV_VARS } from "../sync-engine/client/client-config.js";
import type { LoadResult } from "../sync-engine/config/load-config.js";
import type { DesiredState } from "../sync-engine/model/desired-state.js";
import { ManifestError, MANIFEST_OUT_ENV, readManifest } from "../sync-engine/model/manifest.js";

export class AppCommandError extends Error {
  constructor(
    readonly code: "CHATSYNC_APP_FAILED" | "CHATSYNC_APP_NO_MANIFEST",
    message: string,
  ) {
    super(message);
    this.name = "AppCommandError";
  }
}

export interface RunAppOptions {
  /** Directory the command runs in. @default process.cwd() */
  cwd?: string;
  /** Environment of the command (MANIFEST_OUT_ENV is added). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where the app's stdout and stderr go. @default process.stderr */
  output?: NodeJS.WritableStream;
}

/**
 * Credentials the app never needs: it only declares the desired state, and anything it runs
 * (or prints, like `env`) must not see the API token or the state backend's password.
 */
export const WITHHELD_ENV_VARS: readonly string[] = [...TOKEN_ENV_VARS, "PGPASSWORD"];

/** `env` without the credentials of WITHHELD_ENV_VARS (and a state URL that embeds a password). */
export function appEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of WITHHELD_ENV_VARS) delete out[name];
  const state = out.CHATSYNC_STATE;
  if (state !== undefined && URL.canParse(state) && new URL(state).password !== "")
    delete out.CHATSYNC_STATE;
  return out;
}

function runShell(
  command: string,
  opts: Required<RunAppOptions>,
  manifestOut: string,
): Promise<number | string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, {
      cwd: opts.cwd,
      env: { ...appEnvironment(opts.env), [MANIFEST_OUT_ENV]: manifestOut },
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => opts.output.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => opts.output.write(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise(code ?? signal ?? "unknown"));
  });
}

/**
 * Runs `command` and returns the validated desired state from the manifest it wrote. Throws
 * `AppCommandError` when the command fails or writes nothing, and `ManifestError` when what it
 * wrote is not a valid manifest.
 */
export async function desiredStateFromApp(
  command: string,
  options: RunAppOptions = {},
): Promise<DesiredState> {
  const opts: Required<RunAppOptions> = {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    output: options.output ?? process.stderr,
  };
  const dir = await mkdtemp(join(tmpdir(), "chatsync-app-"));
  const manifestOut = join(dir, "manifest.json");
  try {
    const status = await runShell(command, opts, manifestOut);
    if (status !== 0) {
      throw new AppCommandError(
        "CHATSYNC_APP_FAILED",
        `the --app command ${JSON.stringify(command)} failed (${typeof status === "number" ? `exit code ${status}` : `signal ${status}`}); its output is above — fix the app, then run again`,
      );
    }
    const written = await stat(manifestOut).then(
      () => true,
      () => false,
    );
    if (!written) {
      throw new AppCommandError(
        "CHATSYNC_APP_NO_MANIFEST",
        `the --app command ${JSON.stringify(command)} exited without writing a manifest to $${MANIFEST_OUT_ENV}; call emitManifest(app) from chatsync's constructs after declaring the chats (or write manifestJson(state) to that path)`,
      );
    }
    return await readManifest(manifestOut);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `chatsync validate --app`: the app's manifest as a `LoadResult`, so validate prints it like a
 * YAML load. A failing app, a missing manifest or a broken one become error diagnostics (the
 * app's own output, e.g. a construct's validation error, is already on `output`).
 */
export async function loadResultFromApp(
  command: string,
  options: RunAppOptions = {},
): Promise<LoadResult> {
  try {
    const state = await desiredStateFromApp(command, options);
    return { state, diagnostics: [], files: [], sources: new Map() };
  } catch (err) {
    if (err instanceof ManifestError && err.diagnostics.length > 0) {
      return { diagnostics: [...err.diagnostics], files: [], sources: new Map() };
    }
    if (err instanceof AppCommandError || err instanceof ManifestError) {
      return {
        diagnostics: [{ severity: "error", message: err.message, path: "" }],
        files: [],
        sources: new Map(),
      };
    }
    throw err;
  }
}
