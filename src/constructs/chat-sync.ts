/**
 * `ChatSync`: the container that carries defaults, like the `defaults:` block of a YAML file.
 * Same semantics as YAML: the defaults apply to every chat of the synthesized tree, and
 * several containers may declare them only if they are identical (as several files of a folder
 * may). Optional: without one, the format's built-in defaults apply.
 */
import { Construct, type IConstruct } from "constructs";
import type { OnDelete, RosterPolicy } from "../sync-engine/model/desired-state.js";
import { resolveDocuments } from "../sync-engine/config/resolve-document.js";
import { definedFields } from "./managed-object.js";
import { unresolvedTokenErrors } from "./unresolved-tokens.js";
import { ChatSyncValidationError } from "./validation-error.js";

export interface ChatSyncProps {
  /**
   * Default sending line (a phone number the API token owns; normalized to E.164) for chats
   * that do not set `from`.
   * @default - none: every chat must set `from`
   */
  readonly from?: string;
  /**
   * Default roster policy of group chats: `authoritative` removes undeclared participants,
   * `additive` only ensures the declared ones.
   * @default "authoritative"
   */
  readonly roster?: RosterPolicy;
  /**
   * What removing a chat's declaration does by default: `leave` the chat (groups only) or
   * `forget` it (stop managing it).
   * @default "forget"
   */
  readonly onDelete?: OnDelete;
  /**
   * Default for `readdLeft` of group chats (re-add people who left on their own).
   * @default false
   */
  readonly readdLeft?: boolean;
  /**
   * Default for `shareContactCard` of chats.
   * @default false
   */
  readonly shareContactCard?: boolean;
  /**
   * Default for `preventDestroy` of chats.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Folder that relative webhook `secretFile` paths are resolved against (what the folder of
   * the declaring file is for YAML).
   * @default process.cwd() at synthesis
   */
  readonly baseDir?: string;
}

const CHAT_SYNC = Symbol.for("chatsync.ChatSync");

export class ChatSync extends Construct {
  /** True when `x` is a `ChatSync` container (from any copy of this library). */
  static isChatSync(x: unknown): x is ChatSync {
    return typeof x === "object" && x !== null && CHAT_SYNC in x;
  }

  /** The nearest `ChatSync` at or above `construct`, or undefined when there is none. */
  static of(construct: IConstruct): ChatSync | undefined {
    const scopes = construct.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      const scope = scopes[i];
      if (ChatSync.isChatSync(scope)) return scope;
    }
    return undefined;
  }

  readonly props: Readonly<ChatSyncProps>;

  constructor(scope: Construct, id: string, props: ChatSyncProps = {}) {
    super(scope, id);
    Object.defineProperty(this, CHAT_SYNC, { value: true });
    this.props = { ...props };
    // Defaults never change after construction: check them now, with the YAML path's rules.
    const defaults = this.defaultsDocument();
    if (defaults !== undefined) {
      const document = { value: { version: 1, defaults }, origin: this.node.path };
      const tokens = unresolvedTokenErrors(document.value, document.origin);
      const errors =
        tokens.length > 0
          ? tokens
          : resolveDocuments([document]).diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0) throw new ChatSyncValidationError(errors);
    }
  }

  /** The `defaults:` block of the YAML format, or undefined when no default is set. */
  defaultsDocument(): Record<string, unknown> | undefined {
    const d = definedFields({
      from: this.props.from,
      roster: this.props.roster,
      on_delete: this.props.onDelete,
      readd_left: this.props.readdLeft,
      share_contact_card: this.props.shareContactCard,
      prevent_destroy: this.props.preventDestroy,
    });
    return Object.keys(d).length === 0 ? undefined : d;
  }
}
