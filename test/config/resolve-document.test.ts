/**
 * resolveDocuments over YAML files with positions: how defaults are merged, what a refused
 * entry is still checked for (and what it is not told twice), the cross-document rules
 * (duplicate keys, cards, URLs, secret files, direct chats) with the exact message, file,
 * line and column a user reads, and the order of the diagnostics.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/sync-engine/config/diagnostics.js";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";
import type { SourceDocument } from "../../src/sync-engine/config/document-context.js";
import { parseYamlSource } from "../../src/sync-engine/config/yaml-source.js";

/** A YAML file as the loader hands it over: value, positions and source text. */
function file(origin: string, text: string, baseDir?: string): SourceDocument {
  const parsed = parseYamlSource(text, origin, baseDir);
  if (!parsed.document) throw new Error(`test YAML does not parse: ${origin}`);
  return parsed.document;
}

const resolveFiles = (...docs: SourceDocument[]) => resolveDocuments(docs);

function at(
  severity: Diagnostic["severity"],
  where: `${string}:${number}:${number}`,
  path: string,
  message: string,
): Diagnostic {
  const [name, line, column] = where.split(":") as [string, string, string];
  return { severity, file: name, line: Number(line), column: Number(column), path, message };
}
const error = (where: `${string}:${number}:${number}`, path: string, message: string) =>
  at("error", where, path, message);

/** A group chat without "from", to append under a document's top level. */
const ENG_WITHOUT_FROM = `chats:
  eng:
    type: group
    participants: ["+14155550101", "+14155550102"]
    welcome_message: Hello team.
`;

const NO_SENDING_LINE =
  'chat "eng" has no sending line: set "from" on the chat or "from" in defaults (an E.164 line your API token owns)';

const notAPhone = (where: string, written: string) =>
  `${where}: "${written}" is not a valid phone number: it has too few digits for its country code`;

