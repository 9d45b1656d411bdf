/**
 * importId and movedFrom (AdoptionProps) carry the same semantics as YAML's imports: and
 * moved:, through the same pipeline and into the manifest.
 */
import { describe, expect, it } from "vitest";
import { Construct } from "constructs";
import {
  ChatSync,
  ChatSyncValidationError,
  ContactCard,
  GroupChat,
  WebhookSubscription,
  synthesizeDesiredState,
  synthesizeManifest,
} from "../../src/constructs/index.js";
import { desiredStateFromManifest } from "../../src/sync-engine/model/manifest.js";

const LINE = "+12025550100";

function app(): ChatSync {
  return new ChatSync(new Construct(undefined as never, ""), "Chats", { from: LINE });
}

describe("AdoptionProps", () => {
  it("importId and movedFrom become imports: and moved: entries, and survive the manifest", () => {
    const sync = app();
    new GroupChat(sync, "bookclub", {
      participants: ["+14155550101", "+14155550102"],
      importId: "7d3c0a4e-1111-4222-8333-944455556666",
      movedFrom: ["book-club"],
    });
    new WebhookSubscription(sync, "hooks", {
      targetUrl: "https://hooks.example.com/linq",
      events: ["message.received"],
      importId: "w-1",
    });
    new ContactCard(sync, "card", {
      phoneNumber: "+1 202 555 0100",
      firstName: "Acme",
      importId: LINE,
    });
    const { state, warnings } = synthesizeDesiredState(sync);
    expect(state.imports).toEqual([
      { to: "chat.bookclub", id: "7d3c0a4e-1111-4222-8333-944455556666" },
      { to: `contact_card.${LINE}`, id: LINE },
      { to: "webhook.hooks", id: "w-1" },
    ]);
    expect(state.moved).toEqual([{ from: "chat.book-club", to: "chat.bookclub" }]);
    // Imported, so no welcome_message is needed and none is asked for.
    expect(warnings.map((w) => w.message).join()).not.toContain("welcome_message");
    const back = desiredStateFromManifest(JSON.parse(synthesizeManifest(sync)), "manifest.json");
    expect(back.imports).toEqual(state.imports);
    expect(back.moved).toEqual(state.moved);
  });

  it("a moved key that is still declared is refused with the YAML path's message, naming the construct", () => {
    const sync = app();
    new GroupChat(sync, "book-club", {
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "Hi",
    });
    new GroupChat(sync, "bookclub", {
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "Hi",
      movedFrom: ["book-club"],
    });
    let error: unknown;
    try {
      synthesizeDesiredState(sync);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChatSyncValidationError);
    expect((error as Error).message).toContain("Chats/bookclub");
    expect((error as Error).message).toContain("chat.book-club is still declared");
  });
});
