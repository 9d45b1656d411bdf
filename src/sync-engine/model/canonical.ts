/**
 * Canonical JSON and content hashes of plain data (the desired state, plan entries): the
 * same value always gives the same bytes, whatever order its keys were built in. Arrays are
 * kept in the order given; the model sorts the arrays that are sets.
 */
import { createHash } from "node:crypto";

export class CanonicalJsonError extends Error {
  readonly code = "CANONICAL_JSON_UNSUPPORTED_VALUE";
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "CanonicalJsonError";
  }
}

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(
          `canonicalJson: ${value} at ${path || "/"} has no JSON form`,
          path,
        );
      }
      // JSON.stringify(-0) is "0", which is what we want: -0 and 0 are the same data.
      out.push(JSON.stringify(value));
      return;
    case "object":
      break;
    default:
      throw new CanonicalJsonError(
        `canonicalJson: a ${typeof value} at ${path || "/"} is not plain data; pass strings, numbers, booleans, null, arrays and plain objects only`,
        path,
      );
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      // Like JSON.stringify: holes and undefined inside arrays become null.
      write(item === undefined ? null : item, `${path}/${i}`, out);
    });
    out.push("]");
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(
      `canonicalJson: an instance of ${(value as object).constructor?.name ?? "a class"} at ${path || "/"} is not plain data`,
      path,
    );
  }
  const record = value as Record<string, unknown>;
  // Code-unit order (not locale order), so the result is the same on every machine.
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  out.push("{");
  keys.forEach((key, i) => {
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    write(record[key], `${path}/${key}`, out);
  });
  out.push("}");
}

/** Sorted keys, no whitespace, undefined properties left out (as in JSON). */
export function canonicalJson(value: unknown): string {
  if (value === undefined) {
    throw new CanonicalJsonError("canonicalJson: undefined has no JSON form", "");
  }
  const out: string[] = [];
  write(value, "", out);
  return out.join("");
}

/** sha256 (hex) of the canonical JSON, UTF-8 encoded. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value), "utf8").digest("hex");
}
