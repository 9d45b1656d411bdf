/**
 * Vitest plumbing for suites that need a running emulator: `useEmulator()` starts one on a
 * free loopback port before the suite's tests, resets it before each test, closes it after
 * the suite, and hands back the RunningEmulator plus typed control-API helpers.
 *
 *   const emu = useEmulator({ asyncMs: 0 });
 *   it("…", async () => { await fetch(`${emu.baseUrl}/v3/chats`, { headers: emu.auth() }); });
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  startEmulator,
  type EmulatorOptions,
  type FaultSettings,
  type RunningEmulator,
} from "../../src/emulator/index.js";
import type { ServiceType } from "../../src/api-wire/index.js";

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  query?: string;
  fault?: string;
}

export interface EmulatorControlHelpers {
  requests(): Promise<RecordedRequest[]>;
  state(): Promise<Record<string, unknown>>;
  reset(): Promise<void>;
  faults(body: FaultSettings): Promise<void>;
  /** `capability_interval_ms` (default 10 000) and `pair_limit` (default on) are emulator extras. */
  rateLimit(body: {
    rps: number;
    burst?: number;
    capability_interval_ms?: number;
    pair_limit?: boolean;
  }): Promise<void>;
  simulate(body: { type: string; chat_id: string; [k: string]: unknown }): Promise<unknown>;
  setHandleService(handle: string, service: ServiceType): Promise<void>;
}

export class EmulatorControlCallError extends Error {
  readonly code = "EMULATOR_CONTROL_CALL_FAILED";
  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 400)}`);
    this.name = "EmulatorControlCallError";
  }
}

export function controlHelpers(origin: string): EmulatorControlHelpers {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${origin}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok)
      throw new EmulatorControlCallError(method, `/__emulator/${path}`, res.status, text);
    return text === "" ? undefined : JSON.parse(text);
  };
  return {
    requests: async () => (await call("GET", "requests")) as RecordedRequest[],
    state: async () => (await call("GET", "state")) as Record<string, unknown>,
    reset: async () => void (await call("POST", "reset")),
    faults: async (body) => void (await call("PUT", "faults", body)),
    rateLimit: async (body) => void (await call("PUT", "rate-limit", body)),
    simulate: (body) => call("POST", "simulate", body),
    setHandleService: async (handle, service) =>
      void (await call("PUT", "handles", { handle, service })),
  };
}

export interface StartedEmulator extends RunningEmulator {
  control: EmulatorControlHelpers;
  /** `{ authorization: "Bearer <token>" }` for fetch. */
  auth(token?: string): Record<string, string>;
}

/** Starts an emulator (port 0, 127.0.0.1) for direct use; the caller closes it. */
export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<StartedEmulator> {
  const running = await startEmulator({ host: "127.0.0.1", port: 0, ...opts });
  return {
    ...running,
    control: controlHelpers(running.origin),
    auth: (token = running.token) => ({ authorization: `Bearer ${token}` }),
  };
}

/**
 * Registers beforeAll/beforeEach/afterAll hooks and returns a live view of the emulator.
 * Read its fields inside tests (they are filled in by beforeAll). `reset: false` keeps
 * state across the suite's tests.
 */
export function useEmulator(opts: EmulatorOptions & { reset?: boolean } = {}): StartedEmulator {
  const { reset = true, ...emulatorOptions } = opts;
  let current: StartedEmulator | undefined;
  const view = new Proxy({} as StartedEmulator, {
    get(_t, prop) {
      if (current === undefined)
        throw new Error(
          "useEmulator(): the emulator is not started yet; use it inside a test or hook",
        );
      return current[prop as keyof StartedEmulator];
    },
  });
  beforeAll(async () => {
    current = await startTestEmulator(emulatorOptions);
  });
  if (reset) {
    beforeEach(async () => {
      await current?.control.reset();
    });
  }
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return view;
}
