/**
 * Validation at construction. The props a construct can no longer change are checked when it
 * is created, so a mistake throws at the line that declares it (as CDK constructs do with
 * literal props), through the same resolver as synthesis and YAML files: same rules, same
 * messages, naming the construct path.
 *
 * Decision: what can still change is left to synthesis, which checks the whole tree again —
 * a group's roster (a `Team` or `addParticipant` can still grow it), a sending line that a
 * `ChatSync` outside the construct's scope may supply, and the rules across objects (a key
 * declared twice, two subscriptions to one URL, a card shared but not declared).
 */
import { resolveDocuments } from "../sync-engine/config/resolve-document.js";
import { toJsonPointer } from "../sync-engine/config/json-pointer.js";
import type { Diagnostic } from "../sync-engine/config/diagnostics.js";
import { ChatSync } from "./chat-sync.js";
import type { DocumentSection, ManagedObject } from "./managed-object.js";
import { defaultsDocument, objectDocument } from "./synthesize-desired-state.js";
import { unresolvedTokenErrors } from "./unresolved-tokens.js";
import { ChatSyncValidationError } from "./validation-error.js";

/** Fields whose value can still change after construction, per section. */
const DEFERRED_FIELDS: Record<DocumentSection, ReadonlySet<string>> = {
  chats: new Set(["participants"]),
  webhooks: new Set(),
  contact_cards: new Set(),
};

/**
 * The errors of `obj`'s own props that no later declaration can fix. The enclosing `ChatSync`'s
 * defaults take part (they are fixed once it exists, and every other container must agree
 * with them).
 */
export function constructionErrors(obj: ManagedObject): Diagnostic[] {
  const container = ChatSync.of(obj);
  const defaults = container ? defaultsDocument(container) : undefined;
  const object = objectDocument(obj);
  const { section, key, value } = obj.toDocumentFragment();
  const objectPath = toJsonPointer([section, key]);
  // Without a known line, "no sending line" is reported on the object itself; another
  // container may still supply one, so object-level errors of such a chat wait for synthesis.
  const lineKnown =
    section !== "chats" || value.from !== undefined || container?.props.from !== undefined;
  const isFinal = (path: string): boolean => {
    if (path === objectPath) return lineKnown;
    if (!path.startsWith(`${objectPath}/`)) return false;
    const field = path.slice(objectPath.length + 1).split("/")[0] ?? "";
    return !DEFERRED_FIELDS[section].has(field);
  };
  // A token is the cause of whatever the rules would then say about its placeholder text.
  const tokens = unresolvedTokenErrors(object.value, obj.node.path).filter((d) => isFinal(d.path));
  if (tokens.length > 0) return tokens;
  return resolveDocuments(defaults ? [defaults, object] : [object]).diagnostics.filter(
    (d) => d.severity === "error" && d.file === obj.node.path && isFinal(d.path),
  );
}

/** Throws `ChatSyncValidationError` when `obj`'s own props break a rule (see above). */
export function validateAtConstruction(obj: ManagedObject): void {
  const errors = constructionErrors(obj);
  if (errors.length > 0) throw new ChatSyncValidationError(errors);
}
