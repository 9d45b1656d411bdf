/**
 * Capability checks (§5.12). What a handle supports comes from PUT /__emulator/handles
 * (default iMessage). iMessage users are reported as iMessage-capable only; RCS is available
 * for RCS handles. Rate limit (§2.5, UNSETTLED per line or token): one check per line per
 * 10 s by default (configurable through PUT /__emulator/rate-limit
 * `capability_interval_ms`), answered with 429/1007 and Retry-After.
 */
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError, missingField, rateLimited } from "../api-error.js";
import { ErrorCode } from "../../api-wire/index.js";
import { isEmailHandle, normalizeHandle } from "../handle-format.js";
import { objectBody } from "../request-fields.js";
import type { Router } from "../router.js";
import { ownedLine } from "./chats.js";

export function registerCapabilityRoutes(router: Router<ApiHandler>): void {
  router
    .add("POST", "/v3/capability/check_imessage", (req, ctx) => check(req, ctx, "iMessage"))
    .add("POST", "/v3/capability/check_rcs", (req, ctx) => check(req, ctx, "RCS"));
}

function check(req: ApiRequest, ctx: ApiContext, service: "iMessage" | "RCS"): ApiResponse {
  const body = objectBody(req.body);
  if (body.address === undefined || body.address === null || body.address === "")
    throw missingField("address");
  const address = normalizeHandle("address", body.address);
  if (service === "RCS" && isEmailHandle(address)) {
    throw new ApiError(
      400,
      ErrorCode.InvalidPhoneFormat,
      "RCS checks take an E.164 phone number, not an email address",
    );
  }
  const from = body.from === undefined ? [...ctx.lines][0] : ownedLine(ctx, "from", body.from);
  if (from === undefined)
    throw new ApiError(
      403,
      ErrorCode.PhonePermissionDenied,
      "This token owns no line to check from",
    );
  const waitMs = ctx.capabilityGate(from);
  if (waitMs > 0) throw rateLimited(waitMs, `capability checks from ${from}`);
  const best = ctx.handleService(address);
  return { status: 200, body: { address, available: best === service } };
}