describe("defaults", () => {
  it("without any defaults, a chat gets the built-in ones", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
chats:
  eng:
    type: group
    from: "+12025550100"
    participants: ["+14155550102", "+14155550101"]
    welcome_message: Hello team.
`,
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.state).toEqual({
      version: 1,
      chats: {
        eng: {
          key: "eng",
          type: "group",
          from: "+12025550100",
          participants: ["+14155550101", "+14155550102"],
          welcome_message: "Hello team.",
          roster: "authoritative",
          readd_left: false,
          share_contact_card: false,
          prevent_destroy: false,
          on_delete: "forget",
        },
      },
      webhooks: {},
      contact_cards: {},
    });
  });

  it.each([
    [
      "null",
      "null",
      'defaults has no entries (YAML reads an empty "defaults:" as null); write "defaults: {}" or leave the key out',
    ],
    [
      "a string",
      '"+12025550100"',
      'defaults must be a mapping (key: value pairs), got the string "+12025550100"',
    ],
    ["a list", '["+12025550100"]', "defaults must be a mapping (key: value pairs), got a list"],
  ])(
    "defaults that are %s are reported once, and a chat relying on them is not told it has no line",
    (_, written, message) => {
      const r = resolveFiles(
        file("a.yaml", `version: 1\ndefaults: ${written}\n${ENG_WITHOUT_FROM}`),
      );
      expect(r.state).toBeUndefined();
      expect(r.diagnostics).toEqual([error("a.yaml:2:11", "/defaults", message)]);
    },
  );

  it("a defaults.from the schema refused silences 'no sending line' for chats relying on it", () => {
    const r = resolveFiles(
      file("a.yaml", `version: 1\ndefaults:\n  from: 12025550100\n${ENG_WITHOUT_FROM}`),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:3:9",
        "/defaults/from",
        "defaults.from must be a string, got number 12025550100; put it in quotes (YAML reads an unquoted +14155550101 as a number)",
      ),
    ]);
  });

  it("defaults without from still leave a chat without from with no sending line, whatever else is wrong in the file", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
defaults:
  roster: additive
${ENG_WITHOUT_FROM}webhooks:
  h:
    target_url: https://hooks.example.com/x
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error("a.yaml:5:3", "/chats/eng", NO_SENDING_LINE),
      error(
        "a.yaml:10:3",
        "/webhooks/h/events",
        'webhook "h" is missing the required key "events"',
      ),
    ]);
  });

  it("a field the schema refused in one copy of the defaults does not make the copies differ", () => {
    const r = resolveFiles(
      file("a.yaml", `version: 1\ndefaults:\n  from: "+12025550100"\n  roster: bogus\n`),
      file("b.yaml", `version: 1\ndefaults:\n  from: "+1 202 555 0100"\n${ENG_WITHOUT_FROM}`),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:4:11",
        "/defaults/roster",
        'defaults.roster must be one of "authoritative", "additive"; got the string "bogus"',
      ),
    ]);
  });

  it("copies whose from lines are both invalid, but different, differ: the second is reported at its defaults key", () => {
    const r = resolveFiles(
      file("a.yaml", `version: 1\ndefaults:\n  from: "+1202"\n`),
      file("b.yaml", `version: 1\ndefaults:\n  from: "+1203"\n`),
    );
    expect(r.diagnostics).toEqual([
      error("a.yaml:3:9", "/defaults/from", notAPhone("defaults.from", "+1202")),
      error(
        "b.yaml:2:1",
        "/defaults",
        "defaults differ from the defaults at a.yaml:2:1; declare defaults in one file, or identically in every file",
      ),
      error("b.yaml:3:9", "/defaults/from", notAPhone("defaults.from", "+1203")),
    ]);
  });
});

describe("entries the schema refused", () => {
  it("a mistake at the top level does not hide the checks of the sections", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `chats:
  eng:
    type: direct
    from: "+1202"
    to: a@example.com
    welcome_message: Hi
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:1:1",
        "/version",
        'missing "version: 1" at the top level; every chatsync file starts with it',
      ),
      error("a.yaml:4:11", "/chats/eng/from", notAPhone("chats.eng.from", "+1202")),
    ]);
  });

  it("a chat that is not a mapping gets the schema's error only", () => {
    const r = resolveFiles(file("a.yaml", `version: 1\nchats:\n  eng: hello\n`));
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:3:8",
        "/chats/eng",
        'chat "eng" must be a mapping (key: value pairs), got the string "hello"',
      ),
    ]);
  });

  it("a chat whose from the schema refused is not also told it has no sending line", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
chats:
  eng:
    type: group
    from: 12025550100
    participants: ["+14155550101", "+14155550102"]
    welcome_message: Hello team.
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:5:11",
        "/chats/eng/from",
        "chats.eng.from must be a string, got number 12025550100; put it in quotes (YAML reads an unquoted +14155550101 as a number)",
      ),
    ]);
  });

  it("a refused chat without from is checked against defaults.from: a participant that is the line is refused", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
defaults:
  from: "+12025550100"
chats:
  eng:
    type: group
    colour: blue
    participants: ["+1 202 555 0100", "+14155550102"]
    welcome_message: Hello team.
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:7:5",
        "/chats/eng/colour",
        'unknown key "colour" in chat "eng"; allowed keys: type, from, display_name, icon, participants, to, roster, readd_left, welcome_message, share_contact_card, location_request, prevent_destroy, on_delete',
      ),
      error(
        "a.yaml:8:20",
        "/chats/eng/participants/0",
        'chats.eng.participants[0]: "+1 202 555 0100" is the chat\'s sending line ("from"); the API adds your line by itself, so leave it out of participants',
      ),
    ]);
  });

  it("a participants list refused as too short still has its handles checked", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
chats:
  eng:
    type: group
    from: "+12025550100"
    participants: ["+1415"]
    welcome_message: Hello team.
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:6:19",
        "/chats/eng/participants",
        'chat "eng" needs at least 2 participants besides the sending line (got 1); for one person use "type: direct" with "to"',
      ),
      error(
        "a.yaml:6:20",
        "/chats/eng/participants/0",
        notAPhone("chats.eng.participants[0]", "+1415"),
      ),
    ]);
  });

  it("a refused contact card still has its image_url checked", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
contact_cards:
  "+12025550100":
    image_url: https://ann:secret@cdn.example.com/ann.png
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:3:3",
        "/contact_cards/+12025550100/first_name",
        'contact card "+12025550100" is missing the required key "first_name"',
      ),
      error(
        "a.yaml:4:16",
        "/contact_cards/+12025550100/image_url",
        'contact_cards["+12025550100"].image_url: "https://[REDACTED]@cdn.example.com/ann.png" carries a user name or password before "@"; remove it — the API does not need it, and chatsync would have to store and show it. A webhook receiver verifies deliveries with the signing secret instead',
      ),
    ]);
  });

  it("an image_url the schema refused is reported by the schema only", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
contact_cards:
  "+12025550100":
    first_name: Ann
    image_url: "http://"
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:5:16",
        "/contact_cards/+12025550100/image_url",
        'contact_cards["+12025550100"].image_url must be an https:// URL, got the string "http://"',
      ),
    ]);
  });

  it("a refused webhook still has its target_url checked", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
webhooks:
  h:
    target_url: https://bot:pw@hooks.example.com/x
    events: [message.sent]
    colour: blue
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:4:17",
        "/webhooks/h/target_url",
        'webhooks.h.target_url: "https://[REDACTED]@hooks.example.com/x" carries a user name or password before "@"; remove it — the API does not need it, and chatsync would have to store and show it. A webhook receiver verifies deliveries with the signing secret instead',
      ),
      error(
        "a.yaml:6:5",
        "/webhooks/h/colour",
        'unknown key "colour" in webhook "h"; allowed keys: target_url, events, phone_numbers, active, secret_file',
      ),
    ]);
  });
});

