/**
 * `message.idempotency_key` for every create and send, derived — never random — so a retried
 * or resumed write carries the same key as the first attempt. The lineage makes keys of two
 * repositories (two state files) different; the generation makes a replacement chat's key
 * different from the chat it replaces, so the API never answers a replacement with the old chat.
 */
import { createHash } from "node:crypto";

export type KeyPurpose = "create_chat" | "share_contact_card" | "request_location";

export function deriveIdempotencyKey(
  lineage: string,
  address: string,
  generation: number,
  purpose: KeyPurpose,
): string {
  const digest = createHash("sha256")
    .update(`${lineage}|${address}|${generation}|${purpose}`)
    .digest("hex");
  return `cs1-${digest.slice(0, 40)}`;
}
