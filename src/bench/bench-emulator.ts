/**
 * A loopback emulator for the benchmarks: `chatsync emulator --port 0` in its own process (so
 * its CPU is not charged to the process being measured), plus the control calls the
 * benchmarks read (`/__emulator/requests`, `/__emulator/rate-limit`).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { CLI_BIN } from "./bench-cli.js";

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
}

export interface BenchEmulator {
  baseUrl: string;
  origin: string;
  token: string;
  phoneNumbers: string[];
  requests(): Promise<RecordedRequest[]>;
  /** Requests with a sequence number above `seq`. */
  requestsSince(seq: number): Promise<RecordedRequest[]>;
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

export class BenchEmulatorError extends Error {
  readonly code = "BENCH_EMULATOR";
  constructor(message: string) {
    super(message);
    this.name = "BenchEmulatorError";
  }
}

export const BENCH_LINE = "+12025550100";

export async function startBenchEmulator(options: { rateLimit?: number } = {}): Promise<BenchEmulator> {
  const token = `tok_bench_${randomBytes(12).toString("hex")}`;
  const args = [CLI_BIN, "emulator", "--host", "127.0.0.1", "--port", "0", "--token", token, "--phone-number", BENCH_LINE];
  if (options.rateLimit !== undefined) args.push("--rate-limit", String(options.rateLimit));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const banner = await new Promise<{ base_url: string; token: string; phone_numbers: string[] }>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        try {
          resolve(JSON.parse(out.slice(0, nl)) as { base_url: string; token: string; phone_numbers: string[] });
        } catch {
          reject(new BenchEmulatorError(`emulator printed no JSON start line: ${out.slice(0, nl)}`));
        }
      }
    });
    child.once("close", (code) => reject(new BenchEmulatorError(`emulator exited with ${code} before starting: ${err}`)));
  });
  const baseUrl = banner.base_url.replace(/\/+$/, "");
  const origin = new URL(baseUrl).origin;
  const requests = async (): Promise<RecordedRequest[]> => {
    const res = await fetch(`${origin}/__emulator/requests`);
    if (!res.ok) throw new BenchEmulatorError(`GET /__emulator/requests answered ${res.status}`);
    const body = (await res.json()) as RecordedRequest[] | { requests: RecordedRequest[] };
    return Array.isArray(body) ? body : body.requests;
  };
  return {
    baseUrl,
    origin,
    token: banner.token,
    phoneNumbers: banner.phone_numbers,
    requests,
    async requestsSince(seq) {
      return (await requests()).filter((r) => r.seq > seq);
    },
    async lastSeq() {
      return (await requests()).reduce((m, r) => Math.max(m, r.seq), 0);
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export function isWrite(r: RecordedRequest): boolean {
  return r.method.toUpperCase() !== "GET" && r.method.toUpperCase() !== "HEAD";
}
