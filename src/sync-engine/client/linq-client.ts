/**
 * The HTTP implementation of `LinqApi`: every endpoint of the reference's index (§5.0) that
 * chatsync uses, on one keep-alive undici Pool per client. Each call goes through the same
 * loop: wait for the rate limiter → one attempt (`HttpTransport`) → report to `onRequest` →
 * on failure ask `RetryPolicy` whether and when to try again.
 *
 * The bearer token lives in private fields only; it never appears in errors, hook events,
 * `toString()`, `toJSON()` or `util.inspect()` output.
 */
import { inspect } from "node:util";
import type {
  CapabilityResponse,
  Chat,
  ContactCard,
  CreateChatRequest,
  CreateChatResponse,
  CreatedWebhookSubscription,
  CreateContactCardRequest,
  CreateWebhookSubscriptionRequest,
  ListChatsResponse,
  ListContactCardsResponse,
  ListMessagesResponse,
  ListPhoneNumbersResponse,
  ListWebhookEventsResponse,
  ListWebhookSubscriptionsResponse,
  LocationRequestResponse,
  LocationResponse,
  Message,
  MessageContent,
  PhoneNumber,
  QueuedResponse,
  SendMessageResponse,
  UpdateChatRequest,
  UpdateChatResponse,
  UpdateContactCardRequest,
  UpdateWebhookSubscriptionRequest,
  WebhookSubscription,
} from "../../api-wire/types.js";
import { ErrorCode } from "../../api-wire/error-codes.js";
import type { AdaptiveRateOptions } from "./adaptive-rate.js";
import { resolveBaseUrl, resolveToken, type EnvSource } from "./client-config.js";
import { LinqApiError, LinqConfigError, LinqNetworkError } from "./client-errors.js";
import { systemClock, type Clock } from "./clock.js";
import { HttpTransport } from "./http-transport.js";
import type { LinqApi, ListChatsParams } from "./linq-api.js";
import { paginate } from "./pagination.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limiter.js";
import type { AcceptKind } from "./request-headers.js";
import { apiPath, buildQuery, type QueryParams } from "./request-url.js";
import { checkResponseShape, type ResponseShape } from "./response-shapes.js";
import { isIdempotentRequest, RetryPolicy, type AttemptFailure } from "./retry-policy.js";

/** One finished attempt, for `--debug` logs and request counting. Never headers or bodies. */
export interface RequestEvent {
  method: string;
  /** Path below the base URL, with query, e.g. `/v3/chats?limit=100`. */
  path: string;
  /** HTTP status; absent when no response arrived. */
  status?: number;
  /** 1-based attempt number of this call. */
  attempt: number;
  durationMs: number;
  /** The failure of this attempt, if it failed. */
  error?: LinqApiError | LinqNetworkError;
}

/** A retry about to happen. */
export interface RetryEvent {
  method: string;
  path: string;
  /** The attempt that failed (1-based); the next one is `attempt + 1`. */
  attempt: number;
  delayMs: number;
  /** Why: `429 (1007)`, `503`, `ECONNRESET`, `TIMEOUT`, … */
  reason: string;
  /** True when the wait is a shared pause of every request (429). */
  rateLimited: boolean;
}

export interface LinqClientOptions {
  /** Partner API v3 bearer token. */
  token: string;
  /** Base URL without `/v3`; default `https://api.linqapp.com/api/partner`. */
  baseUrl?: string;
  /** Per-attempt timeout for headers and body, ms. Default 30 000. */
  timeoutMs?: number;
  /** Most open connections to the API origin. Default 10. */
  maxConnections?: number;
  /** Largest response body accepted, bytes (default 8 MiB); a longer one fails at once. */
  maxResponseBytes?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** First backoff step, ms. Default 1 000. */
  baseDelayMs?: number;
  /** Cap of a computed backoff, ms. Default 30 000. */
  maxDelayMs?: number;
  /** Longest Retry-After the client waits out by itself, ms. Default 120 000. */
  maxRetryAfterMs?: number;
  /** Client-side token bucket; off by default (429s still pause every request). */
  rateLimit?: RateLimitOptions;
  /**
   * Pacing learned from 429s (see adaptive-rate.ts), on by default; `rateLimit.rps` stays its
   * ceiling. `false` turns it off: a 429 then only pauses every request for the server's wait.
   */
  adaptiveRate?: Omit<AdaptiveRateOptions, "ceilingRps"> | false;
  onRequest?: (event: RequestEvent) => void;
  onRetry?: (event: RetryEvent) => void;
  /** Injected time source for tests (backoff sleeps, rate limiting, durations). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Injected randomness in [0, 1) for backoff jitter. */
  random?: () => number;
}

