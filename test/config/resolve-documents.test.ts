/**
 * resolveDocuments without files: how the CDK constructs use the pipeline (construct paths
 * as origins, no positions), and the merge rules across documents.
 */
import { describe, expect, it } from "vitest";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";

const group = {
  type: "group",
  participants: ["+14155550102", "+1 (415) 555-0101"],
  welcome_message: "Hello team.",
};

describe("resolveDocuments", () => {
  it("reports construct paths and JSON pointers when there are no positions", () => {
    const r = resolveDocuments([
      {
        origin: "Stack/Chats/Eng",
        value: { version: 1, chats: { eng: { ...group, from: "+1202" } } },
      },
    ]);
    expect(r.state).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        file: "Stack/Chats/Eng",
        path: "/chats/eng/from",
        message:
          'chats.eng.from: "+1202" is not a valid phone number: it has too few digits for its country code',
      },
    ]);
  });

  it("merges documents and applies defaults from any of them", () => {
    const r = resolveDocuments([
      {
        origin: "Stack/Defaults",
        value: { version: 1, defaults: { from: "+12025550100", roster: "additive" } },
      },
      { origin: "Stack/Eng", value: { version: 1, chats: { eng: group } } },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.state!.chats.eng).toEqual({
      key: "eng",
      type: "group",
      from: "+12025550100",
      participants: ["+14155550101", "+14155550102"],
      roster: "additive",
      readd_left: false,
      welcome_message: "Hello team.",
      share_contact_card: false,
      prevent_destroy: false,
      on_delete: "forget",
    });
  });

  it("names both places of a duplicate key without positions", () => {
    const r = resolveDocuments([
      {
        origin: "Stack/A",
        value: { version: 1, defaults: { from: "+12025550100" }, chats: { eng: group } },
      },
      { origin: "Stack/B", value: { version: 1, chats: { eng: group } } },
    ]);
    expect(r.diagnostics.map((d) => [d.file, d.message])).toEqual([
      [
        "Stack/B",
        'chat "eng" is declared twice: here and at Stack/A (/chats/eng); each chat may be declared once across all files',
      ],
    ]);
  });

  it("keeps a relative secret_file relative when there is no base folder, and resolves it when there is", () => {
    const hook = {
      target_url: "https://hooks.example.com/x",
      events: ["message.sent", "chat.created"],
    };
    const without = resolveDocuments([
      { origin: "S", value: { version: 1, webhooks: { h: hook } } },
    ]);
    expect(without.state!.webhooks.h).toEqual({
      key: "h",
      target_url: "https://hooks.example.com/x",
      events: ["chat.created", "message.sent"],
      phone_numbers: [],
      active: true,
      secret_file: ".chatsync/secrets/h.whsec",
    });
    const withBase = resolveDocuments([
      {
        origin: "f.yaml",
        baseDir: "/srv/cfg",
        value: { version: 1, webhooks: { h: { ...hook, secret_file: "s/h.key" } } },
      },
    ]);
    expect(withBase.state!.webhooks.h!.secret_file).toBe("/srv/cfg/s/h.key");
  });

  it("the same value in a different key order gives the same state", () => {
    const a = resolveDocuments([
      {
        origin: "a",
        value: {
          version: 1,
          defaults: { from: "+12025550100" },
          chats: { x: group, y: { ...group, participants: ["+14155550103", "+14155550104"] } },
        },
      },
    ]);
    const b = resolveDocuments([
      {
        origin: "b",
        value: {
          chats: {
            y: {
              welcome_message: "Hello team.",
              participants: ["+14155550104", "+14155550103"],
              type: "group",
            },
            x: group,
          },
          defaults: { from: "+1 202 555 0100" },
          version: 1,
        },
      },
    ]);
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
  });

  it("returns warnings alongside a state", () => {
    const r = resolveDocuments([
      {
        origin: "S",
        value: {
          version: 1,
          defaults: { from: "+12025550100" },
          chats: {
            dm: { type: "direct", to: "a@example.com", welcome_message: "Hi", on_delete: "leave" },
          },
        },
      },
    ]);
    expect(r.state!.chats.dm!.on_delete).toBe("forget");
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: "warning", path: "/chats/dm/on_delete" });
  });

  it("treats properties set to undefined (optional construct props) as absent", () => {
    const r = resolveDocuments([
      {
        origin: "Stack/Eng",
        value: {
          version: 1,
          defaults: undefined,
          chats: {
            eng: {
              ...group,
              from: "+12025550100",
              display_name: undefined,
              icon: undefined,
              to: undefined,
            },
          },
        },
      },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.state!.chats.eng).not.toHaveProperty("display_name");
  });

  it("refuses a document that is not a mapping", () => {
    const r = resolveDocuments([{ origin: "S", value: "version: 1" }]);
    expect(r.state).toBeUndefined();
    expect(r.diagnostics[0]!.message).toMatch(/must be a mapping with "version: 1"/);
  });
});
