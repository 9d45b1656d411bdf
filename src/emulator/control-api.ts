/**
 * The control API (SPEC §7) at `/__emulator/*`: loopback only, no auth, never subject to
 * faults or rate limits. Errors use the same envelope as the public API.
 */
import type { ServiceType } from "../api-wire/index.js";
import type { AccountStore } from "./account-store.js";
import type { CapabilityGate } from "./capability-gate.js";
import type { PairRateLimiter } from "./pair-rate-limit.js";
import type { ApiRequest } from "./api-context.js";
import { ApiError, invalidParameter, missingField } from "./api-error.js";
import { FaultSettingsError, parseFaultSettings, type FaultInjector } from "./fault-injector.js";
import { delayProblem, rateLimitProblem } from "./setting-ranges.js";
import { normalizeHandle } from "./handle-format.js";
import { objectBody } from "./request-fields.js";
import type { RequestLog } from "./request-log.js";
import { Router } from "./router.js";
import { simulate } from "./simulated-events.js";
import type { PerTokenRateLimiter } from "./token-bucket.js";
import type { WebhookDispatcher } from "./webhook-dispatcher.js";
import { toChat } from "./wire-views.js";
import { toSubscription } from "./routes/webhook-subscriptions.js";
import type { OperationQueue } from "./queued-operations.js";
import { ErrorCode } from "../api-wire/index.js";

export interface ControlTargets {
  store: AccountStore;
  log: RequestLog;
  faults: FaultInjector;
  limiter: PerTokenRateLimiter;
  dispatcher: WebhookDispatcher;
  operations: OperationQueue;
  capability: CapabilityGate;
  pairLimiter: PairRateLimiter;
  /** Back to the start-up faults and rate limit (used by reset). */
  restoreStartupSettings(): void;
}

export interface ControlResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string;
}

type ControlHandler = (req: ApiRequest, t: ControlTargets, traceId: string) => ControlResponse;

const SERVICES: readonly ServiceType[] = ["iMessage", "SMS", "RCS"];

export const controlRouter = new Router<ControlHandler>()
  .add("GET", "/__emulator/requests", (_req, t) => ({ status: 200, body: t.log.entries() }))
  .add("GET", "/__emulator/state", (_req, t) => ({ status: 200, body: snapshot(t) }))
  .add("POST", "/__emulator/reset", (_req, t) => {
    t.operations.cancelTimers();
    t.dispatcher.cancelPending();
    t.store.reset();
    t.log.clear();
    t.capability.reset();
    t.pairLimiter.reset();
    t.restoreStartupSettings();
    return { status: 204 };
  })
  .add("PUT", "/__emulator/faults", (req, t) => {
    try {
      t.faults.configure(parseFaultSettings(req.body));
    } catch (err) {
      if (err instanceof FaultSettingsError) throw invalidParameter(err.message);
      throw err;
    }
    return { status: 200, body: t.faults.current() };
  })
  .add("PUT", "/__emulator/rate-limit", (req, t) => {
    const body = objectBody(req.body);
    const rps = body.rps ?? 0;
    const burst = body.burst;
    // Same rigor as the public API: finite, in a range that keeps Retry-After a sane number.
    const limitProblem = rateLimitProblem(rps, burst);
    if (limitProblem) throw invalidParameter(limitProblem);
    t.limiter.configure({
      rps: rps as number,
      ...(burst === undefined ? {} : { burst: burst as number }),
    });
    if (body.capability_interval_ms !== undefined) {
      const ms = body.capability_interval_ms;
      const msProblem = delayProblem("capability_interval_ms", ms);
      if (msProblem) throw invalidParameter(msProblem);
      t.capability.intervalMs = ms as number;
      t.capability.reset();
    }
    if (body.pair_limit !== undefined) {
      if (typeof body.pair_limit !== "boolean")
        throw invalidParameter("pair_limit must be true or false");
      t.pairLimiter.enabled = body.pair_limit;
      t.pairLimiter.reset();
    }
    return {
      status: 200,
      body: {
        rps,
        burst: burst ?? null,
        capability_interval_ms: t.capability.intervalMs,
        pair_limit: t.pairLimiter.enabled,
      },
    };
  })
  .add("POST", "/__emulator/simulate", (req, t, traceId) => ({
    status: 200,
    body: simulate(t.store, t.dispatcher, req.body, traceId),
  }))
  .add("PUT", "/__emulator/handles", (req, t) => {
    const body = objectBody(req.body);
    if (body.handle === undefined) throw missingField("handle");
    const handle = normalizeHandle("handle", body.handle);
    const service = body.service;
    if (typeof service !== "string" || !(SERVICES as readonly string[]).includes(service)) {
      throw invalidParameter(`service must be one of ${SERVICES.join(", ")}`);
    }
    t.store.state.handle_services[handle] = service as ServiceType;
    t.store.commit();
    return { status: 200, body: { handle, service } };
  })
  .add("GET", "/__emulator/vcf/:file", (req, t) => {
    const phone = (req.params.file as string).replace(/\.vcf$/, "");
    const card = t.store.state.contact_cards.find((c) => c.phone_number === phone);
    if (!t.store.state.lines.some((l) => l.phone_number === phone)) {
      throw new ApiError(404, ErrorCode.PhoneNumberNotFound, `No line ${phone} in this emulator`);
    }
    const name = card ? [card.first_name, card.last_name].filter(Boolean).join(" ") : phone;
    return {
      status: 200,
      headers: { "content-type": "text/vcard; charset=utf-8" },
      raw: `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nTEL;TYPE=CELL:${phone}\r\nEND:VCARD\r\n`,
    };
  });

/** The whole account, as tests want to see it: chats in wire shape plus their line. */
function snapshot(t: ControlTargets): unknown {
  const s = t.store.state;
  return {
    tokens: s.tokens,
    lines: s.lines,
    chats: s.chats.map((c) => ({ ...toChat(c), line: c.line })),
    messages: s.messages,
    subscriptions: s.subscriptions.map((sub) => ({
      ...toSubscription(sub),
      signing_secret: sub.signing_secret,
    })),
    contact_cards: s.contact_cards,
    // Records only; the uploaded bytes live in memory or beside the data file.
    attachments: s.attachments,
    handle_services: s.handle_services,
    locations: s.locations,
    pending_operations: s.pending_operations,
    webhook_deliveries: t.dispatcher.deliveries,
    faults: t.faults.current(),
    rate_limit: t.limiter.current() ?? null,
  };
}
