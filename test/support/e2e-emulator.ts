/**
 * The emulator an end-to-end scene talks to: `startEmulator` (SPEC §7) on a free loopback port
 * in the test process, with a distinctive token, plus the test-side control client. The CLI
 * runs in child processes, so killing one never touches the emulator.
 */
import { randomBytes } from "node:crypto";
import { startEmulator } from "../../src/emulator/index.js";
import { EmulatorControl } from "./emulator-control.js";

export interface E2eEmulatorOptions {
  /** Lines the token owns. Default: `DEFAULT_LINES`. */
  phoneNumbers?: string[];
  asyncMs?: number;
  rateLimit?: { rps: number; burst?: number };
  dataFile?: string;
  allowInsecureWebhooks?: boolean;
  /** false: POST /v3/chats ignores the idempotency key (the other reading of §12.1). */
  chatCreateDedup?: boolean;
}

export interface E2eEmulator {
  /** `http://127.0.0.1:PORT/api/partner` — what `--endpoint` takes. */
  baseUrl: string;
  /** `http://127.0.0.1:PORT` — where `/__emulator/*` lives. */
  origin: string;
  token: string;
  phoneNumbers: string[];
  control: EmulatorControl;
  close(): Promise<void>;
}

export const DEFAULT_LINES = ["+12025550100", "+12025550101"];

export async function startE2eEmulator(options: E2eEmulatorOptions = {}): Promise<E2eEmulator> {
  // A distinctive token so the secret-hygiene checks can grep for it without false hits.
  const token = `tok_e2e_${randomBytes(12).toString("hex")}`;
  const running = await startEmulator({
    host: "127.0.0.1",
    port: 0,
    tokens: [token],
    phoneNumbers: options.phoneNumbers ?? DEFAULT_LINES,
    ...(options.asyncMs !== undefined ? { asyncMs: options.asyncMs } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    ...(options.allowInsecureWebhooks ? { allowInsecureWebhooks: true } : {}),
    ...(options.chatCreateDedup === false ? { chatCreateDedup: false } : {}),
  });
  return {
    baseUrl: running.baseUrl,
    origin: running.origin,
    token,
    phoneNumbers: running.phoneNumbers,
    control: new EmulatorControl(running.origin, running.baseUrl, token),
    close: () => running.close(),
  };
}
