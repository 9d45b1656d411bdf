/**
 * The ONE validation pipeline: schema → normalization → static API-rule checks → merged
 * desired state. Used by the YAML loader (documents with positions) and by the CDK
 * constructs (documents with construct paths only), so both accept and refuse the same input.
 *
 * Merge rules across documents (decisions):
 * - `version` is required in every document and must be 1, so all documents agree on it.
 * - `defaults` may be declared in several documents only if identical (after phone-number
 *   normalization); they apply to every document. A differing copy is an error naming both.
 * - A chat key, webhook key or contact-card line (after normalization) declared twice is an
 *   error at the second place, naming the first.
 */
import { relative } from "node:path";
import type { Diagnostic } from "./diagnostics.js";
import { compareDiagnostics, hasErrors } from "./diagnostics.js";
import { DocumentContext, type SourceDocument } from "./document-context.js";
import type { DocPath } from "./json-pointer.js";
import { validateAgainstSchema, type SchemaIssue } from "./schema-validator.js";
import { BUILT_IN_DEFAULTS, resolveDefaults, type ResolvedDefaults } from "./resolve-defaults.js";
import { resolveChat } from "./resolve-chat.js";
import { resolveWebhook } from "./resolve-webhook.js";
import { normalizeContactCardKey, resolveContactCard } from "./resolve-contact-card.js";
import { resolveImports, resolveMoves, type ListSource } from "./resolve-imports-and-moves.js";
import { canonicalJson } from "../model/canonical.js";
import type {
  DesiredChat,
  DesiredContactCard,
  DesiredState,
  DesiredWebhook,
} from "../model/desired-state.js";

export type { SourceDocument } from "./document-context.js";

type Section = "chats" | "webhooks" | "contact_cards";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function startsWith(path: DocPath, prefix: DocPath): boolean {
  return prefix.every((seg, i) => path[i] === seg);
}

/** Path depth up to which schema issues are indexed (section, entry, property). */
const INDEXED_DEPTH = 3;

/** One document after the schema pass, with a way to ask "is this part of it clean?". */
class CheckedDocument {
  /** Every prefix (up to INDEXED_DEPTH segments) of an issue path, so lookups stay O(1) per entry. */
  private readonly issuePrefixes = new Set<string>();

  constructor(
    readonly ctx: DocumentContext,
    readonly issues: SchemaIssue[],
  ) {
    for (const issue of issues) {
      for (let n = 0; n <= Math.min(issue.path.length, INDEXED_DEPTH); n++) {
        this.issuePrefixes.add(JSON.stringify(issue.path.slice(0, n)));
      }
    }
  }

  get value(): Record<string, unknown> | undefined {
    return isRecord(this.ctx.doc.value) ? this.ctx.doc.value : undefined;
  }

  /** Whether any schema issue lies at or under `prefix` (then rules would only add noise). */
  hasIssuesUnder(prefix: DocPath): boolean {
    if (prefix.length <= INDEXED_DEPTH) return this.issuePrefixes.has(JSON.stringify(prefix));
    return this.issues.some((i) => startsWith(i.path, prefix));
  }

  /**
   * An entry the schema refused, reduced to what can still be checked: fields with an issue
   * of their own are dropped, list items with one become holes (undefined), so the rules of
   * the next stage report the other mistakes in the same pass and nothing twice.
   */
  usableFields(path: DocPath, raw: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(raw)) {
      const at = [...path, field];
      if (Array.isArray(value)) {
        if (
          this.issues.some(
            (i) => i.path.length === at.length && startsWith(i.path, at) && i.at === "key",
          )
        )
          continue;
        out[field] = value.map((item, n) =>
          this.hasIssuesUnder([...at, n]) ? undefined : (item as unknown),
        );
      } else if (!this.hasIssuesUnder(at)) {
        out[field] = value;
      }
    }
    return out;
  }

  /** A top-level list (`imports`, `moved`) that passed the schema, or nothing. */
  list(name: "imports" | "moved"): ListSource | undefined {
    const list = this.value?.[name];
    if (!Array.isArray(list) || this.hasIssuesUnder([name])) return undefined;
    return { ctx: this.ctx, entries: list };
  }

  section(name: Section): Record<string, unknown> | undefined {
    const section = this.value?.[name];
    if (!isRecord(section) || this.issues.some((i) => i.path.length <= 1 && i.path[0] === name))
      return undefined;
    return section;
  }
}

