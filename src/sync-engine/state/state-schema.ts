/**
 * Checks a state document against schemas/chatsync-state.schema.json before the engine reads
 * it, so a hand-edited or damaged state (`"resources": []`, a resource that is `null`) is a
 * clear error naming the field, never a TypeError or a silently empty state. Pure: the caller
 * reads the document (file or PostgreSQL row) and says where it came from.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { StateDocument } from "./state-types.js";

export const STATE_SCHEMA_URL = new URL(
  "../../../schemas/chatsync-state.schema.json",
  import.meta.url,
);

/** A state that cannot be used as it is; `code` matches the state file's other read errors. */
export class StateSchemaError extends Error {
  readonly code = "STATE_UNREADABLE";
  /** Where the first problem is, e.g. `resources["chat.alice"]`. */
  readonly field: string;

  constructor(message: string, field: string) {
    super(message);
    this.name = "StateSchemaError";
    this.field = field;
  }
}

let cached: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!cached) {
    const schema = JSON.parse(readFileSync(STATE_SCHEMA_URL, "utf8")) as object;
    cached = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  }
  return cached;
}

/**
 * Returns `doc` as a `StateDocument` when it fits the schema; otherwise throws
 * `StateSchemaError` (code STATE_UNREADABLE) whose message names `where`, the JSON path of the
 * first problem and how to recover.
 */
export function validateStateDocument(doc: unknown, where: string): StateDocument {
  const validate = validator();
  if (validate(doc)) return doc as StateDocument;
  const problem = mostSpecific(validate.errors ?? []);
  const field = problem ? fieldOf(problem) : "(document)";
  const what = problem ? describe(problem) : "does not have the shape of a chatsync state";
  throw new StateSchemaError(
    `State ${where} is damaged: ${field} ${what}. Restore it from backup or version control ` +
      "(or correct that field by hand); deleting the state makes chatsync forget every managed object.",
    field,
  );
}

/**
 * The error that says most: the deepest one, skipping ajv's "must match then schema" wrappers
 * of the per-kind branches (their inner errors are reported too).
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  const real = errors.filter((e) => e.keyword !== "if");
  const depth = (e: ErrorObject) =>
    e.instancePath.split("/").length + (e.keyword === "required" ? 1 : 0);
  return real.reduce<ErrorObject | undefined>(
    (best, e) => (best === undefined || depth(e) > depth(best) ? e : best),
    undefined,
  );
}

/** `/resources/chat.alice/intents/0` → `resources["chat.alice"].intents[0]`. */
export function jsonPathOf(instancePath: string): string {
  const segments = instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "";
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(document)";
}

function fieldOf(e: ErrorObject): string {
  return jsonPathOf(e.instancePath);
}

const TYPE_NAMES: Record<string, string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  null: "null",
};

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type": {
      const types = ([] as string[]).concat(p.type as string | string[]);
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(" or ")}`;
    }
    case "required":
      return `lacks the field "${String(p.missingProperty)}"`;
    case "const":
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "minimum":
      return `must be at least ${String(p.limit)}`;
    case "minLength":
      return "must not be empty";
    default:
      return e.message ?? "is invalid";
  }
}
