/**
 * A fingerprint of what a refresh saw: a saved plan is applied only if a new refresh of the
 * same scope gives the same fingerprint. Only the fields the diff reads are hashed, so a
 * timestamp that moves on its own does not make every saved plan stale.
 */
import { contentHash } from "../model/canonical.js";
import type { LiveSnapshot } from "./live-snapshot.js";

export function fingerprintLive(live: LiveSnapshot): string {
  const chats = Object.keys(live.chats)
    .sort()
    .map((id) => {
      const c = live.chats[id];
      if (!c) return { id, missing: true };
      return {
        id,
        is_group: c.is_group,
        service: c.service ?? null,
        display_name: c.display_name,
        icon: c.group_chat_icon ?? null,
        health: c.health_status?.status ?? null,
        handles: c.handles
          .map((h) => [h.handle, h.status ?? "active", h.is_me === true])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      };
    });
  const webhooks = live.webhooks
    .map((w) => ({
      id: w.id,
      target_url: w.target_url,
      events: [...w.subscribed_events].sort(),
      phone_numbers: [...(w.phone_numbers ?? [])].sort(),
      active: w.is_active,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const cards = live.contact_cards
    .map((c) => ({
      phone: c.phone_number,
      first: c.first_name,
      last: c.last_name ?? null,
      image: c.image_url ?? null,
      active: c.is_active,
    }))
    .sort((a, b) => a.phone.localeCompare(b.phone));
  const interrupted = Object.keys(live.interrupted_creates)
    .sort()
    .map((address) => [address, live.interrupted_creates[address]?.chat.id ?? null]);
  return contentHash({ lines: [...live.lines].sort(), chats, webhooks, cards, interrupted });
}
