/** Phone numbers (§5.10): list, forwarding, the deprecated list, and the best-line hint. */
import { E164_PATTERN, ErrorCode } from "../../api-wire/index.js";
import type { LineRecord } from "../account-store.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import { ApiError, invalidPhone, missingField } from "../api-error.js";
import { normalizeHandle } from "../handle-format.js";
import { objectBody, queryList } from "../request-fields.js";
import type { Router } from "../router.js";

export const REPUTATION_DOC_URL = "https://docs.linqapp.com/guides/phone-number-reputation/";

export function registerPhoneNumberRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/v3/phone_numbers", (_req, ctx) => ({
      status: 200,
      body: {
        phone_numbers: ownedLines(ctx).map((l) => ({
          id: l.id,
          phone_number: l.phone_number,
          reputation: { status: "HEALTHY", doc_url: REPUTATION_DOC_URL },
          health_status: { status: "HEALTHY", doc_url: REPUTATION_DOC_URL },
          forwarding_number: l.forwarding_number,
        })),
      },
    }))
    .add("GET", "/v3/phonenumbers", (_req, ctx) => ({
      status: 200,
      body: {
        phone_numbers: ownedLines(ctx).map((l) => ({
          id: l.id,
          phone_number: l.phone_number,
          capabilities: { sms: true, mms: true, voice: true },
          country_code: null,
          type: null,
        })),
      },
    }))
    .add("PUT", "/v3/phone_numbers/:phoneNumberId", updateForwarding)
    .add("GET", "/v3/available_number", availableNumber);
}

function ownedLines(ctx: ApiContext): LineRecord[] {
  return ctx.store.state.lines.filter((l) => ctx.lines.has(l.phone_number));
}

/** PUT → 200 (decision, §12 q5). `""` or null clears forwarding; the key itself is required. */
function updateForwarding(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const id = req.params.phoneNumberId as string;
  const line = ownedLines(ctx).find((l) => l.id === id);
  if (line === undefined) {
    throw new ApiError(
      404,
      ErrorCode.PhoneNumberNotFound,
      `Phone number ${id} not found; the path takes the line's id from GET /v3/phone_numbers, not the number`,
    );
  }
  const body = objectBody(req.body);
  if (!("forwarding_number" in body)) throw missingField("forwarding_number");
  const value = body.forwarding_number;
  if (value !== null && value !== "" && (typeof value !== "string" || !E164_PATTERN.test(value))) {
    throw invalidPhone("forwarding_number", value);
  }
  line.forwarding_number = value === "" || value === null ? null : (value as string);
  ctx.store.commit();
  return {
    status: 200,
    body: {
      id: line.id,
      phone_number: line.phone_number,
      forwarding_number: line.forwarding_number,
    },
  };
}

/** The line of an existing chat with exactly these recipients, else the first line. */
function availableNumber(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const lines = ownedLines(ctx);
  const first = lines[0];
  if (first === undefined)
    throw new ApiError(404, ErrorCode.PhoneNumberNotFound, "This token owns no phone numbers");
  const to = [...new Set(queryList(req.query, "to").map((h) => normalizeHandle("to", h)))].sort();
  const match =
    to.length === 0
      ? undefined
      : ctx.store.state.chats.find((c) => {
          if (!ctx.lines.has(c.line)) return false;
          const others = c.handles
            .filter((h) => !h.is_me && h.status === "active")
            .map((h) => h.handle)
            .sort();
          return others.length === to.length && others.every((h, i) => h === to[i]);
        });
  const phone = match?.line ?? first.phone_number;
  return {
    status: 200,
    body: {
      phone_number: phone,
      vcf_url: `${ctx.origin}/__emulator/vcf/${encodeURIComponent(phone)}.vcf`,
    },
  };
}
