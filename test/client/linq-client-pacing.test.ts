/**
 * The wiring between LinqClient and the adaptive pacing: answers are reported to the limiter
 * (accepted / 429), so a 429 makes the following calls spaced. Scripted server, fake clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { LinqClient, type LinqClientOptions } from "../../src/sync-engine/client/linq-client.js";
import { FakeClock } from "./fake-clock.js";
import {
  CHAT,
  sendApiError,
  sendJson,
  startScriptedServer,
  type ScriptedServer,
} from "./scripted-server.js";

let server: ScriptedServer | undefined;
let client: LinqClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** A server that accepts `acceptFirst` requests, refuses the next with a 100 ms 429, then accepts. */
async function setup(
  acceptFirst: number,
  options: Partial<LinqClientOptions> = {},
): Promise<{ client: LinqClient; clock: FakeClock }> {
  let n = 0;
  server = await startScriptedServer((_req, res) => {
    if (n++ === acceptFirst) {
      sendApiError(res, 429, 1007, "Rate limited.", {
        retryAfter: 1,
        headers: { "retry-after": "1", "retry-after-ms": "100" },
      });
    } else sendJson(res, 200, CHAT);
  });
  const clock = new FakeClock("auto");
  client = new LinqClient({
    token: "tok_test_0123456789",
    baseUrl: server.baseUrl,
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0,
    ...options,
  });
  return { client, clock };
}

describe("LinqClient adaptive pacing", () => {
  it("after a 429, spaces the following calls at the learned rate and speeds up on success", async () => {
    const { client, clock } = await setup(10);
    for (let i = 0; i < 10; i++) await client.getChat(CHAT.id); // all at t=0, unpaced
    expect(clock.sleeps).toEqual([]);
    await client.getChat(CHAT.id); // 429 → 10 accepted in the last second → 9 req/s; retried at 100
    for (let i = 0; i < 3; i++) await client.getChat(CHAT.id);
    // The retry goes when the pause ends; each accepted answer then adds 0.5 req/s (probing):
    // 9.5 req/s → ceil(105.3) = 106 ms, 10 → 100 ms, 10.5 → ceil(95.2) = 96 ms.
    expect(clock.sleeps).toEqual([100, 106, 100, 96]);
  });

  it("with adaptiveRate: false, a 429 only pauses", async () => {
    const { client, clock } = await setup(10, { adaptiveRate: false });
    for (let i = 0; i < 14; i++) await client.getChat(CHAT.id);
    expect(clock.sleeps).toEqual([100]);
  });

  it("passes its options to the pacing (a higher floor)", async () => {
    const { client, clock } = await setup(1, { adaptiveRate: { floorRps: 2 } });
    for (let i = 0; i < 3; i++) await client.getChat(CHAT.id);
    // One accepted answer measures 1 req/s, × 0.9, raised to the floor of 2 req/s; the retry
    // goes at the end of the pause (t=100) and grows the rate to 2.5 req/s → 400 ms.
    expect(clock.sleeps).toEqual([100, 400]);
  });
});
