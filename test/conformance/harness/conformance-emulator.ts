/**
 * Gives each conformance test an emulator with an empty account (the shared `useEmulator()`
 * helper: one server per file, `POST /__emulator/reset` before every test) and an official
 * SDK client pointed at it.
 */
import { beforeEach } from "vitest";
import LinqAPIV3 from "@linqapp/sdk";
import type { EmulatorOptions, RunningEmulator } from "../../../src/emulator/index.js";
import { useEmulator, type EmulatorControlHelpers } from "../../support/emulator.js";

export interface ConformanceContext {
  emulator: RunningEmulator;
  /** SDK client with `maxRetries: 0`: the SDK retries 409/429/5xx by default, which would
   * hide (and slow down) the very error answers these tests assert. */
  sdk: LinqAPIV3;
  control: EmulatorControlHelpers;
  /** The emulator's first line (the default `from`). */
  lineA: string;
  /** The emulator's second line. */
  lineB: string;
  /** Another SDK client against the same emulator, e.g. with a wrong token or with retries. */
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

/**
 * Registers the hooks for the enclosing file or describe block and returns an accessor
 * (the context only exists once the hooks have run).
 */
export function useConformanceEmulator(options: EmulatorOptions = {}): () => ConformanceContext {
  const emulator = useEmulator(options);
  let ctx: ConformanceContext | undefined;
  beforeEach(() => {
    const [lineA, lineB] = emulator.phoneNumbers;
    if (lineA === undefined || lineB === undefined) {
      throw new Error(
        `The emulator runs with ${emulator.phoneNumbers.length} line(s); the conformance suite needs two ` +
          "(SPEC §7: two numbers by default). Pass phoneNumbers with two or more lines.",
      );
    }
    ctx = {
      emulator,
      sdk: sdkFor(emulator),
      control: emulator.control,
      lineA,
      lineB,
      sdkWith: (o) => sdkFor(emulator, o),
    };
  });
  return () => {
    if (ctx === undefined) throw new Error("useConformanceEmulator(): context used outside a test");
    return ctx;
  };
}

/** The chats in a `GET /__emulator/state` snapshot (`chats: [...]`). */
export function chatsInState(state: Record<string, unknown>): unknown[] {
  if (!Array.isArray(state.chats)) {
    throw new Error(
      `GET /__emulator/state has no "chats" list; top-level keys: ${Object.keys(state).join(", ")}`,
    );
  }
  return state.chats;
}
