/**
 * One-line "how to fix" hints for API errors (§2.3), appended to `LinqApiError` messages so a
 * user who sees a failed call knows the next step without opening the docs.
 */
import { ErrorCode } from "../../api-wire/error-codes.js";

const HINT_BY_CODE: Readonly<Record<number, string>> = {
  [ErrorCode.MissingRequiredField]: "a required field is missing from the request body.",
  [ErrorCode.InvalidPhoneFormat]: "phone numbers must be E.164, like +12025550100.",
  [ErrorCode.InvalidRequestBody]: "the request body is not valid JSON for this endpoint.",
  [ErrorCode.InvalidMessageContent]:
    "check the message parts (a link part must be alone; no two text parts in a row).",
  [ErrorCode.InvalidParameterValue]: "a parameter value is invalid.",
  [ErrorCode.CannotUpdateDM]: "only group chats can be renamed or given an icon.",
  [ErrorCode.RateLimitExceeded]: "rate limited; lower --parallelism or wait before retrying.",
  [ErrorCode.ChatNotFound]: "the chat id is unknown; the state file may be stale (run plan again).",
  [ErrorCode.Unauthorized]:
    "the token is missing or invalid; set LINQ_API_TOKEN (or LINQ_API_V3_API_KEY) to a valid Partner API token.",
  [ErrorCode.AccessDenied]: "this token has no access to the resource.",
  [ErrorCode.PhonePermissionDenied]:
    "`from` is not a line on this token's account; list your lines with GET /v3/phone_numbers.",
  [ErrorCode.RecipientNotAllowed]:
    "sandbox accounts can only message people who messaged the line first.",
  [ErrorCode.ChatBeingCreated]: "the chat is still being created; try again in a few seconds.",
  [ErrorCode.WebhookSubscriptionNotFound]:
    "the webhook subscription id is unknown; the state file may be stale.",
  [ErrorCode.FeatureNotAvailable]: "the feature must be enabled for this account by Linq support.",
  [ErrorCode.ContactCardNotFound]: "no contact card is set up for this line; create one first.",
  [ErrorCode.ChatUnavailable]: "the line has left this chat; no further interaction is possible.",
  [ErrorCode.ContactCardExists]: "a contact card already exists for this line; update it instead.",
  [ErrorCode.StateConflict]: "the resource changed; refresh it and try again.",
  [ErrorCode.GroupChatNotSupported]: "this operation only works in 1:1 chats.",
  [ErrorCode.ChatServiceNotSupported]:
    "this operation is not supported on the chat's service (iMessage only).",
  [ErrorCode.PhoneNumberNotFound]:
    "use the line's id from GET /v3/phone_numbers, not the number itself.",
  [ErrorCode.ContactCardSetupFailed]: "contact card setup failed transiently; run apply again.",
};

/** Hints that only fit one route: the same code means different things elsewhere. */
function hintForRoute(
  status: number,
  code: number,
  method: string,
  path: string,
): string | undefined {
  const route = path.split("?", 1)[0]!;
  // A 404 that names no missing resource: the request reached a server with no such route, so
  // the base URL (not the id) is what is wrong.
  if (status === 404 && (code === 0 || code === ErrorCode.InvalidParameterValue))
    return "the server has no such route; check that the endpoint is the API base ending in /api/partner (LINQ_API_BASE_URL / --endpoint).";
  if (code === ErrorCode.InvalidParameterValue && method === "POST" && route === "/v3/chats")
    return "a parameter value is invalid (the first message of a new chat may not contain a link or URL).";
  return undefined;
}

export function hintForApiError(
  status: number,
  code: number,
  method = "",
  path = "",
): string | undefined {
  const byRoute = hintForRoute(status, code, method, path);
  if (byRoute) return byRoute;
  const byCode = HINT_BY_CODE[code];
  if (byCode) return byCode;
  if (status === 401) return HINT_BY_CODE[ErrorCode.Unauthorized];
  if (status >= 500)
    return "the server failed; if it persists, quote the trace id to Linq support.";
  return undefined;
}
