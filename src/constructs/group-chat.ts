/** `GroupChat`: one group chat (address `chat.<key>`), the `type: group` entry of `chats:`. */
import type { Construct } from "constructs";
import type { Address, OnDelete, RosterPolicy } from "../sync-engine/model/desired-state.js";
import { chatAddress } from "../sync-engine/model/desired-state.js";
import { validateAtConstruction } from "./construction-check.js";
import {
  definedFields,
  ManagedObject,
  type DocumentFragment,
  type AdoptionProps,
} from "./managed-object.js";
import {
  expandParticipants,
  participantEntries,
  type ParticipantEntry,
  type ParticipantsInput,
} from "./team.js";

export interface GroupChatProps extends AdoptionProps {
  /**
   * Logical key: ties this declaration to the live chat through the state file (address
   * `chat.<key>`). Lower-case letters, digits, `-` and `_`. Renaming it means a new chat.
   * @default - the construct id
   */
  readonly key?: string;
  /**
   * Sending line the chat is created from (a phone number the API token owns).
   * @default - the enclosing `ChatSync`'s `from`
   */
  readonly from?: string;
  /**
   * Group name.
   * @default - no name is managed
   */
  readonly displayName?: string;
  /**
   * Public https:// URL of the group icon.
   * @default - no icon is managed
   */
  readonly icon?: string;
  /**
   * The other people in the group (2 to 31, your line excluded): handles, `Handle.phone(...)`
   * values, or participant sources such as a `Team` (read at synthesis). More can be added
   * with `addParticipant`.
   * @default []
   */
  readonly participants?: ParticipantsInput;
  /**
   * `authoritative` removes undeclared participants; `additive` only ensures declared ones.
   * @default - the enclosing `ChatSync`'s `roster`, else "authoritative"
   */
  readonly roster?: RosterPolicy;
  /**
   * Re-add declared participants who left the group on their own.
   * @default - the enclosing `ChatSync`'s `readdLeft`, else false
   */
  readonly readdLeft?: boolean;
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
   * Refuse any plan that would leave or forget this chat.
   * @default - the enclosing `ChatSync`'s `preventDestroy`, else false
   */
  readonly preventDestroy?: boolean;
  /**
   * What removing this declaration does: `leave` the chat or `forget` it.
   * @default - the enclosing `ChatSync`'s `onDelete`, else "forget"
   */
  readonly onDelete?: OnDelete;
}

export class GroupChat extends ManagedObject {
  readonly key: string;
  private readonly props: GroupChatProps;
  private readonly entries: ParticipantEntry[];

  constructor(scope: Construct, id: string, props: GroupChatProps) {
    super(scope, id, props);
    this.props = { ...props };
    this.key = props.key ?? id;
    this.entries = participantEntries(props.participants);
    validateAtConstruction(this);
  }

  get address(): Address {
    return chatAddress(this.key);
  }

  /** Adds handles or participant sources (e.g. a `Team`) to the roster. */
  addParticipant(...participants: ParticipantEntry[]): this {
    this.entries.push(...participants);
    return this;
  }

  /** The declared handles as written (normalization happens at synthesis). */
  get participants(): readonly string[] {
    return expandParticipants(this.entries);
  }

  toDocumentFragment(): DocumentFragment {
    const p = this.props;
    return {
      section: "chats",
      key: this.key,
      value: definedFields({
        type: "group",
        from: p.from,
        display_name: p.displayName,
        icon: p.icon,
        // Left out when nothing is declared, so the message is the YAML path's "missing" one.
        participants: this.entries.length === 0 ? undefined : this.participants,
        roster: p.roster,
        readd_left: p.readdLeft,
        welcome_message: p.welcomeMessage,
        share_contact_card: p.shareContactCard,
        prevent_destroy: p.preventDestroy,
        on_delete: p.onDelete,
      }),
    };
  }
}
