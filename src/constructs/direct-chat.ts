/** `DirectChat`: one one-to-one chat (address `chat.<key>`), the `type: direct` entry of `chats:`. */
import type { Construct } from "constructs";
import type { Address, OnDelete } from "../sync-engine/model/desired-state.js";
import { chatAddress } from "../sync-engine/model/desired-state.js";
import { validateAtConstruction } from "./construction-check.js";
import {
  definedFields,
  ManagedObject,
  type DocumentFragment,
  type AdoptionProps,
} from "./managed-object.js";

export interface DirectChatProps extends AdoptionProps {
  /**
   * Logical key (address `chat.<key>`). Lower-case letters, digits, `-` and `_`.
   * @default - the construct id
   */
  readonly key?: string;
  /**
   * Sending line the chat is created from (a phone number the API token owns).
   * @default - the enclosing `ChatSync`'s `from`
   */
  readonly from?: string;
  /** The other person: a phone number in international format or an iMessage email. */
  readonly to: string;
  /**
   * Text of the first message, sent when the chat is created. Must not contain a URL.
   * @default - none: required to create the chat; an imported chat (`importId`) needs none
   */
  readonly welcomeMessage?: string;
  /**
   * Share the sending line's contact card into the chat once.
   * @default - the enclosing `ChatSync`'s `shareContactCard`, else false
   */
  readonly shareContactCard?: boolean;
  /**
   * Ask the other person to share their location, once (iMessage only).
   * @default false
   */
  readonly locationRequest?: boolean;
  /**
   * Refuse any plan that would forget this chat.
   * @default - the enclosing `ChatSync`'s `preventDestroy`, else false
   */
  readonly preventDestroy?: boolean;
  /**
   * What removing this declaration does. The API cannot leave direct chats, so they are always
   * forgotten; an explicit `leave` gets a warning (as in YAML) and is treated as `forget`.
   * @default "forget"
   */
  readonly onDelete?: OnDelete;
}

export class DirectChat extends ManagedObject {
  readonly key: string;
  private readonly props: DirectChatProps;

  constructor(scope: Construct, id: string, props: DirectChatProps) {
    super(scope, id, props);
    this.props = { ...props };
    this.key = props.key ?? id;
    validateAtConstruction(this);
  }

  get address(): Address {
    return chatAddress(this.key);
  }

  toDocumentFragment(): DocumentFragment {
    const p = this.props;
    return {
      section: "chats",
      key: this.key,
      value: definedFields({
        type: "direct",
        from: p.from,
        to: p.to,
        welcome_message: p.welcomeMessage,
        share_contact_card: p.shareContactCard,
        location_request: p.locationRequest,
        prevent_destroy: p.preventDestroy,
        on_delete: p.onDelete,
      }),
    };
  }
}
