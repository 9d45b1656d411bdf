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

/**
 * What `GET /__emulator/` answers: the control routes and their bodies, so the URL the start-up
 * banner prints is a starting point rather than "No control route".
 */
export const CONTROL_ROUTES = [
  {
    method: "GET",
    path: "/__emulator/requests",
    effect: "every API request so far: [{seq, method, path, status}]",
  },
  {
    method: "GET",
    path: "/__emulator/state",
    effect: "the whole account: chats with handles, messages, subscriptions, cards",
  },
  {
    method: "POST",
    path: "/__emulator/reset",
    effect: "empty account, same tokens and lines; start-up faults and rate limit",
  },
  {
    method: "PUT",
    path: "/__emulator/faults",
    effect: "inject failures; {probability:0} turns them off",
    body: {
      probability: 0.2,
      statuses: [500, 503, 429],
      reset_connection: false,
      drop_response_after_commit: false,
      latency_ms: [0, 50],
    },
  },
  {
    method: "PUT",
    path: "/__emulator/rate-limit",
    effect: "token bucket per token; {rps:0} removes it",
    body: { rps: 20, burst: 20 },
  },
  {
    method: "POST",
    path: "/__emulator/simulate",
    effect: "an out-of-band event: mutates the account and sends the matching webhooks",
    bodies: [
      { type: "participant.left", chat_id: "CHAT_ID", handle: "+14155550101" },
      { type: "participant.added", chat_id: "CHAT_ID", handle: "+14155550103" },
      { type: "group.renamed", chat_id: "CHAT_ID", display_name: "Renamed on a phone" },
      {
        type: "location.sharing.started",
        chat_id: "CHAT_ID",
        handle: "+14155550101",
        coordinates: [-122.42, 37.77],
      },
      { type: "location.sharing.stopped", chat_id: "CHAT_ID", handle: "+14155550101" },
      { type: "chat.health", chat_id: "CHAT_ID", status: "OPTED_OUT" },
    ],
  },
  {
    method: "PUT",
    path: "/__emulator/handles",
    effect: "what a recipient supports (default iMessage)",
    body: { handle: "+14155550101", service: "SMS" },
  },
  {
    method: "GET",
    path: "/__emulator/vcf/:line.vcf",
    effect: "the vCard a shared contact card links to",
  },
] as const;

export const controlRouter = new Router<ControlHandler>()
  .add("GET", "/__emulator", () => ({ status: 200, body: { routes: CONTROL_ROUTES } }))
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
