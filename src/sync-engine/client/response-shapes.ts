/**
 * The parts of API responses the engine reads, checked before anything reads them: a server
 * that answers 200 with something else (a proxy page, another API, a broken deployment) gets a
 * `LinqProtocolError` naming the field, instead of a TypeError deep in the diff. Only what
 * chatsync depends on is required; unknown extra fields are allowed (the API may grow).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { LinqProtocolError } from "./client-errors.js";

const str = { type: "string" } as const;
const nullableStr = { type: ["string", "null"] } as const;

const handle = {
  type: "object",
  required: ["handle"],
  properties: { handle: str, status: { type: ["string", "null"] }, left_at: nullableStr },
} as const;

const chat = {
  type: "object",
  required: ["id", "handles", "is_group"],
  properties: {
    id: str,
    display_name: nullableStr,
    handles: { type: "array", items: handle },
    is_group: { type: "boolean" },
    group_chat_icon: nullableStr,
    health_status: {
      type: ["object", "null"],
      properties: { status: str },
    },
  },
} as const;

const subscription = {
  type: "object",
  required: ["id", "target_url", "subscribed_events", "is_active"],
  properties: {
    id: str,
    target_url: str,
    subscribed_events: { type: "array", items: str },
    is_active: { type: "boolean" },
    phone_numbers: { type: ["array", "null"], items: str },
  },
} as const;

const contactCard = {
  type: "object",
  required: ["phone_number", "first_name"],
  properties: {
    phone_number: str,
    first_name: str,
    last_name: nullableStr,
    image_url: nullableStr,
    is_active: { type: "boolean" },
  },
} as const;

const page = (field: string, items: object) =>
  ({
    type: "object",
    required: [field],
    properties: { [field]: { type: "array", items }, next_cursor: nullableStr },
  }) as const;

const SHAPES = {
  chat,
  chatPage: page("chats", chat),
  createdChat: {
    type: "object",
    required: ["chat"],
    properties: { chat: { type: "object", required: ["id"], properties: { id: str } } },
  },
  phoneNumbers: page("phone_numbers", {
    type: "object",
    required: ["phone_number"],
    properties: { id: str, phone_number: str },
  }),
  subscription,
  createdSubscription: {
    ...subscription,
    required: [...subscription.required, "signing_secret"],
    properties: { ...subscription.properties, signing_secret: str },
  },
  subscriptions: page("subscriptions", subscription),
  contactCard,
  contactCards: page("contact_cards", contactCard),
  messagePage: page("messages", { type: "object", required: ["id"], properties: { id: str } }),
} as const;

export type ResponseShape = keyof typeof SHAPES;

let ajv: Ajv2020 | undefined;
const compiled = new Map<ResponseShape, ValidateFunction>();

function validatorFor(shape: ResponseShape): ValidateFunction {
  // Compiled on first use, one shape at a time, so a run pays only for the responses it reads.
  let validate = compiled.get(shape);
  if (!validate) {
    ajv ??= new Ajv2020({ allErrors: false, strict: false });
    validate = ajv.compile(SHAPES[shape]);
    compiled.set(shape, validate);
  }
  return validate;
}

/** Throws `LinqProtocolError` naming the first field of `body` that does not fit `shape`. */
export function checkResponseShape(
  shape: ResponseShape,
  body: unknown,
  where: { method: string; path: string; status: number },
): void {
  const validate = validatorFor(shape);
  if (validate(body)) return;
  const first = validate.errors?.[0];
  throw new LinqProtocolError({
    ...where,
    detail: `the response ${describeAjvError(first)}`,
  });
}

/** `chats[0].handles must be array`, from an ajv error (JSON pointer → dotted path). */
export function describeAjvError(error: ErrorObject | undefined): string {
  if (!error) return "does not have the expected shape";
  const missing =
    error.keyword === "required"
      ? (error.params as { missingProperty?: string }).missingProperty
      : undefined;
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
    .join("");
  if (missing !== undefined) return `lacks ${path ? `${path.replace(/^\./, "")}.` : ""}${missing}`;
  return `field ${path.replace(/^\./, "") || "(body)"} ${error.message ?? "is invalid"}`;
}
