/**
 * The base of every construct that declares one managed object (one address). A managed object
 * only knows how to describe itself as a fragment of a YAML-format document; turning fragments
 * into the desired state is done by `synthesizeDesiredState`, through the YAML path's resolver,
 * so constructs and YAML files share one implementation of every rule.
 */
import { Construct, type IConstruct } from "constructs";
import type { Address } from "../sync-engine/model/desired-state.js";

/** The sections of a version-1 document that hold managed objects. */
export type DocumentSection = "chats" | "webhooks" | "contact_cards";

/** One object of a YAML-format document: `<section>.<key>: <value>`. */
export interface DocumentFragment {
  section: DocumentSection;
  /** The map key as declared (the resolver normalizes it, e.g. phone numbers to E.164). */
  key: string;
  /** The object in the YAML format's snake_case field names; undefined fields are left out. */
  value: Record<string, unknown>;
}

/** Adopting what already exists (SPEC §5a), as props of every managed-object construct. */
export interface AdoptionProps {
  /**
   * The live object to manage instead of creating one, like an `imports:` entry: a chat id, a
   * webhook subscription id, or for a contact card its line. Recorded with no API call; once
   * recorded it is a no-op and may stay.
   * @default - none: the object is created if the state does not manage it yet
   */
  readonly importId?: string;
  /**
   * Earlier keys of this object, like `moved:` entries: the state entry of each old address
   * becomes this one with no API call, so renaming a key does not create a second chat.
   * @default []
   */
  readonly movedFrom?: readonly string[];
}

// A symbol from the global registry, not `instanceof`: two copies of this library in one app
// (nested node_modules) must still recognise each other's constructs.
const MANAGED_OBJECT = Symbol.for("chatsync.ManagedObject");

export abstract class ManagedObject extends Construct {
  /** True when `x` is a chatsync managed-object construct (from any copy of this library). */
  static isManagedObject(x: unknown): x is ManagedObject {
    return typeof x === "object" && x !== null && MANAGED_OBJECT in x;
  }

  /** What this object adopts: see AdoptionProps. */
  readonly adoption: AdoptionProps;

  constructor(scope: Construct, id: string, adoption: AdoptionProps = {}) {
    super(scope, id);
    Object.defineProperty(this, MANAGED_OBJECT, { value: true });
    this.adoption = { ...adoption };
  }

  /** The address as declared, e.g. `chat.eng-oncall` (before phone-number normalization). */
  abstract get address(): Address;

  /**
   * Escape hatch: the construct that implements this object in a synthesis target, e.g. the
   * Terraform `null_resource` the cdktf bridge adds (also `node.defaultChild`). Undefined
   * until a bridge has added one — the manifest path adds none.
   */
  get resource(): IConstruct | undefined {
    return this.node.tryFindChild("Resource");
  }

  /** This object as a fragment of a YAML-format document. Read at synthesis, not before. */
  abstract toDocumentFragment(): DocumentFragment;
}

/** Drops undefined fields so the document looks like one a person would write. */
export function definedFields(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
