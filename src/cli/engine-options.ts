/**
 * The flags `plan` and `apply` share (SPEC §3), declared once, and their reading into the
 * values the engine needs. Bad combinations fail before anything runs, each with its sentence.
 */
import { Option, type Command } from "commander";
import { CliError } from "./cli-error.js";

export interface EngineFlags {
  endpoint?: string;
  state?: string;
  emulator?: boolean;
  color: boolean;
  json?: boolean;
  target?: string[];
  destroy?: boolean;
  replace?: string[];
  debug?: boolean;
  /** Command of a construct app that writes the manifest (see app-manifest.ts). */
  app?: string;
  /** How long to wait for a held state lock, e.g. "60s" (default: fail fast). */
  lockTimeout?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option(
      "--endpoint <url>",
      "API base URL (env LINQ_API_BASE_URL or LINQ_API_V3_BASE_URL; default https://api.linqapp.com/api/partner)",
    )
    .option(
      "--state <file|url>",
      "state file or postgres://user@host:5432/db?name=STATE (env CHATSYNC_STATE; default: .chatsync/state.json beside the first PATH)",
    )
    .option(
      "--lock-timeout <duration>",
      "wait this long for a state lock another run holds, e.g. 60s or 2m (default: fail at once)",
    )
    .option(
      "--emulator",
      "start an embedded emulator on a free loopback port (account kept in .chatsync/emulator.json, state and secrets in .chatsync/emulator/) and target it",
    )
    .option("--json", "machine output on stdout, logs on stderr")
    .option("--no-color", "no colour (also NO_COLOR)")
    .option("--target <address>", "limit to an address, e.g. chat.eng-oncall (repeatable)", collect)
    .option("--destroy", "plan the removal of every managed address (or of the --target ones)")
    .option(
      "--replace <address>",
      "delete and re-create a webhook subscription to rotate its signing secret, e.g. webhook.alerts (repeatable)",
      collect,
    )
    .option(
      "--app <command>",
      'run a CDK app (like cdktf\'s "app") and use the manifest it writes to $CHATSYNC_MANIFEST_OUT instead of PATH',
    )
    .addOption(new Option("--debug", "stack traces and a request log on stderr").hideHelp());
}

/**
 * The removal guard's flags, on `apply` (which enforces them) and on `plan` (which warns about
 * what apply would refuse, so a PR comment shows it before the merge).
 */
export function addRemovalGuardOptions(cmd: Command): Command {
  return cmd
    .option(
      "--max-removals <n>",
      "most participants removed in total, and most chats left, by one apply (default 10); the rule that no chat loses more than half of its roster is lifted only by --allow-removals",
    )
    .option("--allow-removals", "lift the removal guard entirely");
}

export interface RemovalGuardFlags {
  maxRemovals?: string;
  allowRemovals?: boolean;
}

export function readRemovalGuard(flags: RemovalGuardFlags): {
  maxRemovals: number;
  allowRemovals: boolean;
} {
  return {
    maxRemovals: parsePositiveInt("--max-removals", flags.maxRemovals, 10, 0),
    allowRemovals: flags.allowRemovals === true,
  };
}

/**
 * Colour for a terminal (not TERM=dumb), or wherever FORCE_COLOR asks for it (CI logs that
 * render ANSI); never with --no-color or a non-empty NO_COLOR (no-color.org), which win.
 */
export function useColor(
  flags: { color?: boolean },
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flags.color === false || (env.NO_COLOR ?? "") !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  return stream.isTTY === true && env.TERM !== "dumb";
}

export function checkTargets(targets: readonly string[] | undefined): string[] {
  for (const t of targets ?? []) {
    if (!/^(chat|webhook|contact_card)\.[^\s]+$/.test(t)) {
      throw new CliError(
        `--target ${t} is not an address; addresses look like chat.<key>, webhook.<key> or contact_card.<phone>`,
      );
    }
  }
  return [...(targets ?? [])];
}

/** `--replace` rotates webhook signing secrets; chats are replaced only when the API forces it. */
export function checkReplace(addresses: readonly string[] | undefined): string[] {
  for (const a of addresses ?? []) {
    if (!/^webhook\.[^\s]+$/.test(a)) {
      throw new CliError(
        `--replace ${a}: only webhook addresses can be replaced on request (webhook.<key>, to rotate a signing secret); chats are replaced only when a declared change requires a new chat`,
      );
    }
  }
  return [...(addresses ?? [])];
}

export function parsePositiveInt(
  flag: string,
  value: string | undefined,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} needs a whole number ≥ ${min} (got ${JSON.stringify(value)})`);
  return n;
}

/** "90", "90s", "1500ms", "2m" → milliseconds; undefined → 0. */
export function parseDuration(flag: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!m)
    throw new CliError(
      `${flag} needs a duration such as 60s, 2m or 1500ms (got ${JSON.stringify(value)})`,
    );
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(unit === "ms" ? n : unit === "m" ? n * 60_000 : n * 1000);
}
