/** `defaults:` — values every chat inherits unless it sets its own. */
import type { OnDelete, RosterPolicy } from "../model/desired-state.js";
import type { DocumentContext } from "./document-context.js";
import { normalizePhoneNumber } from "./handle-normalization.js";

export interface ResolvedDefaults {
  /** Normalized E.164 sending line, when declared and valid. */
  from?: string;
  /** defaults.from was declared but invalid (already reported): chats relying on it stay quiet. */
  fromInvalid: boolean;
  roster: RosterPolicy;
  /** Built-in default `forget`: leaving is irreversible, so it must be asked for. */
  on_delete: OnDelete;
  readd_left: boolean;
  share_contact_card: boolean;
  prevent_destroy: boolean;
}

export const BUILT_IN_DEFAULTS: ResolvedDefaults = {
  fromInvalid: false,
  roster: "authoritative",
  on_delete: "forget",
  readd_left: false,
  share_contact_card: false,
  prevent_destroy: false,
};

/** `raw` has passed the schema (or is undefined). */
export function resolveDefaults(
  ctx: DocumentContext | undefined,
  raw: Record<string, unknown> | undefined,
): ResolvedDefaults {
  const out: ResolvedDefaults = { ...BUILT_IN_DEFAULTS };
  if (!raw || !ctx) return out;
  if (typeof raw.from === "string") {
    const n = normalizePhoneNumber(raw.from);
    if (n.ok) {
      out.from = n.value;
      if (n.warning) ctx.warning(["defaults", "from"], `defaults.from: ${n.warning}`);
    } else {
      out.fromInvalid = true;
      ctx.error(["defaults", "from"], `defaults.from: ${n.reason}`);
    }
  }
  if (raw.roster === "authoritative" || raw.roster === "additive") out.roster = raw.roster;
  if (raw.on_delete === "leave" || raw.on_delete === "forget") out.on_delete = raw.on_delete;
  if (typeof raw.readd_left === "boolean") out.readd_left = raw.readd_left;
  if (typeof raw.share_contact_card === "boolean") out.share_contact_card = raw.share_contact_card;
  if (typeof raw.prevent_destroy === "boolean") out.prevent_destroy = raw.prevent_destroy;
  return out;
}
