/**
 * Starts `chatsync emulator` as its own process on a free loopback port (SPEC §7), reads the
 * one JSON line it prints, and wraps its control API. A separate process keeps the emulator's
 * event loop independent of the test's and of the CLI runs the test kills.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { CLI_BIN, CliBinaryMissingError, REPO_ROOT, cliEnv } from "./cli.js";
import { EmulatorControl } from "./emulator-control.js";

export interface EmulatorProcessOptions {
  /** Lines the token owns. Default: two fixed numbers (`DEFAULT_LINES`). */
  phoneNumbers?: string[];
  asyncMs?: number;
  rateLimit?: number;
  dataFile?: string;
  allowInsecureWebhooks?: boolean;
}

export interface EmulatorProcess {
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

export class EmulatorStartError extends Error {
  readonly code = "E2E_EMULATOR_START";
  constructor(detail: string) {
    super(`could not start \`chatsync emulator\`: ${detail}`);
    this.name = "EmulatorStartError";
  }
}

export async function startEmulatorProcess(options: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  if (!existsSync(CLI_BIN)) throw new CliBinaryMissingError();
  // A distinctive token so the secret-hygiene checks can grep for it without false hits.
  const token = `tok_e2e_${randomBytes(12).toString("hex")}`;
  const lines = options.phoneNumbers ?? DEFAULT_LINES;
  const args = [CLI_BIN, "emulator", "--host", "127.0.0.1", "--port", "0", "--token", token];
  for (const line of lines) args.push("--phone-number", line);
  if (options.asyncMs !== undefined) args.push("--async-ms", String(options.asyncMs));
  if (options.rateLimit !== undefined) args.push("--rate-limit", String(options.rateLimit));
  if (options.dataFile) args.push("--data", options.dataFile);
  if (options.allowInsecureWebhooks) args.push("--allow-insecure-webhooks");

  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const banner = await readBanner(child);
  const baseUrl = banner.base_url.replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    baseUrl,
    origin,
    token: banner.token,
    phoneNumbers: banner.phone_numbers,
    control: new EmulatorControl(origin, baseUrl, banner.token),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

interface Banner {
  base_url: string;
  token: string;
  phone_numbers: string[];
}

function readBanner(child: ChildProcess): Promise<Banner> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new EmulatorStartError(`no start line within 15 s; stderr: ${err}`));
    }, 15_000);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(out.slice(0, nl)) as Banner;
        if (typeof parsed.base_url !== "string") throw new Error("base_url missing");
        resolve(parsed);
      } catch (e) {
        child.kill("SIGKILL");
        reject(new EmulatorStartError(`first stdout line is not the JSON banner: ${out.slice(0, nl)} (${String(e)})`));
      }
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      reject(new EmulatorStartError(`exited with ${code} before printing its banner; stderr: ${err}`));
    });
  });
}
