/**
 * One `chats:` entry → a DesiredChat: what a group and a direct chat resolve to (own settings
 * over defaults, optional fields present only when written), and the message, severity and
 * position of each rule checked on the way. Entries come from real YAML so positions are the
 * ones a user sees; resolveChat is called directly, as resolveDocuments does per entry.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/sync-engine/config/diagnostics.js";
import { DocumentContext } from "../../src/sync-engine/config/document-context.js";
import { resolveChat } from "../../src/sync-engine/config/resolve-chat.js";
import {
  BUILT_IN_DEFAULTS,
  type ResolvedDefaults,
} from "../../src/sync-engine/config/resolve-defaults.js";
import { parseYamlSource } from "../../src/sync-engine/config/yaml-source.js";

const FILE = "chats.yaml";
const LINE = "+12025550100";

/**
 * Resolves chat `key` of a file made of `lines` (line n of the file is lines[n - 1]).
 * Defaults are the built-in ones plus `defaults`.
 */
function resolve(lines: string[], defaults: Partial<ResolvedDefaults> = {}, key = "eng") {
  const parsed = parseYamlSource(lines.join("\n") + "\n", FILE);
  expect(parsed.diagnostics).toEqual([]);
  const doc = parsed.document!;
  const diagnostics: Diagnostic[] = [];
  const chats = (doc.value as { chats: Record<string, Record<string, unknown>> }).chats;
  const chat = resolveChat(new DocumentContext(doc, diagnostics), key, chats[key]!, {
    ...BUILT_IN_DEFAULTS,
    ...defaults,
  });
  return { chat, diagnostics };
}

const at = (
  severity: "error" | "warning",
  path: string,
  line: number,
  column: number,
  message: string,
): Diagnostic => ({ severity, message, file: FILE, line, column, path });

describe("group chats", () => {
  it("a group takes roster, readd_left, on_delete, share_contact_card and prevent_destroy from defaults, and has no optional field it does not write", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: group",
        "    participants: ['+1 (415) 555-0102', '+14155550101']",
      ],
      {
        from: LINE,
        roster: "additive",
        readd_left: true,
        share_contact_card: true,
        prevent_destroy: true,
      },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.chat).toStrictEqual({
      key: "eng",
      share_contact_card: true,
      prevent_destroy: true,
      type: "group",
      from: LINE,
      participants: ["+14155550101", "+14155550102"],
      roster: "additive",
      readd_left: true,
      on_delete: "forget",
    });
  });

  it("a group's own settings win over defaults, and its display name, icon and welcome message are kept", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: group",
        "    from: '+1 202 555 0199'",
        "    participants: ['+14155550101', '+14155550102', 'Ann@Example.com']",
        "    display_name: Engineering",
        "    icon: https://example.com/eng.png",
        "    welcome_message: Welcome aboard.",
        "    roster: authoritative",
        "    readd_left: false",
        "    on_delete: leave",
        "    share_contact_card: false",
        "    prevent_destroy: false",
      ],
      {
        from: LINE,
        roster: "additive",
        readd_left: true,
        on_delete: "forget",
        share_contact_card: true,
        prevent_destroy: true,
      },
    );
    // Three participants and your line make the four members a group needs to be left.
    expect(r.diagnostics).toEqual([]);
    expect(r.chat).toStrictEqual({
      key: "eng",
      welcome_message: "Welcome aboard.",
      share_contact_card: false,
      prevent_destroy: false,
      type: "group",
      from: "+12025550199",
      participants: ["+14155550101", "+14155550102", "ann@example.com"],
      roster: "authoritative",
      readd_left: false,
      on_delete: "leave",
      display_name: "Engineering",
      icon: "https://example.com/eng.png",
    });
  });

  it("a participant that is the sending line is refused at that participant, and the group does not resolve", () => {
    const r = resolve([
      "chats:",
      "  eng:",
      "    type: group",
      "    from: '+12025550100'",
      "    participants:",
      "      - '+14155550101'",
      "      - '+1 202-555-0100'",
    ]);
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/participants/1",
        7,
        9,
        'chats.eng.participants[1]: "+1 202-555-0100" is the chat\'s sending line ("from"); the API adds your line by itself, so leave it out of participants',
      ),
    ]);
  });

  it("on_delete: leave written on a group too small to be left warns at on_delete, counting your line", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: group",
        "    participants: ['+14155550101', '+14155550102']",
        "    on_delete: leave",
      ],
      { from: LINE },
    );
    expect(r.diagnostics).toEqual([
      at(
        "warning",
        "/chats/eng/on_delete",
        5,
        16,
        'chat "eng" has on_delete: leave, but the API can only leave groups with at least 4 members counting your line (this one has 3); removing it later will fail to leave — add participants or use on_delete: forget',
      ),
    ]);
    expect(r.chat).toMatchObject({ type: "group", on_delete: "leave" });
  });

  it("on_delete: leave inherited from defaults on a group too small to be left warns at the chat's key", () => {
    const r = resolve(
      ["chats:", "  eng:", "    type: group", "    participants: ['+14155550101', '+14155550102']"],
      { from: LINE, on_delete: "leave" },
    );
    expect(r.diagnostics).toEqual([
      at(
        "warning",
        "/chats/eng",
        2,
        3,
        'chat "eng" has on_delete: leave, but the API can only leave groups with at least 4 members counting your line (this one has 3); removing it later will fail to leave — add participants or use on_delete: forget',
      ),
    ]);
    expect(r.chat).toMatchObject({ type: "group", on_delete: "leave" });
  });

  it("a group without a sending line reports it at the chat's key and does not resolve", () => {
    const r = resolve([
      "chats:",
      "  eng:",
      "    type: group",
      "    participants: ['+14155550101', '+14155550102']",
    ]);
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng",
        2,
        3,
        'chat "eng" has no sending line: set "from" on the chat or "from" in defaults (an E.164 line your API token owns)',
      ),
    ]);
  });

  it("a group relying on a defaults.from that was already refused does not resolve and says nothing more", () => {
    const r = resolve(
      ["chats:", "  eng:", "    type: group", "    participants: ['+14155550101', '+14155550102']"],
      { fromInvalid: true },
    );
    expect(r).toEqual({ chat: undefined, diagnostics: [] });
  });

  it("a group whose participants were refused by the schema does not resolve", () => {
    const r = resolve(["chats:", "  eng:", "    type: group"], { from: LINE });
    expect(r).toEqual({ chat: undefined, diagnostics: [] });
  });

  it("a group with an invalid participant reports it and does not resolve", () => {
    const r = resolve(
      ["chats:", "  eng:", "    type: group", "    participants: ['+14155550101', 'bob@x']"],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/participants/1",
        4,
        36,
        'chats.eng.participants[1]: "bob@x" is not a valid email address (expected name@example.com)',
      ),
    ]);
  });

  it("a group with an icon that is not a usable URL reports it at the icon and does not resolve", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: group",
        "    participants: ['+14155550101', '+14155550102']",
        "    icon: https:///eng.png",
      ],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/icon",
        5,
        11,
        'chats.eng.icon: "https:///eng.png" is not a valid URL; write a full address with a host name, e.g. "https://example.com/path"',
      ),
    ]);
  });

  it("a group with a refused welcome message does not resolve", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: group",
        "    participants: ['+14155550101', '+14155550102']",
        "    welcome_message: see example.com",
      ],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ["error", "/chats/eng/welcome_message"],
    ]);
  });
});

