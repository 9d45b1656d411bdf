/**
 * Adaptive pacing end to end: 120 calls, 4 at a time, through LinqClient against the emulator
 * limited to 20 req/s (burst 5). The client is not told the limit; it must learn it from the
 * first 429s and then stay under it. Counts, not timings, are asserted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LinqClient, type LinqClientOptions } from "../../src/sync-engine/client/linq-client.js";
import { useEmulator } from "../support/emulator.js";

const emu = useEmulator();
const clients: LinqClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const CALLS = 120;
const CONCURRENCY = 4;

/** Runs CALLS listWebhookEvents calls on CONCURRENCY workers; returns the emulator's statuses. */
async function drive(options: Partial<LinqClientOptions>): Promise<{
  succeeded: number;
  statuses: number[];
}> {
  await emu.control.rateLimit({ rps: 20, burst: 5 });
  const client = new LinqClient({ token: emu.token, baseUrl: emu.baseUrl, ...options });
  clients.push(client);
  let next = 0;
  let succeeded = 0;
  const worker = async (): Promise<void> => {
    while (next < CALLS) {
      next++;
      await client.listWebhookEvents();
      succeeded++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const statuses = (await emu.control.requests())
    .filter((r) => r.path.endsWith("/v3/webhook-events"))
    .map((r) => r.status);
  return { succeeded, statuses };
}

describe("LinqClient adaptive pacing against the emulator's rate limit", () => {
  it("learns the limit: every call succeeds and 429s stay far below the useful requests", async () => {
    const { succeeded, statuses } = await drive({});
    expect(succeeded).toBe(CALLS);
    const useful = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    expect(useful).toBe(CALLS);
    expect(refused + useful).toBe(statuses.length);
    expect(refused).toBeLessThan(useful * 0.25);
  });

  it("without pacing the same load provokes far more 429s (what the bound above guards)", async () => {
    const { succeeded, statuses } = await drive({ adaptiveRate: false });
    expect(succeeded).toBe(CALLS);
    const useful = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    expect(useful).toBe(CALLS);
    expect(refused).toBeGreaterThanOrEqual(useful * 0.25);
  });
});
