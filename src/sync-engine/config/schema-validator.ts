/**
 * Validation against schemas/chatsync.schema.json (the single source of truth of the YAML
 * format) with ajv's 2020-12 build, and translation of ajv's errors into sentences a person
 * can act on: which key, what is wrong, what would be right.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { DocPath } from "./json-pointer.js";
import { fromJsonPointer } from "./json-pointer.js";
import { closestMatch, didYouMean } from "./did-you-mean.js";
import { describePath } from "./describe-path.js";
import { showValue } from "./shown-value.js";

/** Same relative location from src/sync-engine/config and dist/sync-engine/config. */
export const SCHEMA_FILE = fileURLToPath(
  new URL("../../../schemas/chatsync.schema.json", import.meta.url),
);

export class SchemaLoadError extends Error {
  readonly code = "CHATSYNC_SCHEMA_UNREADABLE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchemaLoadError";
  }
}

let cachedSchema: Record<string, unknown> | undefined;
let cachedValidator: ValidateFunction | undefined;

export function loadSchema(): Record<string, unknown> {
  if (cachedSchema) return cachedSchema;
  try {
    cachedSchema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new SchemaLoadError(
      `cannot read the chatsync schema at ${SCHEMA_FILE}: ${(err as Error).message}; reinstall chatsync`,
      { cause: err },
    );
  }
  return cachedSchema;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

function validator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  // strictRequired is off because the group/direct if-then branches require properties that
  // are declared one level up, next to additionalProperties: false.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  addFormats(ajv);
  // Annotation for editors (yaml-language-server shows it instead of the raw pattern); our
  // own messages come from issueFor.
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  cachedValidator = ajv.compile(loadSchema());
  return cachedValidator;
}

export interface SchemaIssue {
  path: DocPath;
  /** Point at the key of `path` (unknown or misplaced keys, missing children) or at its value. */
  at: "key" | "value";
  message: string;
  /** For an unknown key: the allowed key it is probably a misspelling of. */
  suggests?: string;
}

