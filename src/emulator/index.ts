/**
 * The Linq Partner API v3 emulator (SPEC §7): a real HTTP server on loopback that answers like
 * the documented API, for tests, demos and a newcomer's first run. It depends on
 * `src/api-wire` only, never on the sync engine.
 */
import type { AddressInfo } from "node:net";
import { E164_PATTERN } from "../api-wire/index.js";
import { AccountStore } from "./account-store.js";
import { isLoopbackHostName } from "./control-access.js";
import { FaultSettingsError, parseFaultSettings, type FaultSettings } from "./fault-injector.js";
import { EmulatorServer } from "./server.js";
import { delayProblem, rateLimitProblem } from "./setting-ranges.js";

export type { FaultSettings } from "./fault-injector.js";

export interface EmulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 4010; 0 = any free port. */
  port?: number;
  /** Bearer tokens accepted. Default: the data file's, else one generated token. */
  tokens?: string[];
  /** Lines the tokens own. Default: the data file's, else +12025550100 and +12025550101. */
  phoneNumbers?: string[];
  /** Persist the account as JSON: loaded at start, written atomically after every mutation. */
  dataFile?: string;
  /** Token bucket per bearer token; over the limit → 429/1007 with retry_after + Retry-After. */
  rateLimit?: { rps: number; burst?: number };
  /**
   * Faults from the start (same shape as `PUT /__emulator/faults`); `POST /__emulator/reset`
   * returns to these. Default: none.
   */
  faults?: FaultSettings;
  /** Queued ops (participant add/remove, rename, icon, leave) become visible after N ms. Default 0. */
  asyncMs?: number;
  /** Allow http:// loopback webhook targets (tests). */
  allowInsecureWebhooks?: boolean;
  /**
   * Deliver webhooks to non-loopback targets too. Default false: an emulator run never sends
   * traffic beyond this machine; such deliveries are recorded as `skipped`.
   */
  deliverRemoteWebhooks?: boolean;
  log?: (line: string) => void;
  /**
   * Restricts tokens to some lines (token → lines); a token not listed owns every line.
   * Lets tests exercise 403/2005 and 403/2006 across tokens. Additive to the shared contract.
   */
  tokenLines?: Record<string, string[]>;
  /** Minimum gap between capability checks per line (§2.5). Default 10 000 ms. */
  capabilityIntervalMs?: number;
  /** Enforce §2.5's 30 messages per minute per sender→recipient pair. Default true. */
  pairRateLimit?: boolean;
  /**
   * UNSETTLED §12.1: whether `message.idempotency_key` on `POST /v3/chats` deduplicates the
   * chat (a replay answers with the chat it already made). Default true; false emulates the
   * other reading — each replay makes a new chat — so the engine's recovery can be proven
   * against both.
   */
  chatCreateDedup?: boolean;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:PORT/api/partner" — the SDK's / client's baseURL. */
  baseUrl: string;
  /** "http://127.0.0.1:PORT"; the control API is at origin + "/__emulator/...". */
  origin: string;
  /** The first token. */
  token: string;
  tokens: string[];
  phoneNumbers: string[];
  /**
   * True when it listens beyond loopback (`--host 0.0.0.0` or a LAN address): anyone who can
   * reach this machine can then use the public API with the printed token.
   */
  exposed: boolean;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_HOST = "127.0.0.1";
export const DEFAULT_EMULATOR_PORT = 4010;

export class EmulatorOptionError extends Error {
  readonly code = "EMULATOR_BAD_OPTION";
  constructor(message: string) {
    super(message);
    this.name = "EmulatorOptionError";
  }
}

