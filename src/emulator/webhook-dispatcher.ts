/**
 * Webhook delivery (§9.2–9.4). Each event goes to every matching ACTIVE subscription as a POST
 * with Standard Webhooks headers plus the legacy `X-Webhook-*` headers. Deliveries run in the
 * background and never hold up an API response.
 *
 * Decisions on UNSETTLED points (linq-api-v3.md §12 q7–q9):
 * - `webhook-id` equals the envelope's `event_id` and stays the same across retries.
 * - The legacy hex `X-Webhook-Signature` is keyed with the same bytes as the v1 signature:
 *   the base64-decoded part of the secret after `whsec_`.
 * - Retry schedule, shortened for an emulator: at most 10 attempts; the wait before retry n
 *   is 100 ms · 2^(n-1), capped at 5 s (≈ 21 s in total). 5xx, 429, network errors and
 *   timeouts (10 s per attempt) are retried; any other status counts as delivered/permanent.
 * - Order between events is not guaranteed (as in the API); one failing subscription does
 *   not delay others.
 *
 * Delivery scope: by default the emulator only POSTs to loopback targets (127.0.0.0/8,
 * localhost, ::1). Declared configurations usually name real endpoints
 * (https://hooks.example.com/...), and an emulator run — a demo, a test, a CI job — must never
 * send traffic to them. Such deliveries are recorded as `skipped` in `/__emulator/state`;
 * `deliverRemote: true` (`--deliver-remote-webhooks`) lifts the restriction.
 */
import { createHmac, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { WebhookEnvelope, WebhookEventType } from "../api-wire/index.js";
import type { AccountStore, SubscriptionRecord } from "./account-store.js";
import type { EventData, EventSink, WebhookVersion } from "./api-context.js";

export const MAX_DELIVERY_ATTEMPTS = 10;
export const FIRST_RETRY_DELAY_MS = 100;
export const MAX_RETRY_DELAY_MS = 5_000;
export const DELIVERY_TIMEOUT_MS = 10_000;
export const PARTNER_ID = "chatsync-emulator";
const KNOWN_VERSIONS: readonly WebhookVersion[] = ["2025-01-01", "2026-02-03"];

export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
}

/** §9.5: `?version=` on the target URL; otherwise the latest version at creation time. */
export function webhookVersionOf(sub: SubscriptionRecord): WebhookVersion {
  const requested = new URL(sub.target_url).searchParams.get("version");
  if (requested !== null && (KNOWN_VERSIONS as readonly string[]).includes(requested))
    return requested as WebhookVersion;
  return sub.created_at < "2026-02-03" ? "2025-01-01" : "2026-02-03";
}

export function isKnownWebhookVersion(value: string): boolean {
  return (KNOWN_VERSIONS as readonly string[]).includes(value);
}

export interface DeliveryRecord {
  event_id: string;
  event_type: WebhookEventType;
  subscription_id: string;
  target_url: string;
  attempts: number;
  /** HTTP status of the last attempt; 0 for a network error. */
  last_status: number | null;
  state: "pending" | "delivered" | "failed" | "skipped";
}