describe("contact cards across files", () => {
  it("a card declared again is reported at the later key, naming the first, with the line when spelled differently", () => {
    const r = resolveFiles(
      file("a.yaml", `version: 1\ncontact_cards:\n  "+12025550100": { first_name: Ann }\n`),
      file(
        "b.yaml",
        `version: 1\ncontact_cards:\n  "+12025550100": { first_name: Ann }\n  "+14155550101": { first_name: Bob }\n`,
      ),
      file("c.yaml", `version: 1\ncontact_cards:\n  "+1 202 555 0100": { first_name: Ann }\n`),
    );
    expect(r.diagnostics).toEqual([
      error(
        "b.yaml:3:3",
        "/contact_cards/+12025550100",
        'contact card "+12025550100" is declared twice: here and at a.yaml:3:3; each contact card may be declared once across all files',
      ),
      error(
        "c.yaml:3:3",
        "/contact_cards/+1 202 555 0100",
        'contact card "+1 202 555 0100" (+12025550100) is declared twice: here and at a.yaml:3:3; each contact card may be declared once across all files',
      ),
    ]);
  });

  it("keys that are not phone numbers are each reported once, never as duplicates of each other", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1\ncontact_cards:\n  sales: { first_name: Ann }\n  support: { first_name: Bob }\n`,
      ),
    );
    const keyError = (key: string) =>
      `contact card key: "${key}" is not in international format: start it with "+" and the country code, e.g. "+14155550101" (there is no default country); a contact card is keyed by its line's phone number`;
    expect(r.diagnostics).toEqual([
      error("a.yaml:3:3", "/contact_cards/sales", keyError("sales")),
      error("a.yaml:4:3", "/contact_cards/support", keyError("support")),
    ]);
  });

  it("a card refused for its image_url is reported once, not also as missing for the chat sharing it", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
contact_cards:
  "+12025550100":
    first_name: Ann
    image_url: "https://"
chats:
  dm:
    type: direct
    from: "+12025550100"
    to: ann@example.com
    share_contact_card: true
    welcome_message: Hi
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:5:16",
        "/contact_cards/+12025550100/image_url",
        'contact_cards["+12025550100"].image_url: "https://" is not a valid URL; write a full address with a host name, e.g. "https://example.com/path"',
      ),
    ]);
  });
});