interface Declared {
  doc: CheckedDocument;
  path: DocPath;
}

function mergeDefaults(docs: CheckedDocument[]): ResolvedDefaults {
  let first: { doc: CheckedDocument; canonical: string } | undefined;
  let resolved: ResolvedDefaults = { ...BUILT_IN_DEFAULTS };
  for (const doc of docs) {
    const raw = doc.value?.defaults;
    if (raw === undefined) continue;
    if (!isRecord(raw)) {
      resolved = { ...resolved, fromInvalid: true };
      continue;
    }
    // Keep only fields the schema accepted; a broken defaults.from silences "no from" errors.
    const clean = Object.fromEntries(
      Object.entries(raw).filter(([k]) => !doc.hasIssuesUnder(["defaults", k])),
    );
    if (first === undefined) {
      resolved = resolveDefaults(doc.ctx, clean);
      if (doc.hasIssuesUnder(["defaults", "from"])) resolved.fromInvalid = true;
      first = { doc, canonical: canonicalJson(comparable(clean, resolved)) };
      continue;
    }
    const mine = resolveDefaults(doc.ctx, clean);
    if (canonicalJson(comparable(clean, mine)) !== first.canonical) {
      doc.ctx.error(
        ["defaults"],
        `defaults differ from the defaults at ${first.doc.ctx.placeOf(["defaults"])}; declare defaults in one file, or identically in every file`,
        "key",
      );
    }
  }
  return resolved;
}

/** Raw defaults with `from` replaced by its E.164 form, so spelling differences don't count. */
function comparable(
  clean: Record<string, unknown>,
  resolved: ResolvedDefaults,
): Record<string, unknown> {
  return resolved.from !== undefined ? { ...clean, from: resolved.from } : clean;
}

function duplicateError(section: Section, label: string, here: Declared, first: Declared): void {
  const noun = section === "chats" ? "chat" : section === "webhooks" ? "webhook" : "contact card";
  here.doc.ctx.error(
    here.path,
    `${noun} ${label} is declared twice: here and at ${first.doc.ctx.placeOf(first.path)}; each ${noun} may be declared once across all files`,
    "key",
  );
}

function sortedRecord<T>(entries: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of [...entries.keys()].sort()) out[key] = entries.get(key) as T;
  return out;
}

/** A resolved path as the user wrote it: relative to the declaring file's folder. */
function shownPath(file: string, baseDir: string | undefined): string {
  return baseDir === undefined ? file : relative(baseDir, file);
}

function checkWebhookTargets(webhooks: Map<string, { hook: DesiredWebhook; at: Declared }>): void {
  const byUrl = new Map<string, Declared & { key: string }>();
  const bySecret = new Map<string, Declared & { key: string }>();
  for (const [key, { hook, at }] of [...webhooks].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // The API compares target URLs per account (§5.7.1); compare the parsed form so that
    // trivial spelling differences (host case, default port) count as the same URL.
    const url = new URL(hook.target_url).href;
    const other = byUrl.get(url);
    if (other) {
      at.doc.ctx.error(
        [...at.path, "target_url"],
        `webhooks.${key}.target_url: the same URL is used by webhook "${other.key}" at ${other.doc.ctx.placeOf([...other.path, "target_url"], "value")}; the API allows each target_url once per account — add a query such as ?line=2 to tell them apart`,
      );
    } else {
      byUrl.set(url, { ...at, key });
    }
    if (hook.secret_file !== undefined) {
      const owner = bySecret.get(hook.secret_file);
      if (owner) {
        at.doc.ctx.error(
          [...at.path],
          `webhook "${key}" writes its signing secret to the same secret_file as webhook "${owner.key}" (${shownPath(hook.secret_file, at.doc.ctx.doc.baseDir)}); give each webhook its own file`,
          "key",
        );
      } else {
        bySecret.set(hook.secret_file, { ...at, key });
      }
    }
  }
}

