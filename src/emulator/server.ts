/**
 * The HTTP server: routes `/api/partner/v3/*` through auth, rate limit, faults and the request
 * log to the route handlers, and `/__emulator/*` to the control API. Every response carries
 * `X-Trace-ID`; every API error uses the §2.1 envelope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ErrorCode, type ServiceType } from "../api-wire/index.js";
import type { AccountStore } from "./account-store.js";
import type { ApiContext, ApiHandler, ApiRequest } from "./api-context.js";
import { ApiError } from "./api-error.js";
import { controlRouter, type ControlTargets } from "./control-api.js";
import { controlRequestProblem, isLoopbackPeer } from "./control-access.js";
import { FaultInjector, type FaultDecision, type FaultSettings } from "./fault-injector.js";
import {
  codeForInjectedStatus,
  errorEnvelope,
  errorHeaders,
  newTraceId,
  parseJsonBody,
  readBody,
  send,
} from "./http-exchange.js";
import { OperationQueue } from "./queued-operations.js";
import { RequestLog } from "./request-log.js";
import { Router } from "./router.js";
import {
  CDN_PREFIX,
  registerAttachmentRoutes,
  serveAttachmentFiles,
} from "./routes/attachments.js";
import { registerCapabilityRoutes } from "./routes/capability.js";
import { registerChatRoutes } from "./routes/chats.js";
import { registerContactCardRoutes } from "./routes/contact-cards.js";
import { registerLocationRoutes } from "./routes/location.js";
import { registerMessageRoutes } from "./routes/messages.js";
import { registerParticipantRoutes } from "./routes/participants.js";
import { registerPhoneNumberRoutes } from "./routes/phone-numbers.js";
import { registerWebhookSubscriptionRoutes } from "./routes/webhook-subscriptions.js";
import { CapabilityGate } from "./capability-gate.js";
import { DataFileLockedError } from "./data-file-lock.js";
import { PairRateLimiter } from "./pair-rate-limit.js";
import { PerTokenRateLimiter, type RateLimitSettings } from "./token-bucket.js";
import { WebhookDispatcher } from "./webhook-dispatcher.js";

export const API_PREFIX = "/api/partner";
export const CONTROL_PREFIX = "/__emulator";
export const DEFAULT_CAPABILITY_INTERVAL_MS = 10_000;
const NO_FAULTS: FaultSettings = { probability: 0 };

export interface ServerSettings {
  store: AccountStore;
  /** token → lines it may use; a token without an entry owns every line. */
  tokenLines?: Record<string, string[]>;
  rateLimit?: RateLimitSettings;
  /** Faults in force from the start and again after `POST /__emulator/reset`. */
  faults?: FaultSettings;
  asyncMs: number;
  allowInsecureWebhooks: boolean;
  /** Deliver webhooks to non-loopback targets too (default false). */
  deliverRemoteWebhooks?: boolean;
  capabilityIntervalMs?: number;
  pairRateLimit?: boolean;
  /** UNSETTLED §12.1, see EmulatorOptions.chatCreateDedup. */
  chatCreateDedup: boolean;
  log?: (line: string) => void;
}

function buildApiRouter(): Router<ApiHandler> {
  const router = new Router<ApiHandler>();
  registerChatRoutes(router);
  registerParticipantRoutes(router);
  registerMessageRoutes(router);
  registerLocationRoutes(router);
  registerWebhookSubscriptionRoutes(router);
  registerContactCardRoutes(router);
  registerPhoneNumberRoutes(router);
  registerCapabilityRoutes(router);
  registerAttachmentRoutes(router);
  return router;
}

export class EmulatorServer {
  readonly http: Server;
  readonly store: AccountStore;
  readonly log = new RequestLog();
  readonly faults = new FaultInjector();
  readonly limiter: PerTokenRateLimiter;
  readonly dispatcher: WebhookDispatcher;
  readonly operations: OperationQueue;
  origin = "";
  private readonly api = buildApiRouter();
  private readonly capability: CapabilityGate;
  readonly pairLimiter: PairRateLimiter;
  private readonly logLine: (line: string) => void;

