/**
 * Webhook subscriptions (§5.7) and the event catalogue (§5.8).
 *
 * Decisions on UNSETTLED validation (§12 q6):
 * - target_url not https → 400/1005 (loopback http allowed with allowInsecureWebhooks);
 *   a `?version=` that is not a known payload version → 400/1005.
 * - target_url already used by another subscription of the account → 409/2015.
 * - unknown event name or empty subscribed_events → 400/1005.
 * - phone_numbers: each E.164 (400/1002) and a line of this token (403/2006);
 *   `[]` and `null` both mean "every line" and read back as null.
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  E164_PATTERN,
  ErrorCode,
  WEBHOOK_EVENT_TYPES,
  isWebhookEventType,
  type WebhookEventType,
  type WebhookSubscription,
} from "../../api-wire/index.js";
import type { SubscriptionRecord } from "../account-store.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import {
  ApiError,
  invalidParameter,
  invalidPhone,
  missingField,
  phoneNotOwned,
} from "../api-error.js";
import { objectBody } from "../request-fields.js";
import type { Router } from "../router.js";
import { isKnownWebhookVersion } from "../webhook-dispatcher.js";

export const WEBHOOK_EVENTS_DOC_URL = "https://docs.linqapp.com/guides/webhooks/events";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function registerWebhookSubscriptionRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/webhook-subscriptions", createSubscription)
    .add("GET", "/v3/webhook-subscriptions", (_req, ctx) => ({
      status: 200,
      body: { subscriptions: ctx.store.state.subscriptions.map(toSubscription) },
    }))
    .add("GET", "/v3/webhook-subscriptions/:subscriptionId", (req, ctx) => ({
      status: 200,
      body: toSubscription(findSubscription(ctx, req)),
    }))
    .add("PUT", "/v3/webhook-subscriptions/:subscriptionId", updateSubscription)
    .add("DELETE", "/v3/webhook-subscriptions/:subscriptionId", deleteSubscription)
    .add("GET", "/v3/webhook-events", () => ({
      status: 200,
      body: { doc_url: WEBHOOK_EVENTS_DOC_URL, events: [...WEBHOOK_EVENT_TYPES] },
    }));
}

export function toSubscription(s: SubscriptionRecord): WebhookSubscription {
  return {
    id: s.id,
    target_url: s.target_url,
    subscribed_events: s.subscribed_events,
    is_active: s.is_active,
    phone_numbers: s.phone_numbers,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format (§9.4). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function findSubscription(ctx: ApiContext, req: ApiRequest): SubscriptionRecord {
  const id = req.params.subscriptionId as string;
  const sub = ctx.store.state.subscriptions.find((s) => s.id === id);
  if (sub === undefined)
    throw new ApiError(
      404,
      ErrorCode.WebhookSubscriptionNotFound,
      `Webhook subscription ${id} not found`,
    );
  return sub;
}

function parseTargetUrl(ctx: ApiContext, value: unknown, exceptId?: string): string {
  if (value === undefined || value === null || value === "") throw missingField("target_url");
  if (typeof value !== "string") throw invalidParameter("target_url must be a string");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidParameter(`target_url is not a valid URL: ${value}`);
  }
  const insecureOk =
    ctx.allowInsecureWebhooks && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !insecureOk) {
    throw invalidParameter(`target_url must be an https URL (got ${url.protocol}//…)`);
  }
  const version = url.searchParams.get("version");
  if (version !== null && !isKnownWebhookVersion(version)) {
    throw invalidParameter(
      `Unknown webhook payload version ${version}; use 2025-01-01 or 2026-02-03`,
    );
  }
  const taken = ctx.store.state.subscriptions.find(
    (s) => s.target_url === value && s.id !== exceptId,
  );
  if (taken !== undefined) {
    throw new ApiError(
      409,
      ErrorCode.StateConflict,
      `target_url is already used by subscription ${taken.id}; each target_url can be used once per account (add e.g. ?line=2 to make it differ)`,
    );
  }
  return value;
}

function parseEvents(value: unknown): WebhookEventType[] {
  if (value === undefined || value === null) throw missingField("subscribed_events");
  if (!Array.isArray(value) || value.length === 0)
    throw invalidParameter(
      "subscribed_events must be a non-empty array of event types (see GET /v3/webhook-events)",
    );
  for (const e of value) {
    if (typeof e !== "string" || !isWebhookEventType(e)) {
      throw invalidParameter(
        `Unknown webhook event type ${JSON.stringify(e)}; see GET /v3/webhook-events`,
      );
    }
  }
  return [...new Set(value as WebhookEventType[])];
}

function parsePhoneFilter(ctx: ApiContext, value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value))
    throw invalidParameter("phone_numbers must be an array of E.164 lines, [] or null");
  for (const [i, p] of value.entries()) {
    if (typeof p !== "string" || !E164_PATTERN.test(p))
      throw invalidPhone(`phone_numbers[${i}]`, p);
    if (!ctx.lines.has(p)) throw phoneNotOwned(`phone_numbers[${i}]`, p);
  }
  return value.length === 0 ? null : [...new Set(value as string[])];
}

function createSubscription(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const body = objectBody(req.body);
  const target_url = parseTargetUrl(ctx, body.target_url);
  const subscribed_events = parseEvents(body.subscribed_events);
  const phone_numbers = parsePhoneFilter(ctx, body.phone_numbers);
  const now = ctx.now.toISOString();
  const sub: SubscriptionRecord = {
    id: randomUUID(),
    target_url,
    subscribed_events,
    is_active: true,
    phone_numbers,
    created_at: now,
    updated_at: now,
    signing_secret: newSigningSecret(),
  };
  ctx.store.state.subscriptions.push(sub);
  ctx.store.commit();
  return { status: 201, body: { ...toSubscription(sub), signing_secret: sub.signing_secret } };
}

function updateSubscription(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const sub = findSubscription(ctx, req);
  const body = objectBody(req.body);
  const next = { ...sub };
  if (body.target_url !== undefined) next.target_url = parseTargetUrl(ctx, body.target_url, sub.id);
  if (body.subscribed_events !== undefined)
    next.subscribed_events = parseEvents(body.subscribed_events);
  if (body.is_active !== undefined) {
    if (typeof body.is_active !== "boolean")
      throw invalidParameter("is_active must be true or false");
    next.is_active = body.is_active;
  }
  if ("phone_numbers" in body) next.phone_numbers = parsePhoneFilter(ctx, body.phone_numbers);
  if ("signing_secret" in body)
    throw invalidParameter(
      "signing_secret cannot be changed; delete and re-create the subscription to rotate it",
    );
  next.updated_at = ctx.now.toISOString();
  Object.assign(sub, next);
  ctx.store.commit();
  return { status: 200, body: toSubscription(sub) };
}

function deleteSubscription(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const sub = findSubscription(ctx, req);
  ctx.store.state.subscriptions = ctx.store.state.subscriptions.filter((s) => s.id !== sub.id);
  ctx.store.commit();
  return { status: 204 };
}