/**
 * Decision: two direct chats from the same line to the same person are an error. Whether
 * `POST /v3/chats` reuses an existing conversation is UNSETTLED (linq-api-v3.md §12.2); if it
 * does, both addresses would fight over one chat, and if it does not, the person gets two
 * parallel threads from one number. Either way one declaration is what the user meant.
 */
function checkDirectChatPairs(chats: Map<string, { chat: DesiredChat; at: Declared }>): void {
  const byPair = new Map<string, { key: string; at: Declared }>();
  for (const [key, { chat, at }] of chats) {
    if (chat.type !== "direct") continue;
    const pair = `${chat.from} ${chat.to}`;
    const first = byPair.get(pair);
    if (!first) {
      byPair.set(pair, { key, at });
      continue;
    }
    at.doc.ctx.error(
      [...at.path, "to"],
      `chat "${key}" is a second direct chat from ${chat.from} to ${chat.to}: chat "${first.key}" at ${first.at.doc.ctx.placeOf([...first.at.path, "to"], "value")} already is that conversation; a line has one direct chat per person, so keep one of the two declarations`,
    );
  }
}

/** `declaredCards`: every declared card's line, refused ones too (those have their own error). */
function checkSharedContactCards(
  chats: Map<string, { chat: DesiredChat; at: Declared }>,
  declaredCards: ReadonlyMap<string, unknown>,
): void {
  for (const [key, { chat, at }] of chats) {
    if (chat.share_contact_card && !declaredCards.has(chat.from)) {
      at.doc.ctx.warning(
        at.path,
        `chat "${key}" shares the contact card of ${chat.from}, but no contact card is declared for that line; the API can only share a card that is set up for the line (declare it under contact_cards)`,
        "key",
      );
    }
  }
}

/**
 * One pass (issue 11): an entry the schema refused still gets its handles, URLs and messages
 * checked where they parse. What the rules build from it is dropped: the file is invalid.
 */
function checkRefusedEntry(
  doc: CheckedDocument,
  path: DocPath,
  raw: unknown,
  rules: (usable: Record<string, unknown>) => unknown,
): void {
  if (isRecord(raw)) rules(doc.usableFields(path, raw));
}

/**
 * A chat is created together with its first message, so a declaration without one can only
 * manage a chat that already exists. Not an error: a chat recorded earlier (an import since
 * removed from the file, `chatsync import`) is in the state, which validate does not read; the
 * plan refuses a create that has no welcome_message.
 */
function checkWelcomeMessages(
  chats: Map<string, { chat: DesiredChat; at: Declared }>,
  imported: ReadonlySet<string>,
): void {
  for (const [key, { chat, at }] of chats) {
    if (chat.welcome_message !== undefined || imported.has(`chat.${key}`)) continue;
    at.doc.ctx.warning(
      at.path,
      `chat "${key}" has no welcome_message: the API creates a chat only by sending its first message, so one is required to create it; if the chat already exists, import it instead (imports: - { to: chat.${key}, id: <chat id> }, or chatsync import chat.${key} <chat id>)`,
      "key",
    );
  }
}