function valueAt(root: unknown, path: DocPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** ajv paths are strings; turn array indexes back into numbers by walking the data. */
function toDocPath(root: unknown, pointer: string): (string | number)[] {
  const out: (string | number)[] = [];
  let cur = root;
  for (const seg of fromJsonPointer(pointer)) {
    const key: string | number = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    cur =
      cur !== null && typeof cur === "object"
        ? (cur as Record<string | number, unknown>)[key]
        : undefined;
  }
  return out;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${showValue(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping (key: value pairs)",
  array: "a list",
  string: "a string",
  boolean: "true or false",
  integer: "a whole number",
  number: "a number",
};

/**
 * Field names of the API (linq-api-v3.md §5.1, §5.7) that people copy from its reference,
 * mapped to the chatsync key that means the same. Too far from ours for edit distance.
 */
const API_FIELD_NAMES: Record<string, string> = {
  subscribed_events: "events",
  is_active: "active",
  group_chat_icon: "icon",
  handles: "participants",
};

const GROUP_ONLY = new Set(["participants", "display_name", "icon", "roster", "readd_left"]);

function misplacedChatKey(key: string, chatType: unknown): string {
  if (chatType === "group") {
    return key === "to"
      ? `"to" is only allowed on direct chats; list a group's people in "participants"`
      : `"${key}" is only allowed on direct chats (the API asks for location sharing in 1:1 iMessage chats only)`;
  }
  if (key === "participants") {
    return `"participants" is only allowed on group chats; a direct chat names its one other person in "to"`;
  }
  if (key === "display_name" || key === "icon") {
    return `"${key}" is only allowed on group chats (the API cannot rename or set an icon on a direct chat)`;
  }
  return GROUP_ONLY.has(key)
    ? `"${key}" is only allowed on group chats`
    : `"${key}" is not allowed here`;
}

/** Fields whose values are phone numbers or handles (where an unquoted "+1…" becomes a number). */
const HANDLE_FIELDS = new Set(["from", "to", "participants", "phone_numbers"]);

const SECTION_EXAMPLES: Record<string, string> = {
  chats: "chats: { eng-oncall: { type: group, ... } }",
  webhooks: "webhooks: { location-events: { target_url: ..., events: [...] } }",
  contact_cards: 'contact_cards: { "+12025550100": { first_name: ... } }',
};

/** How to write the expected type, for the mistakes people actually make. */
function typeHint(path: DocPath, expected: string, value: unknown): string {
  if (expected === "string" && typeof value === "number") {
    // The classic YAML trap: an unquoted +14155550101 is read as a number.
    const handle = path.some((seg) => typeof seg === "string" && HANDLE_FIELDS.has(seg));
    return handle
      ? "; put it in quotes (YAML reads an unquoted +14155550101 as a number)"
      : "; put it in quotes";
  }
  if (expected === "string" && typeof value === "boolean") return "; put it in quotes";
  if (expected === "array" && typeof value === "string") {
    const items = value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "")
      .slice(0, 3)
      .map((item) => showValue(item));
    return `; write a list, e.g. [${items.join(", ")}] or one "- item" per line`;
  }
  const section = String(path[0]);
  const example = Object.hasOwn(SECTION_EXAMPLES, section) ? SECTION_EXAMPLES[section] : undefined;
  if (expected === "object" && Array.isArray(value) && path.length === 1 && example) {
    return `; write each entry under its key instead of as a "-" list item, e.g. ${example}`;
  }
  return "";
}

function missingMessage(parent: DocPath, missing: string): string {
  const where = describePath(parent);
  if (parent.length === 0 && missing === "version") {
    return `missing "version: 1" at the top level; every chatsync file starts with it`;
  }
  if (parent[0] === "chats" && parent.length === 2) {
    switch (missing) {
      case "welcome_message":
        return `${where} has no welcome_message: the API creates a chat only by sending its first message, so one is required`;
      case "type":
        return `${where} has no type: set "type: group" or "type: direct"`;
      case "participants":
        return `${where} is a group chat without participants: list 2 to 31 other people`;
      case "to":
        return `${where} is a direct chat without "to": name the other person (a phone number in international format or an email)`;
    }
  }
  return `${where} is missing the required key "${missing}"`;
}

function issueFor(err: ErrorObject, root: unknown): SchemaIssue | undefined {
  const path = toDocPath(root, err.instancePath);
  const where = describePath(path);
  const value = valueAt(root, path);
  const params = err.params as Record<string, unknown>;
  const parentSchema = (err.parentSchema ?? {}) as Record<string, unknown>;

  // propertyNames failures: ajv reports the inner error with the offending key name.
  if (err.propertyName !== undefined) {
    const key = err.propertyName;
    const keyPath = [...path, key];
    const section = path[0];
    if (section === "chats" || section === "webhooks") {
      const noun = section === "chats" ? "chat" : "webhook";
      return {
        path: keyPath,
        at: "key",
        message: `${noun} key ${JSON.stringify(key)} is not address-safe: use lower-case letters, digits, "-" and "_", starting with a letter or digit (it becomes the address ${noun}.<key>)`,
      };
    }
    return {
      path: keyPath,
      at: "key",
      message: `${describePath(keyPath)}: invalid key ${JSON.stringify(key)}`,
    };
  }

  switch (err.keyword) {
    case "if":
    case "propertyNames":
    case "allOf":
      return undefined; // summaries of errors reported on their own
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parentSchema.properties as Record<string, unknown>) ?? {});
      const apiName = Object.hasOwn(API_FIELD_NAMES, key) ? API_FIELD_NAMES[key] : undefined;
      const renamed = apiName !== undefined && allowed.includes(apiName) ? apiName : undefined;
      const suggestion = renamed ?? closestMatch(key, allowed);
      const list =
        suggestion === undefined
          ? `; allowed keys: ${allowed.join(", ")}`
          : renamed !== undefined
            ? ` (did you mean "${renamed}"? the API's ${key} is called ${renamed} in chatsync files)`
            : ` (did you mean "${suggestion}"?)`;
      return {
        path: [...path, key],
        at: "key",
        message: `unknown key "${key}" in ${path.length === 0 ? "the top level" : where}${list}`,
        ...(suggestion !== undefined ? { suggests: suggestion } : {}),
      };
    }
    case "false schema": {
      const key = String(path[path.length - 1]);
      const chat = valueAt(root, path.slice(0, -1)) as Record<string, unknown> | undefined;
      return {
        path,
        at: "key",
        message: `${describePath(path.slice(0, -1))}: ${misplacedChatKey(key, chat?.type)}`,
      };
    }
    case "required":
      return {
        path: [...path, String(params.missingProperty)],
        at: "key",
        message: missingMessage(path, String(params.missingProperty)),
      };
    case "type": {
      if (path.length === 0) {
        return {
          path,
          at: "value",
          message: `a chatsync file must be a mapping with "version: 1" and chats, webhooks or contact_cards; got ${kindOf(value)}`,
        };
      }
      // A section whose entries were all deleted or commented out is null in YAML.
      if (value === null && params.type === "object" && path.length === 1) {
        return {
          path,
          at: "value",
          message: `${where} has no entries (YAML reads an empty "${where}:" as null); write "${where}: {}" or leave the key out`,
        };
      }
      return {
        path,
        at: "value",
        message: `${where} must be ${TYPE_WORDS[String(params.type)] ?? String(params.type)}, got ${kindOf(value)}${typeHint(path, String(params.type), value)}`,
      };
    }
    case "const":
      if (path.length === 1 && path[0] === "version") {
        return {
          path,
          at: "value",
          message: `version must be 1, got ${kindOf(value)}; this chatsync understands format version 1 only`,
        };
      }
      return {
        path,
        at: "value",
        message: `${where} must be ${JSON.stringify(params.allowedValue)}, got ${kindOf(value)}`,
      };
    case "enum": {
      const allowed = ((parentSchema.enum as unknown[]) ?? []).map(String);
      if (path[0] === "webhooks" && path[2] === "events") {
        return {
          path,
          at: "value",
          message: `${where}: unknown event ${JSON.stringify(value)}${didYouMean(String(value), allowed)}; the API's events are listed by GET /v3/webhook-events`,
        };
      }
      return {
        path,
        at: "value",
        message: `${where} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${kindOf(value)}${typeof value === "string" ? didYouMean(value, allowed) : ""}`,
      };
    }
    case "minItems":
      if (path[0] === "chats" && path[2] === "participants") {
        const n = Array.isArray(value) ? value.length : 0;
        return {
          path,
          at: "value",
          message: `${describePath(path.slice(0, 2))} needs at least 2 participants besides the sending line (got ${n}); for one person use "type: direct" with "to"`,
        };
      }
      if (path[0] === "webhooks" && path[2] === "events") {
        return {
          path,
          at: "value",
          message: `${where} is empty; a webhook needs at least one event`,
        };
      }
      return {
        path,
        at: "value",
        message: `${where} needs at least ${String(params.limit)} items`,
      };
    case "maxItems":
      if (path[0] === "chats" && path[2] === "participants") {
        const n = Array.isArray(value) ? value.length : 0;
        return {
          path,
          at: "value",
          message: `${describePath(path.slice(0, 2))} has ${n} participants; the API allows at most 31 besides the sending line`,
        };
      }
      return {
        path,
        at: "value",
        message: `${where} may have at most ${String(params.limit)} items`,
      };
    case "uniqueItems": {
      // ajv names the pair (i, j) with i > j; point at the later item.
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      const item = Array.isArray(value) ? value[later] : undefined;
      return {
        path: [...path, later],
        at: "value",
        message: `${describePath([...path, later])}: ${JSON.stringify(item)} is listed twice (also at index ${earlier})`,
      };
    }
    case "pattern":
      if (params.pattern === "^https://") {
        // URL schemes are case-insensitive, but the schema (and editors using it) want
        // the usual lower-case spelling; say so instead of the puzzling "must be https://".
        const upper = typeof value === "string" && /^https:\/\//i.test(value);
        return {
          path,
          at: "value",
          message: upper
            ? `${where} must start with "https://" in lower case, got ${kindOf(value)}`
            : `${where} must be an https:// URL, got ${kindOf(value)}`,
        };
      }
      if (params.pattern === "\\S") {
        return {
          path,
          at: "value",
          message:
            value === ""
              ? `${where} must not be empty`
              : `${where} is blank (only spaces or line breaks); write some text`,
        };
      }
      return {
        path,
        at: "value",
        // The schema's own sentence for the pattern, when it has one, instead of the regex.
        message:
          typeof parentSchema.patternErrorMessage === "string"
            ? `${where}: ${parentSchema.patternErrorMessage} Got ${kindOf(value)}`
            : `${where} must match ${String(params.pattern)}, got ${kindOf(value)}`,
      };
    case "format":
      return {
        path,
        at: "value",
        message: `${where} must be a valid absolute URL, got ${kindOf(value)}`,
      };
    case "minLength":
      return { path, at: "value", message: `${where} must not be empty` };
    case "maxLength": {
      const n = typeof value === "string" ? value.length : 0;
      return {
        path,
        at: "value",
        message: `${where} may be at most ${String(params.limit)} characters long (got ${n})`,
      };
    }
    default:
      return { path, at: "value", message: `${where}: ${err.message ?? err.keyword}` };
  }
}

/**
 * Validates one document. Returns one issue per offending location (the first reason found
 * there), in document order as ajv reports it.
 */
export function validateAgainstSchema(value: unknown): SchemaIssue[] {
  const validate = validator();
  if (validate(value)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  const all = (validate.errors ?? []).map((err) => ({ err, issue: issueFor(err, value) }));
  // A key that is not allowed at all makes every other complaint about its value noise.
  const misplaced = all
    .filter((x) => x.err.keyword === "false schema")
    .map((x) => x.issue?.path ?? []);
  // A misspelt key already says "did you mean X"; "X is missing" on top of it is noise.
  const misspelt = new Set(
    all
      .filter((x) => x.issue?.suggests !== undefined)
      .map((x) => JSON.stringify([...(x.issue?.path ?? []).slice(0, -1), x.issue?.suggests])),
  );
  for (const { err, issue } of all) {
    if (!issue) continue;
    if (err.keyword === "required" && misspelt.has(JSON.stringify(issue.path))) continue;
    if (
      err.keyword !== "false schema" &&
      misplaced.some((p) => p.every((seg, i) => issue.path[i] === seg))
    )
      continue;
    const id = `${issue.at}:${JSON.stringify(issue.path)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}