function validateOptions(opts: EmulatorOptions): void {
  for (const p of opts.phoneNumbers ?? []) {
    if (!E164_PATTERN.test(p))
      throw new EmulatorOptionError(`phone number ${p} is not E.164; write it like +12025550100`);
  }
  for (const t of opts.tokens ?? []) {
    if (t.trim() === "" || /\s/.test(t))
      throw new EmulatorOptionError("tokens must be non-empty and contain no whitespace");
  }
  if (
    opts.port !== undefined &&
    (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
  ) {
    throw new EmulatorOptionError(`port must be an integer from 0 to 65535 (got ${opts.port})`);
  }
  const asyncProblem =
    opts.asyncMs === undefined ? undefined : delayProblem("asyncMs", opts.asyncMs);
  if (asyncProblem) throw new EmulatorOptionError(asyncProblem);
  const limitProblem =
    opts.rateLimit === undefined
      ? undefined
      : rateLimitProblem(opts.rateLimit.rps, opts.rateLimit.burst);
  if (limitProblem) throw new EmulatorOptionError(`rateLimit.${limitProblem}`);
}

/** Checks start-up faults with the control API's parser, so both accept exactly the same. */
function validatedFaults(faults: FaultSettings | undefined): FaultSettings | undefined {
  if (faults === undefined) return undefined;
  try {
    return parseFaultSettings(faults);
  } catch (err) {
    if (err instanceof FaultSettingsError) throw new EmulatorOptionError(err.message);
    throw err;
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  validateOptions(opts);
  const faults = validatedFaults(opts.faults);
  const store = AccountStore.open({
    ...(opts.dataFile === undefined ? {} : { dataFile: opts.dataFile }),
    ...(opts.tokens === undefined ? {} : { tokens: opts.tokens }),
    ...(opts.phoneNumbers === undefined ? {} : { phoneNumbers: opts.phoneNumbers }),
  });
  const server = new EmulatorServer({
    store,
    asyncMs: opts.asyncMs ?? 0,
    allowInsecureWebhooks: opts.allowInsecureWebhooks ?? false,
    deliverRemoteWebhooks: opts.deliverRemoteWebhooks ?? false,
    ...(opts.rateLimit === undefined || opts.rateLimit.rps === 0
      ? {}
      : { rateLimit: opts.rateLimit }),
    ...(faults === undefined ? {} : { faults }),
    ...(opts.tokenLines === undefined ? {} : { tokenLines: opts.tokenLines }),
    ...(opts.capabilityIntervalMs === undefined
      ? {}
      : { capabilityIntervalMs: opts.capabilityIntervalMs }),
    ...(opts.pairRateLimit === undefined ? {} : { pairRateLimit: opts.pairRateLimit }),
    chatCreateDedup: opts.chatCreateDedup ?? true,
    ...(opts.log === undefined ? {} : { log: opts.log }),
  });
  const host = opts.host ?? DEFAULT_EMULATOR_HOST;
  await new Promise<void>((resolve, reject) => {
    server.http.once("error", reject);
    server.http.listen(opts.port ?? DEFAULT_EMULATOR_PORT, host, () => {
      server.http.off("error", reject);
      resolve();
    });
  });
  const address = server.http.address() as AddressInfo;
  const hostForUrl = urlHostFor(address);
  const origin = `http://${hostForUrl}:${address.port}`;
  server.origin = origin;
  const tokens = [...store.state.tokens];
  return {
    baseUrl: `${origin}/api/partner`,
    origin,
    token: tokens[0] as string,
    tokens,
    phoneNumbers: store.state.lines.map((l) => l.phone_number),
    exposed: !isLoopbackHostName(
      address.family === "IPv6" ? `[${address.address}]` : address.address,
    ),
    close: () => server.close(),
  };
}

/**
 * The host to put in URLs for a listening address. A wildcard (`0.0.0.0`, `::`) is where the
 * server listens, not where a client can connect; this machine reaches it on loopback.
 */
export function urlHostFor(address: Pick<AddressInfo, "address" | "family">): string {
  if (address.address === "0.0.0.0") return "127.0.0.1";
  if (address.address === "::") return "[::1]";
  return address.family === "IPv6" ? `[${address.address}]` : address.address;
}
