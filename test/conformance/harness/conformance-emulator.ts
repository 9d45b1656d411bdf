/**
 * Gives each conformance test a freshly started emulator and an official SDK client pointed
 * at it. A fresh server per test keeps tests independent (no shared chats, rate limits,
 * subscriptions or capability-check budgets) at the cost of a few milliseconds.
 */
import { afterEach, beforeEach } from "vitest";
import LinqAPIV3 from "@linqapp/sdk";
import { startEmulator } from "../../../src/emulator/index.js";
import { EmulatorControlClient } from "../../support/emulator-control-client.js";

export type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;
export type RunningEmulator = Awaited<ReturnType<typeof startEmulator>>;

export interface ConformanceContext {
  emulator: RunningEmulator;
  /** SDK client with `maxRetries: 0`: the SDK retries 409/429/5xx by default, which would
   * hide (and slow down) the very error answers these tests assert. */
  sdk: LinqAPIV3;
  control: EmulatorControlClient;
  /** The emulator's first line (the default `from`). */
  lineA: string;
  /** The emulator's second line. */
  lineB: string;
  /** Another SDK client against the same emulator, e.g. with a wrong token. */
  sdkWith(options: { apiKey?: string; maxRetries?: number }): LinqAPIV3;
}

export function sdkFor(
  emulator: RunningEmulator,
  options: { apiKey?: string; maxRetries?: number } = {},
): LinqAPIV3 {
  return new LinqAPIV3({
    apiKey: options.apiKey ?? emulator.token,
    baseURL: emulator.baseUrl,
    maxRetries: options.maxRetries ?? 0,
    // A secret from the environment must not leak into unwrap() checks.
    webhookSecret: null,
    timeout: 15_000,
  });
}

export async function startConformanceEmulator(
  options: EmulatorOptions = {},
): Promise<ConformanceContext> {
  const emulator = await startEmulator({ host: "127.0.0.1", port: 0, ...options });
  const [lineA, lineB] = emulator.phoneNumbers;
  if (lineA === undefined || lineB === undefined) {
    await emulator.close();
    throw new Error(
      `The emulator started with ${emulator.phoneNumbers.length} line(s); the conformance suite needs two ` +
        "(SPEC §7: default two numbers). Pass phoneNumbers explicitly or fix the default.",
    );
  }
  return {
    emulator,
    sdk: sdkFor(emulator),
    control: new EmulatorControlClient(emulator.origin),
    lineA,
    lineB,
    sdkWith: (o) => sdkFor(emulator, o),
  };
}

/**
 * Registers beforeEach/afterEach hooks that start and stop an emulator around every test in
 * the enclosing describe block. Returns an accessor because the context only exists once the
 * hook has run.
 */
export function useFreshEmulator(options: EmulatorOptions = {}): () => ConformanceContext {
  let ctx: ConformanceContext | undefined;
  beforeEach(async () => {
    ctx = await startConformanceEmulator(options);
  });
  afterEach(async () => {
    const running = ctx;
    ctx = undefined;
    await running?.emulator.close();
  });
  return () => {
    if (ctx === undefined) throw new Error("useFreshEmulator(): context used outside a test");
    return ctx;
  };
}
