/**
 * chatsync constructs: declare chats, rosters, webhooks and contact cards in code. This entry
 * point needs only `constructs`; the Terraform (cdktf) bridge is a separate module,
 * `chatsync/dist/constructs/terraform-bridge.js`, so the construct model outlives cdktf.
 */
export { ChatSync, type ChatSyncProps } from "./chat-sync.js";
export { GroupChat, type GroupChatProps } from "./group-chat.js";
export { DirectChat, type DirectChatProps } from "./direct-chat.js";
export {
  WebhookSubscription,
  LocationSharingWebhook,
  type WebhookSubscriptionProps,
  type LocationSharingWebhookProps,
} from "./webhook-subscription.js";
export { ContactCard, type ContactCardProps } from "./contact-card.js";
export {
  Team,
  type TeamProps,
  type IParticipantSource,
  type ParticipantEntry,
  type ParticipantsInput,
} from "./team.js";
export { Handle, InvalidHandleError } from "./handle.js";
export { WebhookEvents } from "./webhook-events.js";
export {
  ManagedObject,
  type AdoptionProps,
  type DocumentFragment,
  type DocumentSection,
} from "./managed-object.js";
export {
  synthesizeDesiredState,
  findManagedObjects,
  ChatSyncValidationError,
  type SynthesisResult,
  type SynthesizedObject,
} from "./synthesize-desired-state.js";
export {
  synthesizeManifest,
  writeManifest,
  emitManifest,
  type WarningSink,
} from "./manifest-output.js";
export { MANIFEST_OUT_ENV, manifestJson, readManifest } from "../sync-engine/model/manifest.js";