/** True for targets on this machine: 127.0.0.0/8, localhost (and *.localhost), ::1. */
export function isLoopbackTarget(targetUrl: string): boolean {
  let host: string;
  try {
    host = new URL(targetUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "::1") return true;
  return /^127(?:\.\d{1,3}){3}$/.test(host);
}

export class WebhookDispatcher implements EventSink {
  private timers = new Set<NodeJS.Timeout>();
  private controllers = new Set<AbortController>();
  private closed = false;
  /** Bumped by cancelPending(); an attempt from an older generation stops quietly. */
  private generation = 0;
  /** Recent deliveries, newest last, for GET /__emulator/state (bounded). */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(
    private readonly store: AccountStore,
    private readonly log: (line: string) => void,
    /** Deliver to non-loopback targets too (off by default, see the module comment). */
    private readonly deliverRemote = false,
  ) {}

  emit(type: WebhookEventType, line: string, data: EventData, traceId: string): void {
    if (this.closed) return;
    const eventId = randomUUID();
    const createdAt = new Date().toISOString();
    for (const sub of this.store.state.subscriptions) {
      if (!sub.is_active || !sub.subscribed_events.includes(type)) continue;
      if (
        sub.phone_numbers !== null &&
        sub.phone_numbers.length > 0 &&
        !sub.phone_numbers.includes(line)
      )
        continue;
      const version = webhookVersionOf(sub);
      if (type === "message.edited" && version !== "2026-02-03") continue;
      const envelope: WebhookEnvelope = {
        api_version: "v3",
        webhook_version: version,
        event_type: type,
        event_id: eventId,
        created_at: createdAt,
        trace_id: traceId,
        partner_id: PARTNER_ID,
        data: typeof data === "function" ? (data as (v: WebhookVersion) => unknown)(version) : data,
      };
      const record: DeliveryRecord = {
        event_id: eventId,
        event_type: type,
        subscription_id: sub.id,
        target_url: sub.target_url,
        attempts: 0,
        last_status: null,
        state: "pending",
      };
      this.deliveries.push(record);
      if (this.deliveries.length > 1000) this.deliveries.shift();
      if (!this.deliverRemote && !isLoopbackTarget(sub.target_url)) {
        record.state = "skipped";
        this.log(
          `webhook ${type} → ${sub.target_url}: not delivered (the emulator only delivers to loopback targets; start it with --deliver-remote-webhooks to deliver elsewhere)`,
        );
        continue;
      }
      // The secret and URL are captured now: a later PUT does not redirect queued retries.
      this.schedule(() => this.attempt(record, sub.signing_secret, JSON.stringify(envelope)), 0);
    }
  }

  /** Stops pending retries and aborts in-flight deliveries. */
  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  /** For reset: drops queued retries and the delivery history, keeps delivering new events. */
  cancelPending(): void {
    this.generation++;
    this.deliveries.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
  }

  private schedule(fn: () => Promise<void>, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void fn();
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(record: DeliveryRecord, secret: string, body: string): Promise<void> {
    if (this.closed) return;
    const generation = this.generation;
    record.attempts++;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), DELIVERY_TIMEOUT_MS);
    let status = 0;
    try {
      const res = await fetch(record.target_url, {
        method: "POST",
        headers: signedHeaders(record, secret, body),
        body,
        signal: controller.signal,
        // A redirect is never followed: it would carry the signed payload to a host the
        // loopback-only rule never checked. Standard Webhooks senders count 3xx as a failure.
        redirect: "manual",
      });
      status = res.status;
      if (status >= 300 && status < 400)
        this.log(
          `webhook ${record.event_type} → ${record.target_url}: answered ${status} (redirect not followed; a webhook target must answer 2xx itself)`,
        );
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      if (this.closed || generation !== this.generation) return;
      this.log(`webhook ${record.event_type} → ${record.target_url}: ${(err as Error).message}`);
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (generation !== this.generation) return;
    record.last_status = status;
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable) {
      record.state = status >= 200 && status < 300 ? "delivered" : "failed";
      return;
    }
    if (record.attempts >= MAX_DELIVERY_ATTEMPTS) {
      record.state = "failed";
      this.log(
        `webhook ${record.event_type} → ${record.target_url}: gave up after ${record.attempts} attempts`,
      );
      return;
    }
    this.schedule(() => this.attempt(record, secret, body), retryDelayMs(record.attempts));
  }
}

function signedHeaders(
  record: DeliveryRecord,
  secret: string,
  body: string,
): Record<string, string> {
  const now = new Date();
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = new Webhook(secret).sign(record.event_id, now, body);
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const legacy = createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex");
  return {
    "content-type": "application/json",
    "user-agent": "chatsync-emulator-webhooks",
    "webhook-id": record.event_id,
    "webhook-timestamp": timestamp,
    "webhook-signature": signature,
    "x-webhook-event": record.event_type,
    "x-webhook-subscription-id": record.subscription_id,
    "x-webhook-timestamp": timestamp,
    "x-webhook-signature": legacy,
  };
}
