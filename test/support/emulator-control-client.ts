/**
 * Typed calls to the emulator's control API (SPEC §7, `origin + /__emulator/...`). Only what
 * the SPEC documents is typed; the account snapshot is left loose because its layout is the
 * emulator's own business.
 */
import type { ServiceType } from "../../src/api-wire/index.js";

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
}

export type SimulatedEvent =
  | { type: "participant.left"; chat_id: string; handle: string }
  | { type: "participant.added"; chat_id: string; handle: string }
  | { type: "group.renamed"; chat_id: string; display_name: string }
  | {
      type: "location.sharing.started";
      chat_id: string;
      handle: string;
      coordinates: [number, number];
    }
  | { type: "location.sharing.stopped"; chat_id: string; handle: string };

export interface FaultSettings {
  probability: number;
  statuses?: number[];
  reset_connection?: boolean;
  drop_response_after_commit?: boolean;
  latency_ms?: [number, number];
}

export class EmulatorControlError extends Error {
  readonly code = "EMULATOR_CONTROL_FAILED";
}

export class EmulatorControlClient {
  constructor(private readonly origin: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.origin}/__emulator/${path}`;
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new EmulatorControlError(
        `${method} ${url} answered ${res.status}: ${text.slice(0, 300)} — is the control API implemented?`,
      );
    }
    return text.length === 0 ? undefined : JSON.parse(text);
  }

  /** GET /__emulator/requests. Accepts a bare array or `{requests: [...]}`. */
  async requests(): Promise<RecordedRequest[]> {
    const body = await this.call("GET", "requests");
    if (Array.isArray(body)) return body as RecordedRequest[];
    const wrapped = (body as { requests?: unknown } | undefined)?.requests;
    if (Array.isArray(wrapped)) return wrapped as RecordedRequest[];
    throw new EmulatorControlError(
      `GET /__emulator/requests returned no request list: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }

  /** GET /__emulator/state — the whole account snapshot. */
  state(): Promise<unknown> {
    return this.call("GET", "state");
  }

  async reset(): Promise<void> {
    await this.call("POST", "reset");
  }

  async setFaults(faults: FaultSettings): Promise<void> {
    await this.call("PUT", "faults", faults);
  }

  async setRateLimit(limit: { rps: number; burst?: number }): Promise<void> {
    await this.call("PUT", "rate-limit", limit);
  }

  async simulate(event: SimulatedEvent): Promise<void> {
    await this.call("POST", "simulate", event);
  }

  async setHandleService(handle: string, service: ServiceType): Promise<void> {
    await this.call("PUT", "handles", { handle, service });
  }
}

/**
 * The chats in a state snapshot. The SPEC only says the snapshot holds "chats with handles",
 * so both a list and an id-keyed map are accepted.
 */
export function chatsInState(state: unknown): Array<Record<string, unknown>> {
  const root = (state ?? {}) as Record<string, unknown>;
  const account = (root.account ?? root) as Record<string, unknown>;
  const chats = account.chats;
  if (Array.isArray(chats)) return chats as Array<Record<string, unknown>>;
  if (chats && typeof chats === "object")
    return Object.values(chats) as Array<Record<string, unknown>>;
  throw new EmulatorControlError(
    `GET /__emulator/state has no "chats" collection; top-level keys: ${Object.keys(root).join(", ")}`,
  );
}
