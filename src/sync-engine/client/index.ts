/** Public surface of the Linq API client, for the engine and the CLI. */
export type { LinqApi, ListChatsParams } from "./linq-api.js";
export {
  LinqClient,
  type LinqClientOptions,
  type RequestEvent,
  type RetryEvent,
} from "./linq-client.js";
export {
  LinqApiError,
  LinqArgumentError,
  LinqConfigError,
  LinqNetworkError,
  LinqProtocolError,
  type LinqClientError,
} from "./client-errors.js";
export {
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  TOKEN_ENV_VARS,
  resolveBaseUrl,
  resolveToken,
} from "./client-config.js";
export type { RateLimitOptions } from "./rate-limiter.js";
export type { AdaptiveRateOptions } from "./adaptive-rate.js";
export { isIdempotentRequest } from "./retry-policy.js";
