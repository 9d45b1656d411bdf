/**
 * Fault injection for the public API (SPEC §7 `PUT /__emulator/faults`). Each request draws
 * once: with `probability` it fails in one of the enabled ways, chosen uniformly. Latency
 * applies to every request regardless of the draw.
 */
import { MAX_DELAY_MS } from "./setting-ranges.js";

export interface FaultSettings {
  probability: number;
  statuses?: number[];
  reset_connection?: boolean;
  drop_response_after_commit?: boolean;
  latency_ms?: [number, number];
}

export type FaultDecision =
  | { kind: "none" }
  | { kind: "status"; status: number }
  | { kind: "reset_connection" }
  | { kind: "drop_response_after_commit" };

/** Longest injected latency (setting-ranges.ts): timers past 2^31-1 ms fire after 1 ms. */
export const MAX_LATENCY_MS = MAX_DELAY_MS;

export class FaultSettingsError extends Error {
  readonly code = "EMULATOR_BAD_FAULTS";
  constructor(detail: string) {
    super(`Invalid faults: ${detail}`);
    this.name = "FaultSettingsError";
  }
}

export function parseFaultSettings(body: unknown): FaultSettings {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new FaultSettingsError(
      'the body must be a JSON object such as {"probability":0.2,"statuses":[500]}',
    );
  }
  const b = body as Record<string, unknown>;
  const probability = b.probability ?? 0;
  if (
    typeof probability !== "number" ||
    !Number.isFinite(probability) ||
    probability < 0 ||
    probability > 1
  ) {
    throw new FaultSettingsError("probability must be a number from 0 to 1");
  }
  const settings: FaultSettings = { probability };
  if (b.statuses !== undefined) {
    if (
      !Array.isArray(b.statuses) ||
      !b.statuses.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)
    ) {
      throw new FaultSettingsError("statuses must be an array of HTTP error statuses (400-599)");
    }
    settings.statuses = b.statuses as number[];
  }
  for (const flag of ["reset_connection", "drop_response_after_commit"] as const) {
    if (b[flag] !== undefined) {
      if (typeof b[flag] !== "boolean")
        throw new FaultSettingsError(`${flag} must be true or false`);
      settings[flag] = b[flag];
    }
  }
  if (b.latency_ms !== undefined) {
    const l = b.latency_ms;
    if (
      !Array.isArray(l) ||
      l.length !== 2 ||
      !l.every((n) => Number.isInteger(n) && n >= 0 && n <= MAX_LATENCY_MS) ||
      l[0] > l[1]
    ) {
      throw new FaultSettingsError(
        `latency_ms must be [min, max], whole milliseconds with 0 <= min <= max <= ${MAX_LATENCY_MS} (got ${JSON.stringify(l)})`,
      );
    }
    settings.latency_ms = [l[0] as number, l[1] as number];
  }
  return settings;
}

export class FaultInjector {
  private settings: FaultSettings = { probability: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  configure(settings: FaultSettings): void {
    this.settings = settings;
  }

  current(): FaultSettings {
    return this.settings;
  }

  latencyMs(): number {
    const l = this.settings.latency_ms;
    if (l === undefined) return 0;
    return l[0] + this.random() * (l[1] - l[0]);
  }

  decide(): FaultDecision {
    const s = this.settings;
    const modes: FaultDecision[] = [
      ...(s.statuses ?? []).map((status): FaultDecision => ({ kind: "status", status })),
      ...(s.reset_connection ? [{ kind: "reset_connection" } as const] : []),
      ...(s.drop_response_after_commit ? [{ kind: "drop_response_after_commit" } as const] : []),
    ];
    if (modes.length === 0 || s.probability <= 0 || this.random() >= s.probability)
      return { kind: "none" };
    // Statuses share one slot with the other modes so that {statuses:[500,503], reset:true}
    // fails half the time by status and half by reset, not two-thirds by status.
    const kinds = [...new Set(modes.map((m) => m.kind))];
    const kind = kinds[Math.floor(this.random() * kinds.length)] ?? "none";
    const ofKind = modes.filter((m) => m.kind === kind);
    return ofKind[Math.floor(this.random() * ofKind.length)] ?? { kind: "none" };
  }
}
