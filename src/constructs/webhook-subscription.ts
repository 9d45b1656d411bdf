/**
 * `WebhookSubscription` (address `webhook.<key>`), and `LocationSharingWebhook`, the same with
 * the location-sharing events filled in.
 */
import type { Construct } from "constructs";
import type { Address } from "../sync-engine/model/desired-state.js";
import { webhookAddress } from "../sync-engine/model/desired-state.js";
import { validateAtConstruction } from "./construction-check.js";
import {
  definedFields,
  ManagedObject,
  type DocumentFragment,
  type AdoptionProps,
} from "./managed-object.js";
import { WebhookEvents } from "./webhook-events.js";

export interface WebhookSubscriptionProps extends AdoptionProps {
  /**
   * Logical key (address `webhook.<key>`). Lower-case letters, digits, `-` and `_`.
   * @default - the construct id
   */
  readonly key?: string;
  /** https:// URL the events are posted to; one subscription per URL and account. */
  readonly targetUrl: string;
  /** Event types to deliver (at least one); see `WebhookEvents` for named groups. */
  readonly events: readonly string[];
  /**
   * Only deliver events of these lines.
   * @default [] - every line
   */
  readonly phoneNumbers?: readonly string[];
  /**
   * Whether delivery is switched on.
   * @default true
   */
  readonly active?: boolean;
  /**
   * File the signing secret is written to once, at creation (mode 0600); relative paths are
   * resolved against the enclosing `ChatSync`'s `baseDir`.
   * @default ".chatsync/secrets/<key>.whsec"
   */
  readonly secretFile?: string;
}

export class WebhookSubscription extends ManagedObject {
  readonly key: string;
  private readonly props: WebhookSubscriptionProps;

  constructor(scope: Construct, id: string, props: WebhookSubscriptionProps) {
    super(scope, id, props);
    this.props = { ...props };
    this.key = props.key ?? id;
    validateAtConstruction(this);
  }

  get address(): Address {
    return webhookAddress(this.key);
  }

  toDocumentFragment(): DocumentFragment {
    const p = this.props;
    return {
      section: "webhooks",
      key: this.key,
      value: definedFields({
        target_url: p.targetUrl,
        events: p.events === undefined ? undefined : [...p.events],
        phone_numbers: p.phoneNumbers === undefined ? undefined : [...p.phoneNumbers],
        active: p.active,
        secret_file: p.secretFile,
      }),
    };
  }
}

/** `WebhookSubscriptionProps` without `events`: they are the two location-sharing events. */
export type LocationSharingWebhookProps = Omit<WebhookSubscriptionProps, "events">;

/** A subscription to `location.sharing.started` and `location.sharing.stopped`. */
export class LocationSharingWebhook extends WebhookSubscription {
  constructor(scope: Construct, id: string, props: LocationSharingWebhookProps) {
    super(scope, id, { ...props, events: WebhookEvents.LOCATION });
  }
}
