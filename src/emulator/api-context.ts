/**
 * What a route handler gets for one authenticated API request, and what it returns. Handlers
 * read: parse → validate (documented code) → mutate → respond.
 */
import type { ServiceType, WebhookEventType } from "../api-wire/index.js";
import type { AccountStore, QueuedOperation } from "./account-store.js";
import type { RouteParams } from "./router.js";

export type WebhookVersion = "2025-01-01" | "2026-02-03";

/** Event data, or a builder when the payload differs by webhook version (message events). */
export type EventData = unknown | ((version: WebhookVersion) => unknown);

export interface EventSink {
  /** Queues delivery of one event to every matching active subscription; never blocks. */
  emit(type: WebhookEventType, line: string, data: EventData, traceId: string): void;
}

export interface OperationScheduler {
  /** Applies `op` now (asyncMs = 0) or after asyncMs; either way it is persisted first. */
  enqueue(op: QueuedOperation, traceId: string): void;
}

export interface ApiRequest {
  method: string;
  params: RouteParams;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface ApiContext {
  store: AccountStore;
  token: string;
  /** Lines (E.164) this token may act for. */
  lines: ReadonlySet<string>;
  traceId: string;
  origin: string;
  events: EventSink;
  operations: OperationScheduler;
  /** ms since epoch; one clock for the whole request. */
  now: Date;
  allowInsecureWebhooks: boolean;
  /** Whether a repeated `message.idempotency_key` on POST /v3/chats returns the first chat (§12.1). */
  chatCreateDedup: boolean;
  /** Gate for capability checks (§2.5); returns ms to wait, 0 = allowed. */
  capabilityGate(line: string): number;
  /** Per sender→recipient message limit (§2.5); records the send when allowed. */
  messageGate(line: string, recipients: readonly string[]): number;
  handleService(handle: string): ServiceType;
}

export interface ApiResponse {
  status: number;
  /** undefined → no body (204). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (req: ApiRequest, ctx: ApiContext) => ApiResponse;

/**
 * Queues a participant or leave operation and answers the way those endpoints do (§5.1.6,
 * §5.2): 202 `{message, status: "accepted", trace_id}`.
 */
export function acceptQueued(ctx: ApiContext, op: QueuedOperation, message: string): ApiResponse {
  ctx.operations.enqueue(op, ctx.traceId);
  ctx.store.commit();
  return { status: 202, body: { message, status: "accepted", trace_id: ctx.traceId } };
}
