/**
 * validateAgainstSchema on its own: for each kind of mistake the schema catches, the exact
 * sentence a person reads, the location it points at (path) and whether it points at the key
 * or at its value — and, when one place has several problems, which one is reported.
 * The end-to-end wording with file positions is pinned by invalid-fixtures.test.ts; this file
 * covers the cases and anchors those fixtures do not show.
 */
import { describe, expect, it } from "vitest";
import {
  validateAgainstSchema,
  type SchemaIssue,
} from "../../src/sync-engine/config/schema-validator.js";

const group = {
  type: "group",
  participants: ["+14155550101", "+14155550102"],
  welcome_message: "Hello team.",
};
const noParticipants = { type: "group", welcome_message: "Hello team." };
const webhook = { target_url: "https://hooks.example.com/linq", events: ["message.sent"] };

/** A version 1 document with `eng` as a group chat whose fields are replaced by `fields`. */
function withGroup(fields: Record<string, unknown>): unknown {
  return { version: 1, chats: { eng: { ...group, ...fields } } };
}

function withWebhook(fields: Record<string, unknown>): unknown {
  return { version: 1, webhooks: { hook: { ...webhook, ...fields } } };
}

function valueIssue(path: SchemaIssue["path"], message: string): SchemaIssue {
  return { path, at: "value", message };
}

function keyIssue(path: SchemaIssue["path"], message: string): SchemaIssue {
  return { path, at: "key", message };
}

