/**
 * The YAML `chatsync export` writes (SPEC §5a): every live object as a declaration, plus the
 * `imports:` list tying each key to its live id. Pure and deterministic — the same account
 * gives the same bytes, whatever order the API listed it in:
 * - keys come from display names (slugged), else from the people; collisions get -2, -3… in
 *   order of creation (then id), so keys are unique and stable;
 * - each entry is checked by the one validation pipeline (resolveDocuments); an object the
 *   format cannot declare is left out and named in the header, never written half-valid.
 */
import { Document, isMap, isScalar, isSeq, type Pair } from "yaml";
import type { Chat, ContactCard, WebhookSubscription } from "../../api-wire/types.js";
import { WEBHOOK_EVENT_TYPES } from "../../api-wire/event-types.js";
import { fromJsonPointer } from "../config/json-pointer.js";
import { resolveDocuments } from "../config/resolve-document.js";
import { normalizeHandle } from "../config/handle-normalization.js";
import { viewChat } from "../plan/live-chat-view.js";
import type { LiveAccount } from "./read-account.js";

type Section = "chats" | "webhooks" | "contact_cards";

interface Entry {
  section: Section;
  key: string;
  /** The live id the imports: entry names (a card's line). */
  id: string;
  value: Record<string, unknown>;
  /** Said above the entry. */
  comment: string;
}

const KEY_MAX = 48;
const NOUN: Record<Section, string> = {
  chats: "chat",
  webhooks: "webhook subscription",
  contact_cards: "contact card",
};
const KNOWN_EVENTS: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/** Address-safe: lower-case letters, digits and "-", starting with a letter or digit. */
export function slugKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, KEY_MAX)
    .replace(/-+$/, "");
}

function uniqueKey(base: string, used: Set<string>): string {
  let key = base || "chat";
  for (let n = 2; used.has(key); n++) key = `${base || "chat"}-${n}`;
  used.add(key);
  return key;
}

const byCreation = (
  a: { created_at: string; id: string },
  b: { created_at: string; id: string },
): number =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;

/** One chat → its declaration, or why it cannot be declared. */
function chatEntry(chat: Chat, line: string): Omit<Entry, "key"> | { skip: string } {
  const view = viewChat(chat, line);
  if (!view.meActive) return { skip: `your line ${line} is no longer in it` };
  const people: string[] = [];
  for (const h of view.active) {
    const n = normalizeHandle(h);
    if (!n.ok)
      return { skip: `participant ${JSON.stringify(h)} is not a handle chatsync can declare` };
    if (!people.includes(n.value) && n.value !== line) people.push(n.value);
  }
  people.sort();
  const comment = ` chat ${chat.id}, created ${chat.created_at}`;
  if (!chat.is_group) {
    if (people.length !== 1) return { skip: "a direct chat without exactly one active recipient" };
    return {
      section: "chats",
      id: chat.id,
      value: { type: "direct", from: line, to: people[0] },
      comment,
    };
  }
  const name = chat.display_name?.trim() ? chat.display_name : undefined;
  // The format declares https icons only; any other stays as it is, unmanaged.
  const icon = chat.group_chat_icon?.startsWith("https://") ? chat.group_chat_icon : undefined;
  return {
    section: "chats",
    id: chat.id,
    value: {
      type: "group",
      from: line,
      ...(name !== undefined ? { display_name: name } : {}),
      ...(icon !== undefined ? { icon } : {}),
      participants: people,
    },
    comment,
  };
}

function chatKeyBase(entry: Omit<Entry, "key">): string {
  const v = entry.value;
  if (typeof v.display_name === "string" && slugKey(v.display_name)) return slugKey(v.display_name);
  if (v.type === "direct") return slugKey(String(v.to));
  return slugKey(`group ${(v.participants as string[]).slice(0, 3).join(" ")}`);
}

function webhookEntry(w: WebhookSubscription): Omit<Entry, "key"> | { skip: string } {
  const events = [...new Set(w.subscribed_events)].filter((e) => KNOWN_EVENTS.has(e)).sort();
  if (events.length === 0) return { skip: "none of its events is in chatsync's catalogue" };
  const phones = [...new Set(w.phone_numbers ?? [])].sort();
  return {
    section: "webhooks",
    id: w.id,
    value: {
      target_url: w.target_url,
      events,
      ...(phones.length > 0 ? { phone_numbers: phones } : {}),
      ...(w.is_active ? {} : { active: false }),
    },
    // The secret is returned once, at creation: only whoever created it can place it.
    comment: ` subscription ${w.id}, created ${w.created_at}. Its signing secret was shown once, to whoever\n created it, and the API cannot show it again: save it in the secret_file (default\n .chatsync/secrets/<key>.whsec beside this file) or set secret_file: to where it is.`,
  };
}

