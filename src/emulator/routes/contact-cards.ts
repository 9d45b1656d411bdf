/**
 * Contact cards (§5.9), one per line. Cards are applied at once in the emulator, so they
 * are stored with is_active:true.
 * Decisions (UNSETTLED §12 q13): GET ?phone_number= for a line without a card → `[]`;
 * GET lists every card of the token's lines; a line not owned → 403/2006; PATCH without a
 * card → 404/2012; image_url must be https → 400/1005.
 */
import { E164_PATTERN, ErrorCode, type ContactCard } from "../../api-wire/index.js";
import type { ApiContext, ApiHandler, ApiRequest, ApiResponse } from "../api-context.js";
import {
  ApiError,
  invalidParameter,
  invalidPhone,
  missingField,
  phoneNotOwned,
} from "../api-error.js";
import {
  isHttpsUrl,
  objectBody,
  optionalString,
  requiredString,
  type JsonObject,
} from "../request-fields.js";
import type { Router } from "../router.js";

export function registerContactCardRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/v3/contact_card", listCards)
    .add("POST", "/v3/contact_card", createCard)
    .add("PATCH", "/v3/contact_card", updateCard);
}

function ownedPhone(ctx: ApiContext, value: string | null | undefined): string {
  if (value === undefined || value === null || value === "") throw missingField("phone_number");
  if (!E164_PATTERN.test(value)) throw invalidPhone("phone_number", value);
  if (!ctx.lines.has(value)) throw phoneNotOwned("phone_number", value);
  return value;
}

function cardFields(
  body: JsonObject,
): Partial<Pick<ContactCard, "first_name" | "last_name" | "image_url">> {
  const fields: Partial<Pick<ContactCard, "first_name" | "last_name" | "image_url">> = {};
  const first = optionalString(body, "first_name");
  if (first !== undefined) {
    if (first.trim() === "") throw invalidParameter("first_name must not be empty");
    fields.first_name = first;
  }
  const last = optionalString(body, "last_name");
  if (last !== undefined) fields.last_name = last;
  const image = optionalString(body, "image_url");
  if (image !== undefined) {
    if (!isHttpsUrl(image)) throw invalidParameter("image_url must be a public https URL");
    fields.image_url = image;
  }
  return fields;
}

function listCards(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const filter = req.query.get("phone_number");
  const phone = filter === null || filter === "" ? undefined : ownedPhone(ctx, filter);
  const cards = ctx.store.state.contact_cards.filter(
    (c) => ctx.lines.has(c.phone_number) && (phone === undefined || c.phone_number === phone),
  );
  return { status: 200, body: { contact_cards: cards } };
}

/** POST → 201 (decision, §12 q5). */
function createCard(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const body = objectBody(req.body);
  const phone = ownedPhone(
    ctx,
    body.phone_number === undefined ? undefined : String(body.phone_number),
  );
  requiredString(body, "first_name");
  const fields = cardFields(body);
  if (ctx.store.state.contact_cards.some((c) => c.phone_number === phone)) {
    throw new ApiError(
      409,
      ErrorCode.ContactCardExists,
      `A contact card already exists for ${phone}; change it with PATCH /v3/contact_card?phone_number=${encodeURIComponent(phone)}`,
    );
  }
  const card: ContactCard = {
    phone_number: phone,
    first_name: fields.first_name as string,
    is_active: true,
    last_name: fields.last_name ?? null,
    image_url: fields.image_url ?? null,
  };
  ctx.store.state.contact_cards.push(card);
  ctx.store.commit();
  return { status: 201, body: card };
}

/** PATCH ?phone_number= → 200; fields left out keep their value. */
function updateCard(req: ApiRequest, ctx: ApiContext): ApiResponse {
  const phone = ownedPhone(ctx, req.query.get("phone_number"));
  const fields = cardFields(objectBody(req.body));
  const card = ctx.store.state.contact_cards.find((c) => c.phone_number === phone && c.is_active);
  if (card === undefined) {
    throw new ApiError(
      404,
      ErrorCode.ContactCardNotFound,
      `No contact card for ${phone}; create one with POST /v3/contact_card`,
    );
  }
  Object.assign(card, fields);
  ctx.store.commit();
  return { status: 200, body: card };
}
