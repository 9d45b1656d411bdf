/**
 * A real HTTP endpoint on 127.0.0.1 that records every webhook delivery byte for byte, so
 * tests can verify signatures over the raw body (re-serialized JSON would not verify).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  /** Request path including the query string, e.g. `/line-a?version=2026-02-03`. */
  path: string;
  method: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as received. */
  rawBody: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT` — append a path to build a subscription's target_url. */
  readonly origin: string;
  /** Every delivery so far, in arrival order. */
  readonly deliveries: readonly ReceivedDelivery[];
  /**
   * Resolves with the first delivery (already received or still to come) that matches.
   * Rejects after `timeoutMs` with a message listing what did arrive, so a failing test
   * says which event was missing rather than just "timed out".
   */
  waitFor(
    description: string,
    predicate: (delivery: ReceivedDelivery) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedDelivery>;
  close(): Promise<void>;
}

export class WebhookWaitTimeoutError extends Error {
  readonly code = "WEBHOOK_WAIT_TIMEOUT";
}

interface Waiter {
  predicate: (delivery: ReceivedDelivery) => boolean;
  resolve: (delivery: ReceivedDelivery) => void;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Starts a receiver on a free loopback port. Each delivery is answered with the status that
 * `respond` picks (default 204), e.g. a 500 first to make the sender retry.
 */
export async function startWebhookReceiver(
  opts: {
    respond?: (delivery: ReceivedDelivery, earlier: readonly ReceivedDelivery[]) => number;
  } = {},
): Promise<WebhookReceiver> {
  const respond = opts.respond ?? (() => 204);
  const deliveries: ReceivedDelivery[] = [];
  let waiters: Waiter[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery: ReceivedDelivery = {
        path: req.url ?? "/",
        method: req.method ?? "",
        headers: flattenHeaders(req),
        rawBody: Buffer.concat(chunks).toString("utf8"),
      };
      const status = respond(delivery, [...deliveries]);
      deliveries.push(delivery);
      const still: Waiter[] = [];
      for (const w of waiters) {
        if (w.predicate(delivery)) w.resolve(delivery);
        else still.push(w);
      }
      waiters = still;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    deliveries,
    waitFor(description, predicate, timeoutMs = 10_000) {
      const already = deliveries.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise<ReceivedDelivery>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const seen = deliveries.map((d) => `${d.path} ${d.headers["x-webhook-event"] ?? "?"}`);
          reject(
            new WebhookWaitTimeoutError(
              `No webhook delivery matching "${description}" arrived within ${timeoutMs} ms; ` +
                `received ${deliveries.length}: [${seen.join("; ")}]`,
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = {
          predicate,
          resolve: (d) => {
            clearTimeout(timer);
            resolve(d);
          },
        };
        waiters.push(waiter);
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
