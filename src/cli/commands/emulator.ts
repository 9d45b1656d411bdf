/**
 * `chatsync emulator` (SPEC §7): runs the Linq API v3 emulator until SIGINT/SIGTERM and prints
 * one JSON line `{"base_url","token","phone_numbers"}` once it listens. The emulator module is
 * imported inside the action so other commands do not pay for loading it.
 */
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import type { FaultSettings } from "../../emulator/index.js";

interface EmulatorFlags {
  host: string;
  port: string;
  token?: string[];
  phoneNumber?: string[];
  data?: string;
  rateLimit?: string;
  rateLimitBurst?: string;
  faults?: string;
  asyncMs?: string;
  chatCreateDedup?: boolean;
  allowInsecureWebhooks?: boolean;
  deliverRemoteWebhooks?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function nonNegativeNumber(
  flag: string,
  raw: string | undefined,
  integer: boolean,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new CliError(`${flag} must be a${integer ? "n integer" : " number"} >= 0 (got "${raw}")`);
  }
  return n;
}

/** `--faults` takes the body of `PUT /__emulator/faults`; the emulator checks its fields. */
function faultsFlag(raw: string | undefined): FaultSettings | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as FaultSettings;
  } catch (err) {
    throw new CliError(
      `--faults must be JSON like '{"probability":0.2,"statuses":[500,503]}' (${(err as Error).message})`,
    );
  }
}

export function registerEmulator(program: Command): void {
  program
    .command("emulator")
    .description(
      "run the Linq API v3 emulator on loopback (prints one JSON line with base_url, token, phone_numbers)",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on; 0 picks a free port", "4010")
    // No commander default: the text says what the default is, and "(default: [])" misled.
    .option(
      "--token <token>",
      "accepted bearer token, repeatable (default: the --data file's, else one generated and printed)",
      collect,
    )
    .option(
      "--phone-number <e164>",
      "line the tokens own, repeatable (default: the --data file's, else +12025550100 and +12025550101)",
      collect,
    )
    .option("--data <file>", "persist the account as JSON in this file")
    .option(
      "--rate-limit <rps>",
      "token-bucket limit in requests per second (429 with Retry-After)",
    )
    .option("--rate-limit-burst <n>", "token-bucket size (default: one second's worth)")
    .option(
      "--faults <json>",
      'fault injection from the start, as for PUT /__emulator/faults, e.g. \'{"probability":0.1,"statuses":[500,503,429],"drop_response_after_commit":true}\'',
    )
    .option("--async-ms <n>", "queued operations become visible after N ms", "0")
    .option("--allow-insecure-webhooks", "allow http://127.0.0.1 webhook targets (tests)")
    .option(
      "--deliver-remote-webhooks",
      "also deliver webhooks to targets beyond loopback (default: loopback only, others are skipped)",
    )
    .option(
      "--no-chat-create-dedup",
      "a repeated message.idempotency_key on POST /v3/chats makes a new chat (the other reading of the open question §12.1)",
    )
    .action(async (flags: EmulatorFlags) => {
      const port = nonNegativeNumber("--port", flags.port, true) ?? 4010;
      const rps = nonNegativeNumber("--rate-limit", flags.rateLimit, false);
      const burst = nonNegativeNumber("--rate-limit-burst", flags.rateLimitBurst, false);
      if (burst !== undefined && (rps === undefined || rps === 0 || burst < 1)) {
        throw new CliError("--rate-limit-burst needs --rate-limit RPS > 0 and a value >= 1");
      }
      const faults = faultsFlag(flags.faults);
      const asyncMs = nonNegativeNumber("--async-ms", flags.asyncMs, true) ?? 0;
      const { startEmulator, EmulatorOptionError } = await import("../../emulator/index.js");
      let emulator;
      try {
        emulator = await startEmulator({
          host: flags.host,
          port,
          ...(flags.token ? { tokens: flags.token } : {}),
          ...(flags.phoneNumber ? { phoneNumbers: flags.phoneNumber } : {}),
          ...(flags.data === undefined ? {} : { dataFile: flags.data }),
          ...(rps === undefined || rps === 0
            ? {}
            : { rateLimit: { rps, ...(burst === undefined ? {} : { burst }) } }),
          ...(faults === undefined ? {} : { faults }),
          asyncMs,
          allowInsecureWebhooks: flags.allowInsecureWebhooks === true,
          deliverRemoteWebhooks: flags.deliverRemoteWebhooks === true,
          chatCreateDedup: flags.chatCreateDedup !== false,
          log: (line) => process.stderr.write(`${line}\n`),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { code?: string };
        if (err instanceof EmulatorOptionError || e.code === "EMULATOR_DATA_FILE")
          throw new CliError(e.message);
        if (e.code === "EADDRINUSE")
          throw new CliError(
            `port ${port} on ${flags.host} is in use; pick another with --port (0 = any free port)`,
          );
        if (e.code === "EADDRNOTAVAIL")
          throw new CliError(
            `cannot listen on ${flags.host}; use a local address such as 127.0.0.1`,
          );
        throw err;
      }
      process.stdout.write(
        `${JSON.stringify({ base_url: emulator.baseUrl, token: emulator.token, phone_numbers: emulator.phoneNumbers })}\n`,
      );
      // stdout carries only the JSON line (for scripts); the how-to for people goes to stderr.
      if (emulator.exposed)
        process.stderr.write(
          `warning: listening on ${flags.host} exposes this emulator's account — its tokens and webhook signing secrets — to every machine that can reach this one (the control API still answers loopback only). Use --host 127.0.0.1 unless that is what you want.\n`,
        );
      process.stderr.write(
        `chatsync emulator: listening on ${emulator.origin}. Point chatsync at it with\n` +
          `  export LINQ_API_BASE_URL=${emulator.baseUrl} LINQ_API_TOKEN=${emulator.token}\n` +
          `Control API: ${emulator.origin}/__emulator/ (requests, state, reset, faults, rate-limit, simulate, handles). Stop with Ctrl-C.\n`,
      );
      const running = emulator;
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          running.close().then(resolve, resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
