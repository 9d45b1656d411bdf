/**
 * Construct tree → desired state. Every managed object becomes a one-object YAML-format
 * document whose origin is its construct path, every `ChatSync` a document holding its
 * `defaults:`, and the documents go through the YAML path's `resolveDocuments` — one
 * implementation of every rule, so a bad prop fails with the same sentence a bad YAML file gets, naming the construct.
 */
import type { IConstruct } from "constructs";
import { resolveDocuments, type SourceDocument } from "../sync-engine/config/resolve-document.js";
import type { Diagnostic } from "../sync-engine/config/diagnostics.js";
import { normalizePhoneNumber } from "../sync-engine/config/handle-normalization.js";
import type {
  Address,
  DesiredChat,
  DesiredContactCard,
  DesiredState,
  DesiredWebhook,
} from "../sync-engine/model/desired-state.js";
import {
  chatAddress,
  contactCardAddress,
  webhookAddress,
} from "../sync-engine/model/desired-state.js";
import { ChatSync } from "./chat-sync.js";
import { ManagedObject, type AdoptionProps, type DocumentFragment } from "./managed-object.js";
import { unresolvedTokenErrors } from "./unresolved-tokens.js";
import { ChatSyncValidationError } from "./validation-error.js";

export { ChatSyncValidationError };

/** One managed object after resolution: its construct, final address and canonical spec. */
export interface SynthesizedObject {
  construct: ManagedObject;
  address: Address;
  spec: DesiredChat | DesiredWebhook | DesiredContactCard;
}

export interface SynthesisResult {
  state: DesiredState;
  objects: SynthesizedObject[];
  /** Warnings from the rules (e.g. a possible but unassigned phone number). */
  warnings: Diagnostic[];
}

/** Every managed-object construct at or below `scope`, in tree order. */
export function findManagedObjects(scope: IConstruct): ManagedObject[] {
  return scope.node.findAll().filter(ManagedObject.isManagedObject);
}

/**
 * The containers whose defaults apply: every `ChatSync` at or below `scope`, and the one
 * above it. Like the files of a YAML folder, they may all declare defaults only if identical —
 * the resolver reports a difference naming both construct paths.
 */
function findContainers(scope: IConstruct): ChatSync[] {
  const below = scope.node.findAll().filter(ChatSync.isChatSync);
  const above = ChatSync.of(scope);
  return above && !below.includes(above) ? [above, ...below] : below;
}

/** The `defaults:` document of a container, or undefined when it sets none. */
export function defaultsDocument(container: ChatSync): SourceDocument | undefined {
  const defaults = container.defaultsDocument();
  if (defaults === undefined) return undefined;
  return { value: { version: 1, defaults }, origin: container.node.path };
}

const ADDRESS_KIND = { chats: "chat", webhooks: "webhook", contact_cards: "contact_card" } as const;

/** The object's `imports:` and `moved:` entries (AdoptionProps), in the YAML format. */
function adoptionEntries(obj: ManagedObject, fragment: DocumentFragment): Record<string, unknown> {
  const kind = ADDRESS_KIND[fragment.section];
  // Addresses name a card by its E.164 line, however the prop spells it.
  const n = kind === "contact_card" ? normalizePhoneNumber(fragment.key) : undefined;
  const to = `${kind}.${n?.ok ? n.value : fragment.key}`;
  // A managed object from another (older) copy of this library has no adoption props.
  const { importId, movedFrom = [] } = (obj.adoption as AdoptionProps | undefined) ?? {};
  return {
    ...(importId !== undefined ? { imports: [{ to, id: importId }] } : {}),
    ...(movedFrom.length > 0
      ? { moved: movedFrom.map((old) => ({ from: `${kind}.${old}`, to })) }
      : {}),
  };
}

/** A one-object document whose origin is the construct path. */
export function objectDocument(obj: ManagedObject): SourceDocument {
  const fragment = obj.toDocumentFragment();
  return {
    value: {
      version: 1,
      [fragment.section]: { [fragment.key]: fragment.value },
      ...adoptionEntries(obj, fragment),
    },
    origin: obj.node.path,
    baseDir: ChatSync.of(obj)?.props.baseDir ?? process.cwd(),
  };
}

function resolvedAddress(obj: ManagedObject): {
  address: Address;
  lookup: (s: DesiredState) => SynthesizedObject["spec"] | undefined;
} {
  const { section, key } = obj.toDocumentFragment();
  switch (section) {
    case "chats":
      return { address: chatAddress(key), lookup: (s) => s.chats[key] };
    case "webhooks":
      return { address: webhookAddress(key), lookup: (s) => s.webhooks[key] };
    case "contact_cards": {
      const n = normalizePhoneNumber(key);
      const phone = n.ok ? n.value : key;
      return { address: contactCardAddress(phone), lookup: (s) => s.contact_cards[phone] };
    }
  }
}

/**
 * Resolves every managed object under `scope` into the desired state. Throws
 * `ChatSyncValidationError` (with the YAML path's messages, each naming the construct path)
 * when a declaration breaks a rule.
 */
export function synthesizeDesiredState(scope: IConstruct): SynthesisResult {
  const managed = findManagedObjects(scope);
  const documents = [
    ...findContainers(scope).flatMap((c) => defaultsDocument(c) ?? []),
    ...managed.map(objectDocument),
  ];
  const tokens = documents.flatMap((d) => unresolvedTokenErrors(d.value, d.origin));
  if (tokens.length > 0) throw new ChatSyncValidationError(tokens);
  const result = resolveDocuments(documents);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.state === undefined) {
    throw new ChatSyncValidationError(result.diagnostics);
  }
  const state = result.state;
  const objects = managed.map((construct) => {
    const { address, lookup } = resolvedAddress(construct);
    const spec = lookup(state);
    if (spec === undefined) {
      // The resolver accepted the document but produced no object for it: a broken invariant.
      throw new Error(
        `chatsync: ${construct.node.path} resolved without an object at ${address}; please report this`,
      );
    }
    return { construct, address, spec };
  });
  return { state, objects, warnings: result.diagnostics.filter((d) => d.severity === "warning") };
}
