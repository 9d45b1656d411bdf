/**
 * A list of handles in the document (a group's participants, a webhook's lines) → sorted,
 * normalized values. Each item is normalized, and a second spelling of the same handle is an
 * error that names both places, so "+1 (415) 555-0101" and "+14155550101" never both count.
 */
import { describePath } from "./describe-path.js";
import type { DocumentContext } from "./document-context.js";
import type { Normalized } from "./handle-normalization.js";
import type { DocPath } from "./json-pointer.js";

export interface HandleListRules {
  normalize: (input: string) => Normalized;
  /** What one item is, in "is the same <noun> (…)". */
  noun: string;
  /** Appended to the duplicate message, e.g. "; list each person once". */
  duplicateAdvice?: string;
  /** An extra rule per normalized item: the complaint, or undefined when the item is fine. */
  refuse?: (normalized: string, written: unknown) => string | undefined;
}

/** The sorted normalized items, or undefined when any item was reported as an error. */
export function normalizeHandleList(
  ctx: DocumentContext,
  listPath: DocPath,
  items: readonly unknown[],
  rules: HandleListRules,
): string[] | undefined {
  const name = String(listPath[listPath.length - 1]);
  const label = describePath(listPath);
  let ok = true;
  const firstIndex = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    // A hole is an item the schema already refused (see CheckedDocument.usableFields).
    if (item === undefined) {
      ok = false;
      continue;
    }
    const path = [...listPath, i];
    const n = rules.normalize(String(item));
    if (!n.ok) {
      ctx.error(path, `${label}[${i}]: ${n.reason}`);
      ok = false;
      continue;
    }
    if (n.warning) ctx.warning(path, `${label}[${i}]: ${n.warning}`);
    const refusal = rules.refuse?.(n.value, item);
    if (refusal !== undefined) {
      ctx.error(path, `${label}[${i}]: ${refusal}`);
      ok = false;
      continue;
    }
    const earlier = firstIndex.get(n.value);
    if (earlier !== undefined) {
      ctx.error(
        path,
        `${label}[${i}]: ${JSON.stringify(item)} is the same ${rules.noun} (${n.value}) as ${name}[${earlier}] at ${ctx.placeOf([...listPath, earlier], "value")}${rules.duplicateAdvice ?? ""}`,
      );
      ok = false;
      continue;
    }
    firstIndex.set(n.value, i);
  }
  return ok ? [...firstIndex.keys()].sort() : undefined;
}
