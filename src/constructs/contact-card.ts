/** `ContactCard`: the contact card of one sending line (address `contact_card.<phone>`). */
import type { Construct } from "constructs";
import type { Address } from "../sync-engine/model/desired-state.js";
import { contactCardAddress } from "../sync-engine/model/desired-state.js";
import { validateAtConstruction } from "./construction-check.js";
import {
  definedFields,
  ManagedObject,
  type DocumentFragment,
  type AdoptionProps,
} from "./managed-object.js";

export interface ContactCardProps extends AdoptionProps {
  /** The line (a phone number the API token owns); the card's key. */
  readonly phoneNumber: string;
  /** First name shown to recipients. */
  readonly firstName: string;
  /**
   * Last name shown to recipients.
   * @default - none
   */
  readonly lastName?: string;
  /**
   * Public https:// URL of the card photo.
   * @default - none
   */
  readonly imageUrl?: string;
}

export class ContactCard extends ManagedObject {
  private readonly props: ContactCardProps;

  constructor(scope: Construct, id: string, props: ContactCardProps) {
    super(scope, id, props);
    this.props = { ...props };
    validateAtConstruction(this);
  }

  /** `contact_card.<phone>` with the phone number as written (E.164 after synthesis). */
  get address(): Address {
    return contactCardAddress(this.props.phoneNumber);
  }

  toDocumentFragment(): DocumentFragment {
    const p = this.props;
    return {
      section: "contact_cards",
      key: p.phoneNumber,
      value: definedFields({
        first_name: p.firstName,
        last_name: p.lastName,
        image_url: p.imageUrl,
      }),
    };
  }
}