export function resolveDocuments(docs: SourceDocument[]): {
  state?: DesiredState;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const checked = docs.map((doc) => {
    const ctx = new DocumentContext(doc, diagnostics);
    const issues = validateAgainstSchema(doc.value);
    for (const issue of issues) ctx.error(issue.path, issue.message, issue.at);
    return new CheckedDocument(ctx, issues);
  });

  const defaults = mergeDefaults(checked);

  const chats = new Map<string, { chat: DesiredChat; at: Declared }>();
  const webhooks = new Map<string, { hook: DesiredWebhook; at: Declared }>();
  const cards = new Map<string, DesiredContactCard>();
  const declared: Record<Section, Map<string, Declared>> = {
    chats: new Map(),
    webhooks: new Map(),
    contact_cards: new Map(),
  };

  for (const doc of checked) {
    for (const [key, raw] of Object.entries(doc.section("contact_cards") ?? {})) {
      const path = ["contact_cards", key];
      const phone = normalizeContactCardKey(doc.ctx, key);
      if (phone === undefined) continue;
      const first = declared.contact_cards.get(phone);
      if (first) {
        const label = JSON.stringify(key) + (phone === key ? "" : ` (${phone})`);
        duplicateError("contact_cards", label, { doc, path }, first);
        continue;
      }
      declared.contact_cards.set(phone, { doc, path });
      if (doc.hasIssuesUnder(path)) {
        checkRefusedEntry(doc, path, raw, (usable) =>
          resolveContactCard(doc.ctx, key, phone, usable),
        );
        continue;
      }
      const card = resolveContactCard(doc.ctx, key, phone, raw as Record<string, unknown>);
      if (card) cards.set(phone, card);
    }

    for (const [key, raw] of Object.entries(doc.section("chats") ?? {})) {
      const path = ["chats", key];
      const first = declared.chats.get(key);
      if (first) {
        duplicateError("chats", JSON.stringify(key), { doc, path }, first);
        continue;
      }
      declared.chats.set(key, { doc, path });
      if (doc.hasIssuesUnder(path)) {
        checkRefusedEntry(doc, path, raw, (usable) => {
          // A line the schema refused is not "missing": say nothing more about it.
          const refusedFrom = isRecord(raw) && raw.from !== undefined && usable.from === undefined;
          resolveChat(
            doc.ctx,
            key,
            usable,
            refusedFrom ? { ...defaults, from: undefined, fromInvalid: true } : defaults,
          );
        });
        continue;
      }
      const chat = resolveChat(doc.ctx, key, raw as Record<string, unknown>, defaults);
      if (chat) chats.set(key, { chat, at: { doc, path } });
    }

    for (const [key, raw] of Object.entries(doc.section("webhooks") ?? {})) {
      const path = ["webhooks", key];
      const first = declared.webhooks.get(key);
      if (first) {
        duplicateError("webhooks", JSON.stringify(key), { doc, path }, first);
        continue;
      }
      declared.webhooks.set(key, { doc, path });
      if (doc.hasIssuesUnder(path)) {
        checkRefusedEntry(doc, path, raw, (usable) => resolveWebhook(doc.ctx, key, usable));
        continue;
      }
      const hook = resolveWebhook(doc.ctx, key, raw as Record<string, unknown>);
      if (hook) webhooks.set(key, { hook, at: { doc, path } });
    }
  }

  const addresses = new Set<string>([
    ...[...declared.chats.keys()].map((k) => `chat.${k}`),
    ...[...declared.webhooks.keys()].map((k) => `webhook.${k}`),
    ...[...declared.contact_cards.keys()].map((p) => `contact_card.${p}`),
  ]);
  const lists = (name: "imports" | "moved") =>
    checked.flatMap((d) => {
      const l = d.list(name);
      return l ? [l] : [];
    });
  const imports = resolveImports(lists("imports"), addresses);
  const moved = resolveMoves(lists("moved"), addresses);

  checkWebhookTargets(webhooks);
  checkDirectChatPairs(chats);
  checkSharedContactCards(chats, declared.contact_cards);
  checkWelcomeMessages(chats, new Set(imports.map((i) => i.to)));

  diagnostics.sort(compareDiagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };
  const state: DesiredState = {
    version: 1,
    chats: sortedRecord(new Map([...chats].map(([k, v]) => [k, v.chat]))),
    webhooks: sortedRecord(new Map([...webhooks].map(([k, v]) => [k, v.hook]))),
    contact_cards: sortedRecord(cards),
    ...(imports.length > 0 ? { imports } : {}),
    ...(moved.length > 0 ? { moved } : {}),
  };
  return { state, diagnostics };
}
