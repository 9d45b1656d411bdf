/**
 * A loopback emulator for the benchmarks (SPEC §7 `startEmulator` on a free port), plus the
 * control call the benchmarks read (`/__emulator/requests`). It runs in the bench process, which
 * only waits on the CLI child processes being timed; the CPU benchmark runs before it starts.
 */
import { randomBytes } from "node:crypto";
import { startEmulator } from "../emulator/index.js";

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

export async function startBenchEmulator(
  options: { rateLimit?: number } = {},
): Promise<BenchEmulator> {
  const token = `tok_bench_${randomBytes(12).toString("hex")}`;
  const running = await startEmulator({
    host: "127.0.0.1",
    port: 0,
    tokens: [token],
    phoneNumbers: [BENCH_LINE],
    ...(options.rateLimit !== undefined ? { rateLimit: { rps: options.rateLimit } } : {}),
  });
  const { baseUrl, origin } = running;
  const requests = async (): Promise<RecordedRequest[]> => {
    const res = await fetch(`${origin}/__emulator/requests`);
    if (!res.ok) throw new BenchEmulatorError(`GET /__emulator/requests answered ${res.status}`);
    const body = (await res.json()) as RecordedRequest[] | { requests: RecordedRequest[] };
    return Array.isArray(body) ? body : body.requests;
  };
  return {
    baseUrl,
    origin,
    token,
    phoneNumbers: running.phoneNumbers,
    requests,
    async requestsSince(seq) {
      return (await requests()).filter((r) => r.seq > seq);
    },
    async lastSeq() {
      return (await requests()).reduce((m, r) => Math.max(m, r.seq), 0);
    },
    close: () => running.close(),
  };
}

export function isWrite(r: RecordedRequest): boolean {
  return r.method.toUpperCase() !== "GET" && r.method.toUpperCase() !== "HEAD";
}