describe("validateAgainstSchema", () => {
  it("finds nothing wrong with a valid document", () => {
    expect(validateAgainstSchema(withGroup({}))).toEqual([]);
  });

  describe("a value of the wrong type", () => {
    it("names what it got instead: null, a list or a mapping", () => {
      const at = ["chats", "eng", "welcome_message"];
      expect(validateAgainstSchema(withGroup({ welcome_message: null }))).toStrictEqual([
        valueIssue(at, "chats.eng.welcome_message must be a string, got null"),
      ]);
      expect(validateAgainstSchema(withGroup({ welcome_message: ["Hi"] }))).toStrictEqual([
        valueIssue(at, "chats.eng.welcome_message must be a string, got a list"),
      ]);
      expect(validateAgainstSchema(withGroup({ welcome_message: { text: "Hi" } }))).toStrictEqual([
        valueIssue(at, "chats.eng.welcome_message must be a string, got a mapping"),
      ]);
    });

    it("a whole document that is not a mapping is refused at its value", () => {
      expect(validateAgainstSchema("chats")).toStrictEqual([
        valueIssue(
          [],
          'a chatsync file must be a mapping with "version: 1" and chats, webhooks or contact_cards; got the string "chats"',
        ),
      ]);
    });

    it("a boolean where text belongs is told to put it in quotes", () => {
      expect(validateAgainstSchema(withGroup({ display_name: true }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "display_name"],
          "chats.eng.display_name must be a string, got boolean true; put it in quotes",
        ),
      ]);
    });

    it("only a phone or handle field mentions that YAML reads an unquoted +number as a number", () => {
      expect(
        validateAgainstSchema({ version: 1, chats: { bob: { type: "direct", to: 14155550101 } } }),
      ).toStrictEqual([
        valueIssue(
          ["chats", "bob", "to"],
          "chats.bob.to must be a string, got number 14155550101; put it in quotes (YAML reads an unquoted +14155550101 as a number)",
        ),
      ]);
      expect(validateAgainstSchema(withWebhook({ phone_numbers: [12025550100] }))).toStrictEqual([
        valueIssue(
          ["webhooks", "hook", "phone_numbers", 0],
          "webhooks.hook.phone_numbers[0] must be a string, got number 12025550100; put it in quotes (YAML reads an unquoted +14155550101 as a number)",
        ),
      ]);
      expect(validateAgainstSchema(withGroup({ welcome_message: 42 }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "welcome_message"],
          "chats.eng.welcome_message must be a string, got number 42; put it in quotes",
        ),
      ]);
      // A boolean is not the +number trap, even in a handle field.
      expect(
        validateAgainstSchema({ version: 1, chats: { bob: { type: "direct", to: true } } }),
      ).toStrictEqual([
        valueIssue(
          ["chats", "bob", "to"],
          "chats.bob.to must be a string, got boolean true; put it in quotes",
        ),
      ]);
    });

    it("no quoting hint where a list, not text, was expected", () => {
      const at = ["chats", "eng", "participants"];
      expect(validateAgainstSchema(withGroup({ participants: 5 }))).toStrictEqual([
        valueIssue(at, "chats.eng.participants must be a list, got number 5"),
      ]);
      expect(validateAgainstSchema(withGroup({ participants: true }))).toStrictEqual([
        valueIssue(at, "chats.eng.participants must be a list, got boolean true"),
      ]);
    });

    it("comma-separated text where a list belongs is shown as a list of its first three items", () => {
      const participants =
        " +1 202 555 0101, , alice@example.com,bob@example.com, carol@example.com";
      expect(validateAgainstSchema(withGroup({ participants }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "participants"],
          `chats.eng.participants must be a list, got the string ${JSON.stringify(participants)}; write a list, e.g. ["+1 202 555 0101", "alice@example.com", "bob@example.com"] or one "- item" per line`,
        ),
      ]);
    });

    it("only a top-level section written as a list is shown how to key its entries", () => {
      expect(validateAgainstSchema({ version: 1, chats: [{ eng: group }] })).toStrictEqual([
        valueIssue(
          ["chats"],
          'chats must be a mapping (key: value pairs), got a list; write each entry under its key instead of as a "-" list item, e.g. chats: { eng-oncall: { type: group, ... } }',
        ),
      ]);
      expect(validateAgainstSchema({ version: 1, chats: "eng" })).toStrictEqual([
        valueIssue(["chats"], 'chats must be a mapping (key: value pairs), got the string "eng"'),
      ]);
      expect(validateAgainstSchema({ version: 1, chats: { eng: [group] } })).toStrictEqual([
        valueIssue(["chats", "eng"], 'chat "eng" must be a mapping (key: value pairs), got a list'),
      ]);
    });

    it("only an empty mapping section is said to have no entries", () => {
      expect(validateAgainstSchema({ version: 1, webhooks: null })).toStrictEqual([
        valueIssue(
          ["webhooks"],
          'webhooks has no entries (YAML reads an empty "webhooks:" as null); write "webhooks: {}" or leave the key out',
        ),
      ]);
      // imports is a list, not a mapping of entries.
      expect(validateAgainstSchema({ version: 1, imports: null })).toStrictEqual([
        valueIssue(["imports"], "imports must be a list, got null"),
      ]);
      // An entry (not a section) that is null.
      expect(validateAgainstSchema({ version: 1, chats: { eng: null } })).toStrictEqual([
        valueIssue(["chats", "eng"], 'chat "eng" must be a mapping (key: value pairs), got null'),
      ]);
    });
  });

  describe("a missing key", () => {
    it("points at the key that is missing", () => {
      expect(validateAgainstSchema({ chats: {} })).toStrictEqual([
        keyIssue(
          ["version"],
          'missing "version: 1" at the top level; every chatsync file starts with it',
        ),
      ]);
    });

    it("a group without participants is told how many people to list", () => {
      expect(validateAgainstSchema({ version: 1, chats: { eng: noParticipants } })).toStrictEqual([
        keyIssue(
          ["chats", "eng", "participants"],
          'chat "eng" is a group chat without participants: list 2 to 31 other people',
        ),
      ]);
    });

    it("outside a chat, names the key in a general sentence", () => {
      expect(validateAgainstSchema({ version: 1, imports: [{ id: "abc" }] })).toStrictEqual([
        keyIssue(["imports", 0, "to"], 'imports[0] is missing the required key "to"'),
      ]);
    });

    it("a chat key made of digits stays a key, not a list index", () => {
      expect(
        validateAgainstSchema({ version: 1, chats: { "2024": noParticipants } }),
      ).toStrictEqual([
        keyIssue(
          ["chats", "2024", "participants"],
          'chat "2024" is a group chat without participants: list 2 to 31 other people',
        ),
      ]);
    });
  });

  describe("an unknown key", () => {
    it("with nothing close to it, lists the allowed keys and suggests none", () => {
      expect(validateAgainstSchema({ version: 1, zzzzzz: 1 })).toStrictEqual([
        keyIssue(
          ["zzzzzz"],
          'unknown key "zzzzzz" in the top level; allowed keys: version, defaults, contact_cards, chats, webhooks, imports, moved',
        ),
      ]);
    });

    it("with a close allowed key, suggests it", () => {
      expect(validateAgainstSchema(withGroup({ readd_lfet: true }))).toStrictEqual([
        {
          path: ["chats", "eng", "readd_lfet"],
          at: "key",
          message: 'unknown key "readd_lfet" in chat "eng" (did you mean "readd_left"?)',
          suggests: "readd_left",
        },
      ]);
    });

    it("an API field name is translated only where its chatsync name is allowed", () => {
      expect(
        validateAgainstSchema({
          version: 1,
          webhooks: {
            hook: { target_url: webhook.target_url, subscribed_events: ["message.sent"] },
          },
        }),
      ).toStrictEqual([
        {
          path: ["webhooks", "hook", "subscribed_events"],
          at: "key",
          message:
            'unknown key "subscribed_events" in webhook "hook" (did you mean "events"? the API\'s subscribed_events is called events in chatsync files)',
          suggests: "events",
        },
      ]);
      // "handles" is the API's name for participants, which a webhook does not have.
      expect(validateAgainstSchema(withWebhook({ handles: ["+14155550101"] }))).toStrictEqual([
        keyIssue(
          ["webhooks", "hook", "handles"],
          'unknown key "handles" in webhook "hook"; allowed keys: target_url, events, phone_numbers, active, secret_file',
        ),
      ]);
    });
  });

  it("an icon on a direct chat is refused at its key, saying the API cannot set one there", () => {
    expect(
      validateAgainstSchema({
        version: 1,
        chats: {
          bob: { type: "direct", to: "bob@example.com", icon: "https://cdn.example.com/i.png" },
        },
      }),
    ).toStrictEqual([
      keyIssue(
        ["chats", "bob", "icon"],
        'chat "bob": "icon" is only allowed on group chats (the API cannot rename or set an icon on a direct chat)',
      ),
    ]);
  });

  it("an empty contact card key is refused at the key", () => {
    expect(
      validateAgainstSchema({ version: 1, contact_cards: { "": { first_name: "Ada" } } }),
    ).toStrictEqual([keyIssue(["contact_cards", ""], 'contact card "": invalid key ""')]);
  });

  it("a wrong version is reported at its value", () => {
    expect(validateAgainstSchema({ version: "1" })).toStrictEqual([
      valueIssue(
        ["version"],
        'version must be 1, got the string "1"; this chatsync understands format version 1 only',
      ),
    ]);
  });

  describe("a value outside the allowed set", () => {
    it("lists the choices, with no did-you-mean for a value that is not text", () => {
      expect(validateAgainstSchema(withGroup({ type: 5 }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "type"],
          'chats.eng.type must be one of "group", "direct"; got number 5',
        ),
      ]);
    });

    it("an unknown webhook event at index 10 or later points at that item", () => {
      const events = [
        "message.sent",
        "message.received",
        "message.read",
        "message.delivered",
        "message.failed",
        "message.edited",
        "reaction.added",
        "reaction.removed",
        "participant.added",
        "participant.removed",
        "chat.creatd",
      ];
      expect(validateAgainstSchema(withWebhook({ events }))).toStrictEqual([
        valueIssue(
          ["webhooks", "hook", "events", 10],
          'webhooks.hook.events[10]: unknown event "chat.creatd" (did you mean "chat.created"?); the API\'s events are listed by GET /v3/webhook-events',
        ),
      ]);
    });
  });

  describe("list sizes", () => {
    it("too few or too many participants, and no events, point at the list's value", () => {
      expect(validateAgainstSchema(withGroup({ participants: [] }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "participants"],
          'chat "eng" needs at least 2 participants besides the sending line (got 0); for one person use "type: direct" with "to"',
        ),
      ]);
      const many = Array.from({ length: 32 }, (_, i) => `+1415555${String(i).padStart(4, "0")}`);
      expect(validateAgainstSchema(withGroup({ participants: many }))).toStrictEqual([
        valueIssue(
          ["chats", "eng", "participants"],
          'chat "eng" has 32 participants; the API allows at most 31 besides the sending line',
        ),
      ]);
      expect(validateAgainstSchema(withWebhook({ events: [] }))).toStrictEqual([
        valueIssue(
          ["webhooks", "hook", "events"],
          "webhooks.hook.events is empty; a webhook needs at least one event",
        ),
      ]);
    });

    it("a repeated item points at its later copy and names the earlier index", () => {
      const lines = Array.from({ length: 10 }, (_, i) => `+1202555010${i}`);
      expect(
        validateAgainstSchema(withWebhook({ phone_numbers: [...lines, "+12025550100"] })),
      ).toStrictEqual([
        valueIssue(
          ["webhooks", "hook", "phone_numbers", 10],
          'webhooks.hook.phone_numbers[10]: "+12025550100" is listed twice (also at index 0)',
        ),
      ]);
    });
  });

  describe("text that does not have the required form", () => {
    it("a URL whose scheme is https in other letter case is asked for lower case", () => {
      const card = { first_name: "Ada", image_url: "Https://cdn.example.com/a.png" };
      expect(
        validateAgainstSchema({ version: 1, contact_cards: { "+12025550100": card } }),
      ).toStrictEqual([
        valueIssue(
          ["contact_cards", "+12025550100", "image_url"],
          'contact_cards["+12025550100"].image_url must start with "https://" in lower case, got the string "Https://cdn.example.com/a.png"',
        ),
      ]);
    });

    it("a URL that merely contains https:// further on is not an https URL", () => {
      expect(
        validateAgainstSchema(withGroup({ icon: "ftp://cdn.example.com/https://x.png" })),
      ).toStrictEqual([
        valueIssue(
          ["chats", "eng", "icon"],
          'chats.eng.icon must be an https:// URL, got the string "ftp://cdn.example.com/https://x.png"',
        ),
      ]);
    });

    it("an https URL that is not a valid URI says so", () => {
      expect(
        validateAgainstSchema(withGroup({ icon: "https://cdn example.com/a b.png" })),
      ).toStrictEqual([
        valueIssue(
          ["chats", "eng", "icon"],
          'chats.eng.icon must be a valid absolute URL, got the string "https://cdn example.com/a b.png"',
        ),
      ]);
    });

    it("blank text is reported at its value", () => {
      const card = { first_name: "Ada", last_name: " \n" };
      expect(
        validateAgainstSchema({ version: 1, contact_cards: { "+12025550100": card } }),
      ).toStrictEqual([
        valueIssue(
          ["contact_cards", "+12025550100", "last_name"],
          'contact_cards["+12025550100"].last_name is blank (only spaces or line breaks); write some text',
        ),
      ]);
    });

    it("a malformed import id quotes the schema's own sentence for the pattern", () => {
      expect(
        validateAgainstSchema({ version: 1, imports: [{ to: "chat.eng", id: "a b" }] }),
      ).toStrictEqual([
        valueIssue(
          ["imports", 0, "id"],
          'imports[0].id: A live id as the API shows it (a chat or webhook subscription id), or for contact_card.<line> the line. Got the string "a b"',
        ),
      ]);
    });

    it("text that is too long gives the limit and its length", () => {
      expect(
        validateAgainstSchema(withGroup({ welcome_message: "x".repeat(10_001) })),
      ).toStrictEqual([
        valueIssue(
          ["chats", "eng", "welcome_message"],
          "chats.eng.welcome_message may be at most 10000 characters long (got 10001)",
        ),
      ]);
    });
  });

  describe("which problems are reported", () => {
    it("every mistake of a document, not only the first", () => {
      expect(
        validateAgainstSchema({ version: 2, chats: { eng: { ...group, type: 7 } } }),
      ).toStrictEqual([
        valueIssue(
          ["version"],
          "version must be 1, got number 2; this chatsync understands format version 1 only",
        ),
        valueIssue(
          ["chats", "eng", "type"],
          'chats.eng.type must be one of "group", "direct"; got number 7',
        ),
      ]);
    });

    it("one problem per place: empty text is not also called blank", () => {
      expect(validateAgainstSchema(withGroup({ display_name: "" }))).toStrictEqual([
        valueIssue(["chats", "eng", "display_name"], "chats.eng.display_name must not be empty"),
      ]);
    });

    it("a key not allowed on this kind of chat hides complaints about its value", () => {
      expect(
        validateAgainstSchema({
          version: 1,
          chats: { bob: { type: "direct", participants: "alice", welcome_message: "Hi." } },
        }),
      ).toStrictEqual([
        keyIssue(
          ["chats", "bob", "to"],
          'chat "bob" is a direct chat without "to": name the other person (a phone number in international format or an email)',
        ),
        keyIssue(
          ["chats", "bob", "participants"],
          'chat "bob": "participants" is only allowed on group chats; a direct chat names its one other person in "to"',
        ),
      ]);
    });

    it("a misspelt key hides only the missing-key complaint about the key it resembles", () => {
      // events is missing: the misspelling says so already.
      expect(
        validateAgainstSchema({
          version: 1,
          webhooks: { hook: { target_url: webhook.target_url, evnts: ["message.sent"] } },
        }),
      ).toStrictEqual([
        {
          path: ["webhooks", "hook", "evnts"],
          at: "key",
          message: 'unknown key "evnts" in webhook "hook" (did you mean "events"?)',
          suggests: "events",
        },
      ]);
      // events is present but empty: that is a problem of its own.
      expect(
        validateAgainstSchema(withWebhook({ event: ["message.sent"], events: [] })),
      ).toStrictEqual([
        {
          path: ["webhooks", "hook", "event"],
          at: "key",
          message: 'unknown key "event" in webhook "hook" (did you mean "events"?)',
          suggests: "events",
        },
        valueIssue(
          ["webhooks", "hook", "events"],
          "webhooks.hook.events is empty; a webhook needs at least one event",
        ),
      ]);
    });
  });
});