describe("webhooks across files", () => {
  const hook = (key: string, url: string, extra = "") =>
    `  ${key}:\n    target_url: ${url}\n    events: [message.sent]\n${extra}`;

  it("one target URL in two webhooks is reported at the later key in key order, naming the earlier one's URL", () => {
    const r = resolveFiles(
      file("a.yaml", `version: 1\nwebhooks:\n${hook("zeta", "https://hooks.example.com/in")}`),
      file("b.yaml", `version: 1\nwebhooks:\n${hook("alpha", "https://HOOKS.example.com:443/in")}`),
    );
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:4:17",
        "/webhooks/zeta/target_url",
        'webhooks.zeta.target_url: the same URL is used by webhook "alpha" at b.yaml:4:17; the API allows each target_url once per account — add a query such as ?line=2 to tell them apart',
      ),
    ]);
  });

  it.each([
    ["relative to the file's folder", "/srv/cfg"],
    ["as written when there is no folder", undefined],
  ])(
    "one secret_file in two webhooks is reported at the later key, showing the file %s",
    (_, baseDir) => {
      const secret = "    secret_file: secrets/hook.key\n";
      const r = resolveFiles(
        file(
          "a.yaml",
          `version: 1\nwebhooks:\n${hook("zeta", "https://hooks.example.com/z", secret)}${hook("alpha", "https://hooks.example.com/a", secret)}`,
          baseDir,
        ),
      );
      expect(r.diagnostics).toEqual([
        error(
          "a.yaml:3:3",
          "/webhooks/zeta",
          'webhook "zeta" writes its signing secret to the same secret_file as webhook "alpha" (secrets/hook.key); give each webhook its own file',
        ),
      ]);
    },
  );

  it("a declared webhook can be imported", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1\nwebhooks:\n${hook("h", "https://hooks.example.com/x")}imports:\n  - { to: webhook.h, id: wh_1 }\n`,
      ),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.state?.imports).toEqual([{ to: "webhook.h", id: "wh_1" }]);
    expect(Object.keys(r.state?.webhooks ?? {})).toEqual(["h"]);
  });
});

describe("rules across files", () => {
  it("imports are checked even when another part of the file has a schema error", () => {
    const r = resolveFiles(
      file(
        "a.yaml",
        `version: 1
webhooks:
  h:
    target_url: https://hooks.example.com/x
imports:
  - { to: chat.eng, id: ch_1 }
`,
      ),
    );
    expect(r.diagnostics).toEqual([
      error("a.yaml:3:3", "/webhooks/h/events", 'webhook "h" is missing the required key "events"'),
      error(
        "a.yaml:6:11",
        "/imports/0/to",
        "imports[0].to: chat.eng is not declared; an import records a live object for a declaration, so declare it first (under chats:)",
      ),
    ]);
  });

  it("a second direct chat to the same person from the same line is reported at its to, naming the first", () => {
    const dm = (key: string, to: string) =>
      `version: 1\ndefaults: { from: "+12025550100" }\nchats:\n  ${key}:\n    type: direct\n    to: ${to}\n    welcome_message: Hi\n`;
    const r = resolveFiles(
      file("a.yaml", dm("ann", "Ann@Example.com")),
      file("b.yaml", dm("ann-again", "ann@example.com")),
    );
    expect(r.diagnostics).toEqual([
      error(
        "b.yaml:6:9",
        "/chats/ann-again/to",
        'chat "ann-again" is a second direct chat from +12025550100 to ann@example.com: chat "ann" at a.yaml:6:9 already is that conversation; a line has one direct chat per person, so keep one of the two declarations',
      ),
    ]);
  });

  it("diagnostics come sorted by file, whatever the order the files were given in", () => {
    const dm = (from: string) =>
      `version: 1\nchats:\n  eng:\n    type: direct\n    from: "${from}"\n    to: a@example.com\n    welcome_message: Hi\n`;
    const r = resolveFiles(file("z.yaml", dm("+1202")), file("a.yaml", dm("+1203")));
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml:3:3",
        "/chats/eng",
        'chat "eng" is declared twice: here and at z.yaml:3:3; each chat may be declared once across all files',
      ),
      error("z.yaml:5:11", "/chats/eng/from", notAPhone("chats.eng.from", "+1202")),
    ]);
  });
});
