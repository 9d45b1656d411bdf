/**
 * The emulator suites' view of a webhook receiver: deliveries counted in arrival order, with
 * the statuses to answer queued up front. A thin layer over test/support/webhook-receiver.ts,
 * which owns the HTTP server.
 */
import { startWebhookReceiver as startRecorder } from "../support/webhook-receiver.js";

export interface ReceivedDelivery {
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered with. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every delivery so far; tests may truncate it (`received.length = 0`) between cases. */
  received: ReceivedDelivery[];
  /** Statuses for the next deliveries, in order; afterwards 200. */
  respondWith(...statuses: number[]): void;
  /** Resolves once `count` deliveries arrived (polls; fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hook"): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const queue: number[] = [];
  const recorder = await startRecorder({
    respond: (d) => {
      const status = queue.shift() ?? 200;
      received.push({ headers: d.headers, body: d.rawBody, status });
      return status;
    },
  });
  return {
    url: `${recorder.origin}${path}`,
    received,
    respondWith: (...statuses) => queue.push(...statuses),
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} webhook deliveries, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () => recorder.close(),
  };
}