function webhookKeyBase(w: WebhookSubscription): string {
  try {
    const url = new URL(w.target_url);
    return slugKey(`${url.hostname} ${url.pathname}`) || "webhook";
  } catch {
    return "webhook";
  }
}

function cardEntry(c: ContactCard): Entry {
  return {
    section: "contact_cards",
    key: c.phone_number,
    id: c.phone_number,
    value: {
      first_name: c.first_name,
      ...(c.last_name ? { last_name: c.last_name } : {}),
      ...(c.image_url?.startsWith("https://") ? { image_url: c.image_url } : {}),
    },
    comment: ` contact card of ${c.phone_number}`,
  };
}

function documentValue(entries: readonly Entry[]): Record<string, unknown> {
  const doc: Record<string, unknown> = { version: 1 };
  for (const section of ["contact_cards", "chats", "webhooks"] as const) {
    const mine = entries.filter((e) => e.section === section);
    if (mine.length > 0) doc[section] = Object.fromEntries(mine.map((e) => [e.key, e.value]));
  }
  if (entries.length > 0)
    doc.imports = entries.map((e) => ({
      to: `${e.section === "contact_cards" ? "contact_card" : e.section.slice(0, -1)}.${e.key}`,
      id: e.id,
    }));
  return doc;
}

/**
 * Drops every entry the validation pipeline refuses (with its reason) until the rest is valid.
 * Each pass drops at least one entry, so it ends.
 */
function keepValid(entries: Entry[], skipped: string[]): Entry[] {
  let kept = entries;
  for (;;) {
    const { diagnostics } = resolveDocuments([{ value: documentValue(kept), origin: "export" }]);
    const refused = new Map<Entry, string>();
    for (const d of diagnostics) {
      if (d.severity !== "error") continue;
      const [section, key] = fromJsonPointer(d.path);
      const e = kept.find((x) => x.section === section && x.key === key);
      if (e && !refused.has(e)) refused.set(e, d.message);
    }
    if (refused.size === 0) return kept;
    for (const [e, why] of refused) skipped.push(`${NOUN[e.section]} ${e.id}: ${why}`);
    kept = kept.filter((e) => !refused.has(e));
  }
}

export function renderExport(account: LiveAccount): string {
  const skipped: string[] = [];
  const entries: Entry[] = [];

  const chatKeys = new Set<string>();
  for (const chat of [...account.chats].sort(byCreation)) {
    const line = chat.handles.find((h) => h.is_me === true)?.handle;
    if (line === undefined || !account.lines.includes(line)) continue;
    const e = chatEntry(chat, line);
    if ("skip" in e) {
      skipped.push(`${NOUN.chats} ${chat.id}: ${e.skip}`);
      continue;
    }
    entries.push({ ...e, key: uniqueKey(chatKeyBase(e), chatKeys) });
  }
  const hookKeys = new Set<string>();
  for (const w of [...account.webhooks].sort(byCreation)) {
    const e = webhookEntry(w);
    if ("skip" in e) {
      skipped.push(`${NOUN.webhooks} ${w.id}: ${e.skip}`);
      continue;
    }
    entries.push({ ...e, key: uniqueKey(webhookKeyBase(w), hookKeys) });
  }
  for (const c of [...account.contact_cards].sort((a, b) =>
    a.phone_number < b.phone_number ? -1 : 1,
  ))
    entries.push(cardEntry(c));

  const kept = keepValid(entries, skipped);
  const doc = new Document(documentValue(kept));
  doc.commentBefore = [
    ` Written by chatsync export from the live account (lines: ${account.lines.join(", ")}).`,
    " Every object below already exists: the imports: list ties each key to its live id, so",
    " `chatsync plan` shows only imports and `chatsync apply` sends nothing to the API.",
    " Keys become addresses (chat.<key>); rename one now, or later with a moved: entry.",
    " A chat declared here needs a welcome_message only if it must ever be created again.",
    ...(skipped.length > 0
      ? [
          "",
          " Not exported (the format cannot declare them as they are):",
          ...skipped.map((s) => `   ${s}`),
        ]
      : []),
  ].join("\n");
  decorate(doc, kept);
  return doc.toString({ lineWidth: 0 });
}

/** Comments above each entry, and short lists on one line. */
function decorate(doc: Document, entries: readonly Entry[]): void {
  for (const section of ["contact_cards", "chats", "webhooks"] as const) {
    const map = doc.get(section, true);
    if (!isMap(map)) continue;
    for (const pair of map.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      const e = entries.find((x) => x.section === section && x.key === key);
      if (e && isScalar(pair.key)) pair.key.commentBefore = e.comment;
      if (!isMap(pair.value)) continue;
      for (const field of ["participants", "events", "phone_numbers"]) {
        const list = pair.value.get(field, true);
        if (isSeq(list)) list.flow = true;
      }
    }
  }
  const imports = doc.get("imports", true);
  if (isSeq(imports)) for (const item of imports.items) if (isMap(item)) item.flow = true;
}