  constructor(private readonly settings: ServerSettings) {
    this.store = settings.store;
    this.logLine = settings.log ?? (() => undefined);
    this.limiter = new PerTokenRateLimiter(settings.rateLimit);
    this.faults.configure(settings.faults ?? NO_FAULTS);
    this.dispatcher = new WebhookDispatcher(
      this.store,
      this.logLine,
      settings.deliverRemoteWebhooks ?? false,
    );
    this.operations = new OperationQueue(this.store, this.dispatcher, settings.asyncMs);
    this.pairLimiter = new PairRateLimiter(settings.pairRateLimit ?? true);
    this.capability = new CapabilityGate(
      settings.capabilityIntervalMs ?? DEFAULT_CAPABILITY_INTERVAL_MS,
    );
    this.operations.resume();
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.logLine(`emulator: unexpected error: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) {
          const traceId = newTraceId();
          send(
            res,
            500,
            errorEnvelope(
              new ApiError(500, ErrorCode.InternalServerError, "Internal server error"),
              traceId,
            ),
            {},
            traceId,
          );
        } else {
          res.destroy();
        }
      });
    });
    // Keep-alive sockets must not hold close() open.
    this.http.keepAliveTimeout = 5_000;
  }

  private closing: Promise<void> | undefined;

  /** Stops deliveries, queued-operation timers and the listener; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.dispatcher.close();
      this.operations.close();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const traceId = newTraceId();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      await this.handleControl(req, res, url, traceId);
      return;
    }
    // Presigned upload and download URLs of §5.11: no bearer token, like S3 and the CDN.
    if (url.pathname.startsWith(`${CDN_PREFIX}/`)) {
      await serveAttachmentFiles(req, res, url, traceId, this.store);
      return;
    }
    await this.handleApi(req, res, url, traceId);
  }

  /** Another process on the same data file may have committed since this one last did. */
  private adoptChangesFromOtherProcesses(): void {
    try {
      this.store.reloadIfChangedOnDisk();
    } catch (err) {
      // A broken file written by someone else: keep serving the account held in memory.
      this.logLine(`emulator: kept the in-memory account: ${(err as Error).message}`);
    }
  }

  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    traceId: string,
  ): Promise<void> {
    try {
      if (!isLoopbackPeer(req.socket.remoteAddress)) {
        throw new ApiError(
          403,
          ErrorCode.AccessDenied,
          "The emulator control API answers loopback clients only",
        );
      }
      const raw = await readBody(req);
      const problem = controlRequestProblem({
        host: req.headers.host,
        origin: req.headers.origin,
        "sec-fetch-site": req.headers["sec-fetch-site"],
        "content-type": req.headers["content-type"],
        bodyBytes: raw.length,
      });
      if (problem !== undefined) {
        const status = problem.startsWith("A control request") ? 415 : 403;
        throw new ApiError(
          status,
          status === 415 ? ErrorCode.InvalidRequestBody : ErrorCode.AccessDenied,
          problem,
        );
      }
      const body = parseJsonBody(raw, req.headers["content-type"]);
      const match = controlRouter.match(req.method ?? "GET", url.pathname);
      if (match.kind === "not_found")
        throw new ApiError(
          404,
          ErrorCode.InvalidParameterValue,
          `No control route ${url.pathname}`,
        );
      if (match.kind === "method_not_allowed") {
        throw new ApiError(
          405,
          ErrorCode.InvalidParameterValue,
          `${req.method} is not allowed on ${url.pathname}; use ${match.allowed.join(", ")}`,
        );
      }
      const apiReq: ApiRequest = {
        method: req.method ?? "GET",
        params: match.params,
        query: url.searchParams,
        body,
        headers: req.headers,
      };
      // Reset, simulate and handles commit too: same locked read-modify-write as the API.
      const out = await this.store.atomically(() => {
        this.adoptChangesFromOtherProcesses();
        return match.handler(apiReq, this.controlTargets(), traceId);
      });
      if (out.raw !== undefined) {
        res.setHeader("x-trace-id", traceId);
        res.writeHead(out.status, out.headers);
        res.end(out.raw);
        return;
      }
      send(res, out.status, out.body, out.headers ?? {}, traceId);
    } catch (err) {
      this.sendError(res, err, traceId);
    }
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    traceId: string,
  ): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const entry = {
      method,
      path: url.pathname,
      ...(url.search ? { query: url.search.slice(1) } : {}),
    };
    const latency = this.faults.latencyMs();
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const fault: FaultDecision = this.faults.decide();
    if (fault.kind === "reset_connection") {
      this.log.add({ ...entry, status: 0, fault: "reset_connection" });
      req.socket.destroy();
      return;
    }
    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      // dispatchApi is synchronous from its reload to the handler's commit; with a data file
      // that whole span holds the file's cross-process lock (reads too: they apply due queued
      // operations, which commit). Reading the body stays outside, so a slow client never
      // holds the lock.
      const out = await this.store.atomically(() =>
        this.dispatchApi(req, url, raw, traceId, fault),
      );
      status = out.status;
      body = out.body;
      headers = out.headers ?? {};
    } catch (err) {
      const apiErr = this.toApiError(err);
      status = apiErr.status;
      body = errorEnvelope(apiErr, traceId);
      headers = errorHeaders(apiErr);
    }
    if (fault.kind === "drop_response_after_commit") {
      // The handler ran and committed (and persisted); the client never hears back.
      this.log.add({ ...entry, status, fault: "drop_response_after_commit" });
      req.socket.destroy();
      return;
    }
    this.log.add({
      ...entry,
      status,
      ...(fault.kind === "status" ? { fault: "status" as const } : {}),
    });
    this.logLine(`${method} ${url.pathname} → ${status}`);
    send(res, status, body, headers, traceId);
  }

  /** Auth → rate limit → injected status → route → handler. */
  private dispatchApi(
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    traceId: string,
    fault: FaultDecision,
  ) {
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      throw new ApiError(
        404,
        ErrorCode.InvalidParameterValue,
        `No route ${url.pathname}; the API lives under ${API_PREFIX}/v3`,
      );
    }
    const token = this.authenticate(req);
    const wait = this.limiter.take(token);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new ApiError(
        429,
        ErrorCode.RateLimitExceeded,
        `Rate limited. Try again in ${seconds} seconds.`,
        seconds,
        Math.max(1, Math.ceil(wait)),
      );
    }
    if (fault.kind === "status") {
      const code = codeForInjectedStatus(fault.status);
      throw new ApiError(
        fault.status,
        code,
        `Injected fault (status ${fault.status})`,
        fault.status === 429 ? 1 : undefined,
        fault.status === 429 ? 1000 : undefined,
      );
    }
    // Under the data file lock (see handleApi): nobody else commits until this handler has.
    this.adoptChangesFromOtherProcesses();
    this.operations.applyDue();
    const path = url.pathname.slice(API_PREFIX.length);
    const match = this.api.match(req.method ?? "GET", path);
    if (match.kind === "not_found")
      throw new ApiError(
        404,
        ErrorCode.InvalidParameterValue,
        `No route ${req.method} ${url.pathname}`,
      );
    if (match.kind === "method_not_allowed") {
      throw new ApiError(
        405,
        ErrorCode.InvalidParameterValue,
        `${req.method} is not allowed on ${url.pathname}; use ${match.allowed.join(", ")}`,
      );
    }
    const body = parseJsonBody(raw, req.headers["content-type"]);
    const ctx = this.context(token, traceId);
    return match.handler(
      {
        method: req.method ?? "GET",
        params: match.params,
        query: url.searchParams,
        body,
        headers: req.headers,
      },
      ctx,
    );
  }

  private authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    const token = m?.[1]?.trim();
    if (token === undefined || !this.store.state.tokens.includes(token)) {
      throw new ApiError(
        401,
        ErrorCode.Unauthorized,
        "Unauthorized - missing or invalid authentication token; send Authorization: Bearer <token>",
      );
    }
    return token;
  }

  private context(token: string, traceId: string): ApiContext {
    const all = this.store.state.lines.map((l) => l.phone_number);
    const own = this.settings.tokenLines?.[token];
    return {
      store: this.store,
      token,
      lines: new Set(own === undefined ? all : all.filter((l) => own.includes(l))),
      traceId,
      origin: this.origin,
      events: this.dispatcher,
      operations: this.operations,
      now: new Date(),
      allowInsecureWebhooks: this.settings.allowInsecureWebhooks,
      chatCreateDedup: this.settings.chatCreateDedup,
      capabilityGate: (line) => this.capability.take(line),
      messageGate: (line, recipients) => this.pairLimiter.take(line, recipients),
      handleService: (handle): ServiceType =>
        this.store.state.handle_services[handle] ?? "iMessage",
    };
  }

  private controlTargets(): ControlTargets {
    return {
      store: this.store,
      log: this.log,
      faults: this.faults,
      limiter: this.limiter,
      dispatcher: this.dispatcher,
      operations: this.operations,
      capability: this.capability,
      pairLimiter: this.pairLimiter,
      restoreStartupSettings: () => {
        this.faults.configure(this.settings.faults ?? NO_FAULTS);
        this.limiter.configure(this.settings.rateLimit);
        this.capability.intervalMs =
          this.settings.capabilityIntervalMs ?? DEFAULT_CAPABILITY_INTERVAL_MS;
        this.pairLimiter.enabled = this.settings.pairRateLimit ?? true;
      },
    };
  }

  private toApiError(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    if (err instanceof DataFileLockedError) {
      this.logLine(`emulator: ${err.message}`);
      // As the API's own 4004 (§2.2): no retry_after, which the doc gives 429 only.
      return new ApiError(503, ErrorCode.ServiceUnavailable, err.message);
    }
    this.logLine(`emulator: handler error: ${(err as Error).stack ?? String(err)}`);
    return new ApiError(500, ErrorCode.InternalServerError, "Internal server error");
  }

  private sendError(res: ServerResponse, err: unknown, traceId: string): void {
    const apiErr = this.toApiError(err);
    send(res, apiErr.status, errorEnvelope(apiErr, traceId), errorHeaders(apiErr), traceId);
  }
}
