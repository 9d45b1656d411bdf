/** One `contact_cards:` entry → a DesiredContactCard (linq-api-v3.md §5.9). Schema already passed. */
import type { DesiredContactCard } from "../model/desired-state.js";
import type { DocumentContext } from "./document-context.js";
import { normalizePhoneNumber } from "./handle-normalization.js";
import { parseDeclaredUrl } from "./url-rules.js";

type RawCard = Record<string, unknown>;

/** The card's normalized line, or undefined (reported) when the key is not a phone number. */
export function normalizeContactCardKey(ctx: DocumentContext, key: string): string | undefined {
  const n = normalizePhoneNumber(key);
  if (!n.ok) {
    ctx.error(
      ["contact_cards", key],
      `contact card key: ${n.reason}; a contact card is keyed by its line's phone number`,
      "key",
    );
    return undefined;
  }
  if (n.warning) ctx.warning(["contact_cards", key], `contact card key: ${n.warning}`, "key");
  return n.value;
}

/** `key` is the card's key as written; undefined (reported) when image_url is not a usable URL. */
export function resolveContactCard(
  ctx: DocumentContext,
  key: string,
  phone: string,
  raw: RawCard,
): DesiredContactCard | undefined {
  if (
    typeof raw.image_url === "string" &&
    !parseDeclaredUrl(ctx, ["contact_cards", key, "image_url"], raw.image_url)
  )
    return undefined;
  return {
    phone_number: phone,
    first_name: raw.first_name as string,
    ...(raw.last_name !== undefined ? { last_name: raw.last_name as string } : {}),
    ...(raw.image_url !== undefined ? { image_url: raw.image_url as string } : {}),
  };
}