describe("the sending line", () => {
  it("a chat's own from wins over defaults.from and is normalized", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    from: '+1 (202) 555-0199'",
        "    to: '+14155550101'",
      ],
      { from: LINE },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.chat).toMatchObject({ from: "+12025550199" });
  });

  it("a from that is possible but not assigned warns at from, and the chat still uses it", () => {
    const r = resolve([
      "chats:",
      "  eng:",
      "    type: direct",
      "    from: '+11235550100'",
      "    to: '+14155550101'",
    ]);
    expect(r.diagnostics).toEqual([
      at(
        "warning",
        "/chats/eng/from",
        4,
        11,
        'chats.eng.from: "+11235550100" has a possible length but is not an assigned number for country code +1 according to the phone-number metadata; check it for typos',
      ),
    ]);
    expect(r.chat).toMatchObject({ from: "+11235550100" });
  });

  it("an invalid from is reported at from, even with a valid defaults.from, and the chat does not resolve", () => {
    const r = resolve(
      ["chats:", "  eng:", "    type: direct", "    from: '+1202'", "    to: '+14155550101'"],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/from",
        4,
        11,
        'chats.eng.from: "+1202" is not a valid phone number: it has too few digits for its country code',
      ),
    ]);
  });
});

describe("direct chats", () => {
  it("a direct chat resolves with its other person, no location request and on_delete forget", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    to: '+1 415 555 0101'",
        "    welcome_message: Hi there.",
      ],
      { from: LINE, share_contact_card: true, prevent_destroy: true, on_delete: "leave" },
    );
    // defaults.on_delete: leave does not apply: the API cannot leave a direct chat.
    expect(r.diagnostics).toEqual([]);
    expect(r.chat).toStrictEqual({
      key: "eng",
      welcome_message: "Hi there.",
      share_contact_card: true,
      prevent_destroy: true,
      type: "direct",
      from: LINE,
      to: "+14155550101",
      location_request: false,
      on_delete: "forget",
    });
  });

  it("a direct chat keeps its own location_request, share_contact_card and prevent_destroy", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    to: Ann@Example.com",
        "    location_request: true",
        "    share_contact_card: false",
        "    prevent_destroy: false",
        "    on_delete: forget",
      ],
      { from: LINE, share_contact_card: true, prevent_destroy: true },
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.chat).toStrictEqual({
      key: "eng",
      share_contact_card: false,
      prevent_destroy: false,
      type: "direct",
      from: LINE,
      to: "ann@example.com",
      location_request: true,
      on_delete: "forget",
    });
  });

  it("on_delete: leave written on a direct chat warns at on_delete and the chat forgets instead", () => {
    const r = resolve(
      ["chats:", "  eng:", "    type: direct", "    to: '+14155550101'", "    on_delete: leave"],
      { from: LINE },
    );
    expect(r.diagnostics).toEqual([
      at(
        "warning",
        "/chats/eng/on_delete",
        5,
        16,
        "chats.eng.on_delete: the API cannot leave direct chats; removing this declaration will forget the chat instead (set on_delete: forget to silence this)",
      ),
    ]);
    expect(r.chat).toMatchObject({ type: "direct", on_delete: "forget" });
  });

  it("an invalid to is reported at to and the chat does not resolve", () => {
    const r = resolve(["chats:", "  eng:", "    type: direct", "    to: bob@x"], { from: LINE });
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/to",
        4,
        9,
        'chats.eng.to: "bob@x" is not a valid email address (expected name@example.com)',
      ),
    ]);
  });

  it("a to that is the sending line, spelled differently, is refused at to", () => {
    const r = resolve(["chats:", "  eng:", "    type: direct", "    to: '+1 202 555 0100'"], {
      from: LINE,
    });
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/to",
        4,
        9,
        'chats.eng.to: "+1 202 555 0100" is the chat\'s sending line ("from"); a direct chat needs another person',
      ),
    ]);
  });

  it("a to with a lookalike-letter warning is reported at to, and the chat still resolves to it", () => {
    const r = resolve(["chats:", "  eng:", "    type: direct", "    to: pаul@example.com"], {
      from: LINE,
    });
    expect(r.diagnostics).toEqual([
      at(
        "warning",
        "/chats/eng/to",
        4,
        9,
        'chats.eng.to: "pаul@example.com" mixes Latin and Cyrillic letters, which can look identical (a homoglyph); check that it is the address you mean',
      ),
    ]);
    expect(r.chat).toMatchObject({ to: "pаul@example.com" });
  });

  it("a direct chat whose to was refused by the schema does not resolve and says nothing more", () => {
    const r = resolve(["chats:", "  eng:", "    type: direct"], { from: LINE });
    expect(r).toEqual({ chat: undefined, diagnostics: [] });
  });

  it("a direct chat without a sending line does not resolve", () => {
    const r = resolve(["chats:", "  eng:", "    type: direct", "    to: '+14155550101'"], {
      fromInvalid: true,
    });
    expect(r).toEqual({ chat: undefined, diagnostics: [] });
  });

  it("a direct chat with a refused welcome message does not resolve", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    to: '+14155550101'",
        "    welcome_message: see example.com",
      ],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ["error", "/chats/eng/welcome_message"],
    ]);
  });

  it("an entry whose type the schema refused resolves to nothing and adds no diagnostic of its own", () => {
    const r = resolve(["chats:", "  eng:", "    to: '+14155550101'", "    on_delete: leave"], {
      from: LINE,
    });
    expect(r).toEqual({ chat: undefined, diagnostics: [] });
  });
});

describe("welcome messages", () => {
  it("a URL in a welcome message is refused with the API's error, the caret under the URL", () => {
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    to: '+14155550101'",
        "    welcome_message: Hello! Read https://example.com/rules first.",
      ],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/welcome_message",
        5,
        34,
        'chats.eng.welcome_message: the first message of a chat may not contain a URL (found "https://example.com/rules"); the API would refuse to create the chat (error 1005)',
      ),
    ]);
  });

  it("a welcome message too long for the API (in UTF-16 units) is refused at the start of its value, whatever words it holds", () => {
    // 10,029 UTF-16 units: the schema counts 5,029 characters, the API counts units.
    const text = `Launch date still undefined. ${"🎉".repeat(5000)}`;
    const r = resolve(
      [
        "chats:",
        "  eng:",
        "    type: direct",
        "    to: '+14155550101'",
        `    welcome_message: ${text}`,
      ],
      { from: LINE },
    );
    expect(r.chat).toBeUndefined();
    expect(r.diagnostics).toEqual([
      at(
        "error",
        "/chats/eng/welcome_message",
        5,
        22,
        "chats.eng.welcome_message: a text part may have at most 10000 characters; the API would refuse to create the chat (error 1004)",
      ),
    ]);
  });
});
