/**
 * The chats of examples/quickstart.yaml, declared with constructs. Same objects, same keys,
 * same defaults: the manifest this produces is byte-identical to the one of the YAML file
 * (test/constructs/cdk-end-to-end.test.ts checks it).
 *
 * Imports the compiled library (`npm run build`), the way an app depends on chatsync.
 */
import type { Construct } from "constructs";
import {
  ChatSync,
  ContactCard,
  DirectChat,
  GroupChat,
  Handle,
  LocationSharingWebhook,
  Team,
} from "../../dist/constructs/index.js";

export interface QuickstartOptions {
  /**
   * Folder relative webhook secret files resolve against (for YAML: the file's folder).
   * @default process.cwd()
   */
  readonly baseDir?: string;
}

export function declareQuickstartChats(
  scope: Construct,
  options: QuickstartOptions = {},
): ChatSync {
  // The line chats are sent from; it must belong to your API token.
  const line = Handle.phone("+12025550100");

  const chats = new ChatSync(scope, "chatsync", {
    from: line,
    roster: "authoritative", // remove people who are not declared
    onDelete: "forget", // removing a chat from the app stops managing it; the chat stays
    ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
  });

  // The card recipients see for the line (iMessage Name & Photo Sharing).
  new ContactCard(chats, "acme-card", {
    phoneNumber: line,
    firstName: "Acme",
    lastName: "Support",
    imageUrl: "https://cdn.example.com/acme-logo.png",
  });

  // A roster kept as a value: other stacks can build chats from the same team.
  const oncall = new Team(chats, "oncall-team", {
    members: [Handle.phone("+1 (415) 555-0101"), Handle.phone("+14155550102")],
  });
  oncall.addMember(Handle.email("alice@example.com"));

  new GroupChat(chats, "eng-oncall", {
    displayName: "Eng On-Call",
    icon: "https://cdn.example.com/oncall.png",
    participants: oncall,
    // Sent when the chat is created. The API refuses links in a chat's first message.
    welcomeMessage: "You have been added to Eng On-Call. Reply here to reach the team.",
    shareContactCard: true,
  });

  // Only direct chats can ask for location sharing.
  new DirectChat(chats, "alice", {
    to: Handle.email("alice@example.com"),
    welcomeMessage: "Hi Alice! This is the Acme on-call line.",
    locationRequest: true,
  });

  // Location-sharing start/stop events from our line.
  new LocationSharingWebhook(chats, "location-events", {
    targetUrl: "https://hooks.example.com/linq/location",
    phoneNumbers: [line],
  });

  return chats;
}
