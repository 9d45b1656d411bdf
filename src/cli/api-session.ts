/**
 * The composition root's link to the API: a LinqClient for `--endpoint` (token from the
 * environment only), or — with `--emulator` — an emulator started in this process on a free
 * loopback port, its account kept in `.chatsync/emulator.json` beside the state. Only this
 * file imports the emulator, and only lazily.
 */
import type { LinqClient } from "../sync-engine/client/linq-client.js";
import { escapeTerminal } from "../sync-engine/output/inert-text.js";
import { CliError } from "./cli-error.js";
import { debugRequestHooks } from "./debug-request-log.js";

/** Lines the embedded emulator always owns, besides the ones the configuration uses. */
export const EMBEDDED_EMULATOR_LINES = ["+12025550100", "+12025550101"];

export interface ApiSession {
  api: LinqClient;
  /** What is targeted, for log lines (never the token). */
  target: string;
  /** The endpoint the state records (SPEC §6a): the base URL, or the embedded emulator's name. */
  endpoint: string;
  close(): Promise<void>;
}

export interface OpenApiOptions {
  endpoint?: string;
  emulator?: boolean;
  /** The embedded emulator's account file (`.chatsync/emulator.json`). */
  emulatorDataFile: string;
  /** Lines the configuration sends from; the embedded emulator owns them. */
  lines: readonly string[];
  debug?: boolean;
  log: (text: string) => void;
}

export async function openApiSession(opts: OpenApiOptions): Promise<ApiSession> {
  const { LinqClient } = await import("../sync-engine/client/linq-client.js");
  const hooks = debugRequestHooks(opts.debug === true, (text) =>
    opts.log(escapeTerminal(text, { keepNewlines: true })),
  );

  if (opts.emulator) {
    if (opts.endpoint)
      throw new CliError(
        "--emulator and --endpoint exclude each other: --emulator targets its own embedded server",
      );
    const { startEmulator } = await import("../emulator/index.js");
    const dataFile = opts.emulatorDataFile;
    const phoneNumbers = [...new Set([...opts.lines, ...EMBEDDED_EMULATOR_LINES])].sort();
    const emu = await startEmulator({ host: "127.0.0.1", port: 0, dataFile, phoneNumbers });
    const api = new LinqClient({
      token: emu.token,
      baseUrl: emu.baseUrl,
      ...hooks,
    });
    opts.log(
      `Using an embedded emulator at ${emu.baseUrl} (account in ${dataFile}; lines ${emu.phoneNumbers.join(", ")})\n`,
    );
    const { EMBEDDED_EMULATOR_ENDPOINT } = await import("../sync-engine/state/account-binding.js");
    return {
      api,
      target: emu.baseUrl,
      endpoint: EMBEDDED_EMULATOR_ENDPOINT,
      async close() {
        await api.close();
        await emu.close();
      },
    };
  }

  try {
    const api = LinqClient.fromEnv(process.env, {
      ...(opts.endpoint ? { baseUrl: opts.endpoint } : {}),
      ...hooks,
    });
    return { api, target: api.baseUrl, endpoint: api.baseUrl, close: () => api.close() };
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