interface CallSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: QueryParams;
  body?: unknown;
  accept?: AcceptKind;
  /** Overrides the method/body rule of `isIdempotentRequest` for endpoints known to be safe. */
  idempotent?: boolean;
  /**
   * For a retried write whose earlier attempt may have been carried out (no response after
   * sending, or a 5xx): recognises the refusal a retry meets when that attempt did the work
   * (a delete answered 404, a removal answered "not a participant") and returns what to
   * report instead of the error — `undefined` keeps the error.
   */
  doneByEarlierAttempt?: (error: LinqApiError) => Promise<{ result: unknown } | undefined>;
  /** What a 2xx body must look like before anyone reads it (response-shapes.ts). */
  shape?: ResponseShape;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_CONNECTIONS = 10;
const LIST_PAGE_SIZE = 100;

export class LinqClient implements LinqApi {
  readonly baseUrl: string;
  readonly #transport: HttpTransport;
  readonly #limiter: RateLimiter;
  readonly #policy: RetryPolicy;
  readonly #clock: Clock;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  #closed = false;
  /** Whether any response has arrived yet: a refused first connection means a wrong endpoint. */
  #answered = false;

  constructor(options: LinqClientOptions) {
    const token = resolveToken({}, options.token);
    this.baseUrl = resolveBaseUrl({}, options.baseUrl);
    const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
    const maxConnections = positiveInteger(
      options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      "maxConnections",
    );
    this.#clock = {
      now: options.now ?? systemClock.now,
      sleep: options.sleep ?? systemClock.sleep,
    };
    this.#policy = new RetryPolicy({
      maxRetries: options.maxRetries,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs,
      random: options.random,
    });
    this.#limiter = new RateLimiter(options.rateLimit, this.#clock, options.adaptiveRate);
    this.#transport = new HttpTransport({
      baseUrl: this.baseUrl,
      token,
      timeoutMs,
      maxConnections,
      ...(options.maxResponseBytes !== undefined
        ? { maxResponseBytes: positiveInteger(options.maxResponseBytes, "maxResponseBytes") }
        : {}),
    });
    this.#onRequest = options.onRequest;
    this.#onRetry = options.onRetry;
  }

  /**
   * Builds a client from the environment: token from LINQ_API_TOKEN, else LINQ_API_V3_API_KEY;
   * base URL from `overrides.baseUrl`, else LINQ_API_BASE_URL, else LINQ_API_V3_BASE_URL, else
   * production. Throws `LinqConfigError` naming the variable to set.
   */
  static fromEnv(
    env: EnvSource = process.env,
    overrides: Partial<LinqClientOptions> = {},
  ): LinqClient {
    const token = resolveToken(env, overrides.token);
    const baseUrl = resolveBaseUrl(env, overrides.baseUrl);
    return new LinqClient({ ...overrides, token, baseUrl });
  }

  /** Closes the connection pool; later calls fail with `LinqNetworkError` code CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
  }

  // --- phone numbers -------------------------------------------------------------------

  async listPhoneNumbers(): Promise<PhoneNumber[]> {
    const res = await this.call<ListPhoneNumbersResponse>({
      method: "GET",
      path: "/v3/phone_numbers",
      shape: "phoneNumbers",
    });
    return res.phone_numbers;
  }

  // --- chats -------------------------------------------------------------------------------

  listChatsPage(params: ListChatsParams = {}): Promise<ListChatsResponse> {
    return this.call<ListChatsResponse>({
      method: "GET",
      path: "/v3/chats",
      query: { from: params.from, to: params.to, limit: params.limit, cursor: params.cursor },
      shape: "chatPage",
    });
  }

  listChats(params: Omit<ListChatsParams, "cursor"> = {}): AsyncGenerator<Chat> {
    return paginate({
      describe: "GET /v3/chats",
      fetchPage: (cursor) => this.listChatsPage({ limit: LIST_PAGE_SIZE, ...params, cursor }),
      items: (page: ListChatsResponse) => page.chats,
    });
  }

  getChat(chatId: string): Promise<Chat> {
    return this.call<Chat>({ method: "GET", path: apiPath`/v3/chats/${chatId}`, shape: "chat" });
  }

  /** Retried on failure only when `body.message.idempotency_key` is set (and `replayUncertain` is not false). */
  createChat(
    body: CreateChatRequest,
    options: { replayUncertain?: boolean } = {},
  ): Promise<CreateChatResponse> {
    return this.call<CreateChatResponse>({
      method: "POST",
      path: "/v3/chats",
      body,
      shape: "createdChat",
      ...(options.replayUncertain === false ? { idempotent: false } : {}),
    });
  }

  updateChat(chatId: string, body: UpdateChatRequest): Promise<UpdateChatResponse> {
    return this.call<UpdateChatResponse>({
      method: "PUT",
      path: apiPath`/v3/chats/${chatId}`,
      body,
    });
  }

  async markChatRead(chatId: string): Promise<void> {
    // Marking read twice changes nothing, so a retry is safe.
    await this.call({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/read`,
      accept: "any",
      idempotent: true,
    });
  }

  leaveChat(chatId: string): Promise<QueuedResponse> {
    return this.call<QueuedResponse>({ method: "POST", path: apiPath`/v3/chats/${chatId}/leave` });
  }

  async shareContactCard(chatId: string): Promise<void> {
    await this.call({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/share_contact_card`,
      accept: "any",
    });
  }

  sendVoiceMemo(
    chatId: string,
    body: { voice_memo_url?: string; attachment_id?: string },
  ): Promise<unknown> {
    return this.call<unknown>({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/voicememo`,
      body,
    });
  }

  // --- participants ------------------------------------------------------------------------

  addParticipant(chatId: string, handle: string): Promise<QueuedResponse> {
    return this.call<QueuedResponse>({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/participants`,
      body: { handle },
    });
  }

  /**
   * DELETE with a JSON body (§5.2.2). A retry after a lost response meets 409/2015 when the
   * first attempt removed the person; a read-back tells that apart from a real refusal.
   */
  removeParticipant(chatId: string, handle: string): Promise<QueuedResponse> {
    return this.call<QueuedResponse>({
      method: "DELETE",
      path: apiPath`/v3/chats/${chatId}/participants`,
      body: { handle },
      doneByEarlierAttempt: async (error) => {
        if (error.status !== 409 || error.code !== ErrorCode.StateConflict) return undefined;
        // If the read-back fails too, the caller gets the original refusal.
        const chat = await this.getChat(chatId).catch(() => undefined);
        if (chat === undefined) return undefined;
        const stillActive = chat.handles.some((h) => h.handle === handle && h.status === "active");
        return stillActive
          ? undefined
          : {
              result: { status: "accepted", message: "Participant removed by an earlier attempt" },
            };
      },
    });
  }

  // --- typing --------------------------------------------------------------------------------

  async startTyping(chatId: string): Promise<void> {
    // Showing the indicator twice is the same as once.
    await this.call({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/typing`,
      accept: "any",
      idempotent: true,
    });
  }

  async stopTyping(chatId: string): Promise<void> {
    await this.call({ method: "DELETE", path: apiPath`/v3/chats/${chatId}/typing`, accept: "any" });
  }

  // --- messages --------------------------------------------------------------------------------

  /** Retried on failure only when `message.idempotency_key` is set. */
  sendMessage(chatId: string, message: MessageContent): Promise<SendMessageResponse> {
    return this.call<SendMessageResponse>({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/messages`,
      body: { message },
    });
  }

  listMessagesPage(
    chatId: string,
    params: { limit?: number; cursor?: string } = {},
  ): Promise<ListMessagesResponse> {
    return this.call<ListMessagesResponse>({
      method: "GET",
      path: apiPath`/v3/chats/${chatId}/messages`,
      query: { limit: params.limit, cursor: params.cursor },
      shape: "messagePage",
    });
  }

  listMessages(chatId: string, params: { limit?: number } = {}): AsyncGenerator<Message> {
    return paginate({
      describe: `GET /v3/chats/${encodeURIComponent(chatId)}/messages`,
      fetchPage: (cursor) =>
        this.listMessagesPage(chatId, { limit: LIST_PAGE_SIZE, ...params, cursor }),
      items: (page: ListMessagesResponse) => page.messages,
    });
  }

  // --- location --------------------------------------------------------------------------------

  requestLocation(chatId: string): Promise<LocationRequestResponse> {
    return this.call<LocationRequestResponse>({
      method: "POST",
      path: apiPath`/v3/chats/${chatId}/location/request`,
    });
  }

  getLocation(chatId: string): Promise<LocationResponse> {
    return this.call<LocationResponse>({
      method: "GET",
      path: apiPath`/v3/chats/${chatId}/location`,
      accept: "geo+json",
    });
  }

  // --- webhook subscriptions ---------------------------------------------------------------------

  async listWebhookSubscriptions(): Promise<WebhookSubscription[]> {
    const res = await this.call<ListWebhookSubscriptionsResponse>({
      method: "GET",
      path: "/v3/webhook-subscriptions",
      shape: "subscriptions",
    });
    return res.subscriptions;
  }

  getWebhookSubscription(id: string): Promise<WebhookSubscription> {
    return this.call<WebhookSubscription>({
      method: "GET",
      path: apiPath`/v3/webhook-subscriptions/${id}`,
      shape: "subscription",
    });
  }

  /** Not retried after a lost response: the signing secret is only returned by the first call. */
  createWebhookSubscription(
    body: CreateWebhookSubscriptionRequest,
  ): Promise<CreatedWebhookSubscription> {
    return this.call<CreatedWebhookSubscription>({
      method: "POST",
      path: "/v3/webhook-subscriptions",
      body,
      shape: "createdSubscription",
    });
  }

  updateWebhookSubscription(
    id: string,
    body: UpdateWebhookSubscriptionRequest,
  ): Promise<WebhookSubscription> {
    return this.call<WebhookSubscription>({
      method: "PUT",
      path: apiPath`/v3/webhook-subscriptions/${id}`,
      body,
    });
  }

  async deleteWebhookSubscription(id: string): Promise<void> {
    await this.call({
      method: "DELETE",
      path: apiPath`/v3/webhook-subscriptions/${id}`,
      accept: "any",
      // A retry after a lost response finds the subscription gone: the delete happened.
      doneByEarlierAttempt: async (error) =>
        error.status === 404 && error.code === ErrorCode.WebhookSubscriptionNotFound
          ? { result: undefined }
          : undefined,
    });
  }

  listWebhookEvents(): Promise<ListWebhookEventsResponse> {
    return this.call<ListWebhookEventsResponse>({ method: "GET", path: "/v3/webhook-events" });
  }

  // --- contact cards -----------------------------------------------------------------------------

  async listContactCards(phoneNumber?: string): Promise<ContactCard[]> {
    const res = await this.call<ListContactCardsResponse>({
      method: "GET",
      path: "/v3/contact_card",
      query: { phone_number: phoneNumber },
      shape: "contactCards",
    });
    return res.contact_cards;
  }

  createContactCard(body: CreateContactCardRequest): Promise<ContactCard> {
    return this.call<ContactCard>({ method: "POST", path: "/v3/contact_card", body });
  }

  updateContactCard(phoneNumber: string, body: UpdateContactCardRequest): Promise<ContactCard> {
    return this.call<ContactCard>({
      method: "PATCH",
      path: "/v3/contact_card",
      query: { phone_number: phoneNumber },
      body,
      // Sets the given fields to fixed values (merge semantics): sending it twice is harmless.
      idempotent: true,
    });
  }

  // --- capability checks ---------------------------------------------------------------------------

  checkIMessage(address: string, from?: string): Promise<CapabilityResponse> {
    return this.capabilityCheck("/v3/capability/check_imessage", address, from);
  }

  checkRcs(address: string, from?: string): Promise<CapabilityResponse> {
    return this.capabilityCheck("/v3/capability/check_rcs", address, from);
  }

  private capabilityCheck(
    path: string,
    address: string,
    from: string | undefined,
  ): Promise<CapabilityResponse> {
    // A POST that only reads: safe to retry.
    return this.call<CapabilityResponse>({
      method: "POST",
      path,
      body: { address, from },
      idempotent: true,
    });
  }

  // --- the request loop ----------------------------------------------------------------------------

  private async call<T = unknown>(spec: CallSpec): Promise<T> {
    const path = spec.path + buildQuery(spec.query);
    const idempotent = spec.idempotent ?? isIdempotentRequest(spec.method, spec.body);
    const isRead = spec.method === "GET";
    /** A slot reserved before a rate-limited retry is announced, so the retry keeps its place. */
    let reservedSlot: Promise<void> | undefined;
    /** Whether an earlier attempt may have been carried out although it failed. */
    let earlierMayHaveCommitted = false;
    for (let attempt = 1; ; attempt++) {
      await (reservedSlot ?? this.#limiter.acquire());
      reservedSlot = undefined;
      const started = this.#clock.now();
      const outcome = await this.#transport.send({
        method: spec.method,
        path,
        body: spec.body,
        accept: spec.accept ?? "json",
      });
      const durationMs = Math.max(0, this.#clock.now() - started);

      if (outcome.kind === "success") {
        this.#limiter.recordAccepted(started);
        this.emitRequest({
          method: spec.method,
          path,
          status: outcome.status,
          attempt,
          durationMs,
        });
        if (spec.shape !== undefined)
          checkResponseShape(spec.shape, outcome.body, {
            method: spec.method,
            path,
            status: outcome.status,
          });
        this.#answered = true;
        return outcome.body as T;
      }

      let failure: AttemptFailure;
      let error: LinqApiError | LinqNetworkError;
      if (outcome.kind === "api-error") {
        error = outcome.error;
        this.#answered = true;
        // Any answer but 429 means the server took the request at this pace.
        if (error.status === 429) this.#limiter.recordRateLimited(started);
        else this.#limiter.recordAccepted(started);
        failure = {
          kind: "status",
          status: error.status,
          code: error.code,
          retryAfterMs: error.retryAfterMs,
        };
        this.emitRequest({
          method: spec.method,
          path,
          status: error.status,
          attempt,
          durationMs,
          error,
        });
      } else {
        // Nothing listening before anything ever answered: a wrong or stopped endpoint, which
        // five backoff retries would not fix; say so at once.
        const nothingListens = outcome.code === "ECONNREFUSED" && !this.#answered;
        error = new LinqNetworkError({
          method: spec.method,
          path,
          code: outcome.code,
          detail: nothingListens
            ? `nothing listens at ${this.#origin()} (connection refused)`
            : outcome.detail,
          maybeCommitted: outcome.sentBeforeFailure && !isRead,
          attempts: attempt,
          cause: outcome.cause,
        });
        failure = {
          kind: "network",
          code: outcome.code,
          sentBeforeFailure: outcome.sentBeforeFailure,
        };
        this.emitRequest({ method: spec.method, path, attempt, durationMs, error });
        if (nothingListens) throw error;
      }

      if (earlierMayHaveCommitted && error instanceof LinqApiError && spec.doneByEarlierAttempt) {
        const done = await spec.doneByEarlierAttempt(error);
        if (done !== undefined) return done.result as T;
      }
      const decision = this.#closed
        ? { retry: false as const }
        : this.#policy.decide(failure, { attempt, idempotent });
      if (!decision.retry) throw error;
      if (failure.kind === "network" ? failure.sentBeforeFailure : failure.status >= 500)
        earlierMayHaveCommitted = true;

      const retryEvent: RetryEvent = {
        method: spec.method,
        path,
        attempt,
        delayMs: decision.delayMs,
        reason: decision.reason,
        rateLimited: decision.rateLimited,
      };
      if (decision.rateLimited) {
        // Everyone waits, not just this call: the pause is in place (and this call queued
        // first in line behind it) before anyone hears of the retry.
        this.#limiter.pauseFor(decision.delayMs);
        reservedSlot = this.#limiter.acquire();
        this.emitRetry(retryEvent);
      } else {
        this.emitRetry(retryEvent);
        await this.#clock.sleep(decision.delayMs);
      }
    }
  }

  #origin(): string {
    return new URL(this.baseUrl).origin;
  }

  private emitRequest(event: RequestEvent): void {
    callHook(this.#onRequest, event, "onRequest");
  }

  private emitRetry(event: RetryEvent): void {
    callHook(this.#onRetry, event, "onRetry");
  }

  toString(): string {
    return `LinqClient(${this.baseUrl})`;
  }

  toJSON(): { baseUrl: string } {
    return { baseUrl: this.baseUrl };
  }

  [inspect.custom](): string {
    return `LinqClient { baseUrl: '${this.baseUrl}', closed: ${this.#closed} }`;
  }
}

/** A throwing observer must not turn a completed API call into a failure; it becomes a warning. */
function callHook<E>(hook: ((event: E) => void) | undefined, event: E, name: string): void {
  if (!hook) return;
  try {
    hook(event);
  } catch (err) {
    process.emitWarning(
      `LinqClient ${name} hook threw: ${(err as Error)?.message ?? String(err)}`,
      {
        code: "CHATSYNC_HOOK_ERROR",
      },
    );
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new LinqConfigError(
      "INVALID_OPTION",
      `LinqClient option ${name} must be a positive integer, got ${value}`,
    );
  }
  return value;
}
