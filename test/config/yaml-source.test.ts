/**
 * One YAML file → a document with positions, or the problems that stop it: what
 * parseYamlSource reports (exact messages and where), and where locate/locateKey point.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_ALIAS_COUNT,
  MAX_NESTING_DEPTH,
  parseYamlSource,
} from "../../src/sync-engine/config/yaml-source.js";
import type { SourceDocument } from "../../src/sync-engine/config/document-context.js";

type Reported = [line: number | undefined, column: number | undefined, message: string];

/** What a user sees of each diagnostic: where, and what. */
function reported(text: string): Reported[] {
  return parseYamlSource(text, "f.yaml").diagnostics.map((d) => [d.line, d.column, d.message]);
}

/** The parsed document of text that must parse cleanly. */
function parsed(text: string): SourceDocument {
  const r = parseYamlSource(text, "f.yaml");
  expect(r.diagnostics).toEqual([]);
  expect(r.document).toBeDefined();
  return r.document as SourceDocument;
}

const EMPTY = 'the file is empty; a chatsync file starts with "version: 1"';
const ONE_DOCUMENT =
  "a chatsync file holds one YAML document; split multiple documents (---) into separate files";
const TOO_DEEP = `the YAML nests lists and mappings more than ${MAX_NESTING_DEPTH} levels deep; a chatsync file needs only a few levels — check for unbalanced brackets`;
const TOO_MANY_ALIASES = `too many alias expansions (more than ${MAX_ALIAS_COUNT}): the anchors and aliases (&, *) in this file expand exponentially; write the values out instead`;
const tagRefused = (tag: string) =>
  `the tag ${tag} is not allowed: chatsync files are plain YAML (strings, numbers, booleans, lists and mappings)`;
const duplicate = (key: string, line: number, column: number) =>
  `duplicate key "${key}" in a mapping (first at line ${line}, column ${column}): each key may appear once (YAML would otherwise keep only one of them silently)`;
const NOT_PLAIN_KEY = "mapping keys must be plain strings, not lists or mappings";
const EMPTY_KEY = "a mapping key is empty";
const UNCLOSED = (q: string) =>
  `invalid YAML: Missing closing ${q}quote; a quoted value must end with the same quote it starts with`;

describe("parseYamlSource: a clean file", () => {
  it("returns the data, the origin and the source text, with no diagnostics", () => {
    const r = parseYamlSource("version: 1\nchats: {}\n", "cfg/main.yaml");
    expect(r.diagnostics).toEqual([]);
    expect(r.document?.value).toEqual({ version: 1, chats: {} });
    expect(r.document?.origin).toBe("cfg/main.yaml");
    expect(r.document?.sourceText).toBe("version: 1\nchats: {}\n");
  });

  it("keeps the folder for relative paths only when one is given", () => {
    const without = parseYamlSource("version: 1\n", "a.yaml").document as SourceDocument;
    expect(Object.hasOwn(without, "baseDir")).toBe(false);
    const withDir = parseYamlSource("version: 1\n", "a.yaml", "/etc/chatsync").document;
    expect(withDir?.baseDir).toBe("/etc/chatsync");
  });

  it("drops a leading byte-order mark from the text and from the positions", () => {
    const doc = parsed("\uFEFFversion: 1\nchats: {}\n");
    expect(doc.sourceText).toBe("version: 1\nchats: {}\n");
    expect(doc.locateKey?.(["version"])).toEqual({ line: 1, column: 1 });
    expect(doc.locate?.(["version"])).toEqual({ line: 1, column: 10 });
  });

  it("counts lines of a CRLF file like those of an LF file", () => {
    const doc = parsed("version: 1\r\nchats:\r\n  a: [x, y]\r\n");
    expect(doc.locateKey?.(["chats", "a"])).toEqual({ line: 3, column: 3 });
    expect(doc.locate?.(["chats", "a", 1])).toEqual({ line: 3, column: 10 });
    expect(reported("a: 1\r\nb: 2\r\na: 3\r\n")).toEqual([[3, 1, duplicate("a", 1, 1)]]);
  });

  it("reads YAML 1.2 core scalars: yes stays a string, 0o17 is octal, 1e+3 is a number", () => {
    expect(parsed("a: yes\nb: 0o17\nc: 017\n1e+3: x\n").value).toEqual({
      a: "yes",
      b: 15,
      c: 17,
      "1000": "x",
    });
  });

  it("does not expand merge keys: << stays an ordinary key", () => {
    expect(parsed("a: &x {b: 1}\nc:\n  <<: *x\n").value).toEqual({
      a: { b: 1 },
      c: { "<<": { b: 1 } },
    });
  });

  it("accepts one document with explicit start and end markers", () => {
    expect(parsed("---\nversion: 1\n...\n").value).toEqual({ version: 1 });
  });

  it("returns a document whose whole content is one scalar (validation judges it later)", () => {
    expect(parsed("hello\n").value).toBe("hello");
    expect(parsed("0\n").value).toBe(0);
  });
});

describe("parseYamlSource: empty files and several documents", () => {
  it.each([
    ["no text", ""],
    ["a byte-order mark only", "\uFEFF"],
    ["comments only", "# nothing yet\n"],
    ["a bare ~", "~\n"],
    ["a bare null", "null\n"],
  ])("calls a file with %s empty, at line 1, column 1", (_, text) => {
    const r = parseYamlSource(text, "empty.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: "error", message: EMPTY, file: "empty.yaml", line: 1, column: 1, path: "" },
    ]);
  });

  it("reports a second document once, where it starts", () => {
    expect(reported("version: 1\n---\nchats: {}\n---\nx: 1\n")).toEqual([[2, 1, ONE_DOCUMENT]]);
    expect(reported("# head\nversion: 1\n--- # next\nchats: {}\n")).toEqual([[3, 1, ONE_DOCUMENT]]);
  });
});

describe("parseYamlSource: tags", () => {
  it.each([
    ["a local tag", "a: !foo bar\n", "!foo"],
    ["an unknown standard tag, shortened to !!", "a: !!python/object x\n", "!!python/object"],
    ["a verbatim tag, as written", "a: !<tag:yaml.org,2002:foo> x\n", "!<tag:yaml.org,2002:foo>"],
    [
      "a verbatim tag of another namespace",
      "a: !<tag:example.com,2000:x> x\n",
      "!<tag:example.com,2000:x>",
    ],
    ["an empty verbatim tag", "a: !<!> x\n", "!<!>"],
    ["the bare !! handle, once", "a: !! x\n", "!!"],
    ["a named handle without a %TAG directive", "a: !e!x y\n", "!e!x"],
  ])("refuses %s, naming it at the tag", (_, text, tag) => {
    const r = parseYamlSource(text, "t.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: "error", message: tagRefused(tag), file: "t.yaml", line: 1, column: 4, path: "" },
    ]);
  });

  // The core schema resolves these, and each changes what a value means: a !!set of chats
  // would read as no chats at all, and !!merge would merge although merge keys are off.
  it.each([
    ["!!set", "version: 1\nchats: !!set {a}\n", 2, 8],
    ["!!omap", "chats: !!omap\n  - a: {}\n", 1, 8],
    ["!!pairs", "chats: !!pairs [a: {}]\n", 1, 8],
    ["!!binary", "welcome: !!binary aGk=\n", 1, 10],
    ["!!timestamp", "at: !!timestamp 2001-12-14\n", 1, 5],
    ["!!merge", "c:\n  !!merge <<: {a: 1}\n", 2, 3],
    ["!!set", "c: !!set &s {a}\n", 1, 4],
    ["!!set", "c: &s !!set {a}\n", 1, 7],
    ["!!set", "!!set {a}\n", 1, 1],
  ])(
    "refuses the standard tag %s, which is not plain data, at the tag",
    (tag, text, line, column) => {
      expect(reported(text)).toEqual([[line, column, tagRefused(tag)]]);
    },
  );

  it("accepts the tags of plain data", () => {
    const r = parseYamlSource(
      "a: !!str 5\nb: !!int '7'\nc: !!seq [!!bool true, !!null ~]\nd: !!map {e: !!float 1.5}\n",
      "p.yaml",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.document?.value).toEqual({ a: "5", b: 7, c: [true, null], d: { e: 1.5 } });
  });

  it("says when a value does not fit a tag of plain data, at the tag", () => {
    expect(reported("a: 1\nb: !!int x\n")).toEqual([
      [
        2,
        4,
        "the value after !!int is not of that type; write a value of that type, or drop the tag",
      ],
    ]);
  });

  it("reports each of several parser problems at its own place", () => {
    expect(reported("a: !foo x\nb: !bar y\n")).toEqual([
      [1, 4, tagRefused("!foo")],
      [2, 4, tagRefused("!bar")],
    ]);
    // The same mistake on two lines, or twice on one line, is two problems.
    expect(reported("a: !foo x\nb: !foo y\nc: [!foo x, !foo y]\n")).toEqual([
      [1, 4, tagRefused("!foo")],
      [2, 4, tagRefused("!foo")],
      [3, 5, tagRefused("!foo")],
      [3, 13, tagRefused("!foo")],
    ]);
  });

  it("refuses a tag on a collection, at the tag", () => {
    expect(reported("version: 1\nchats: !chats\n  a: {}\n")).toEqual([
      [2, 8, tagRefused("!chats")],
    ]);
  });

  it("refuses a standard tag whose content the parser rejects without naming a tag, without throwing", () => {
    const r = parseYamlSource("a: !!set {x: 1}\n", "s.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ line: 1, column: 4 });
    expect(r.diagnostics[0]?.message).toMatch(
      /^the tag .*is not allowed: chatsync files are plain YAML/,
    );
  });
});

describe("parseYamlSource: syntax errors carry a hint for hand-written files", () => {
  it.each<[string, string, Reported[]]>([
    [
      "a tab as indentation",
      "a:\n\tb: 1\n",
      [[2, 1, "invalid YAML: Tabs are not allowed as indentation; indent with spaces"]],
    ],
    [
      "keys of one mapping at different columns",
      "chats:\n  a: 1\n b: 2\n",
      [
        [
          3,
          1,
          "invalid YAML: All mapping items must start at the same column; indent the keys of one mapping by the same number of spaces",
        ],
      ],
    ],
    [
      "an unquoted value containing ': '",
      "welcome_message: Hello: team\n",
      [
        [
          1,
          18,
          'invalid YAML: Nested mappings are not allowed in compact mappings; a value that contains ": " must be quoted, e.g. welcome_message: "Hello: team"',
        ],
      ],
    ],
    [
      "a flow list without its closing bracket",
      "[a b\n",
      [
        [
          2,
          1,
          "invalid YAML: Flow sequence must end with a ]; check the quotes and commas of this list or mapping",
        ],
      ],
    ],
    [
      "a comment glued to a quoted value (strict YAML)",
      'a: "b"#c\n',
      [
        [
          1,
          7,
          "invalid YAML: Comments must be separated from other tokens by white space characters; check the quotes and commas of this list or mapping",
        ],
      ],
    ],
    [
      "a closing bracket without an opening one (no hint)",
      "a: ]\n",
      [[1, 4, 'invalid YAML: Unexpected flow-seq-end token in YAML stream: "]"']],
    ],
    [
      "a second mapping on the line of a value (two problems, in order)",
      "a: b\n c: d\n",
      [
        [
          1,
          4,
          'invalid YAML: Nested mappings are not allowed in compact mappings; a value that contains ": " must be quoted, e.g. welcome_message: "Hello: team"',
        ],
        [1, 4, "invalid YAML: Implicit keys need to be on a single line"],
      ],
    ],
  ])("reports %s", (_, text, expected) => {
    const r = parseYamlSource(text, "s.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual(expected);
    expect(r.diagnostics.every((d) => d.path === "" && d.file === "s.yaml")).toBe(true);
  });

  it("accepts an implicit key of 1024 characters and refuses one of 1025 (no hint)", () => {
    expect(parsed(`${"k".repeat(1024)}: 1\n`).value).toEqual({ ["k".repeat(1024)]: 1 });
    expect(reported(`${"k".repeat(1025)}: 1\n`)).toEqual([
      [
        1,
        1,
        "invalid YAML: The : indicator must be at most 1024 chars after the start of an implicit block mapping key",
      ],
    ]);
  });
});

describe("parseYamlSource: an unclosed quote is reported at its opening quote", () => {
  it.each<[string, string, number, number, string]>([
    ["a double quote", 'version: 1\nname: "abc\n', 2, 7, '"'],
    ["a single quote", "version: 1\nname: 'abc\n", 2, 7, "'"],
    ["a double quote with escaped quotes inside", 'name: "say \\"hi\\" now\n', 1, 7, '"'],
    ["a single quote with doubled quotes inside", "name: 'it''s, isn''t it\n", 1, 7, "'"],
    ["a quote that opens the file", '"abc\n', 1, 1, '"'],
    ["a double quote after closed ones", 'a: "x"\nb: "y\n', 2, 4, '"'],
    ["a single quote after closed ones", "a: 'x'\nb: 'y''z\n", 2, 4, "'"],
  ])("%s", (_, text, line, column, quote) => {
    expect(reported(text)).toEqual([[line, column, UNCLOSED(quote)]]);
  });

  it("but not an error about other text that merely mentions an unclosed quote", () => {
    expect(reported("x: 'a'\nb: |2 Missing closing 'quote\n  text\n")).toEqual([
      [2, 7, "invalid YAML: Not a YAML token: Missing closing 'quote"],
    ]);
  });

  it("even when the value ends at a less indented line that holds more quotes", () => {
    // The parser notices the missing quote at the end of line 2, not at the end of the file.
    expect(reported('a:\n  b: "x\n"c": "1"\n')).toEqual([[2, 6, UNCLOSED('"')]]);
    expect(reported("a:\n  b: 'x\n'c': '1'\n")).toEqual([[2, 6, UNCLOSED("'")]]);
  });
});

describe("parseYamlSource: keys", () => {
  it("refuses a duplicate key, naming where it first appeared", () => {
    const r = parseYamlSource("version: 1\nchats:\n  a: {}\n  b: {}\n  a: {}\n", "d.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message: duplicate("a", 3, 3),
        file: "d.yaml",
        line: 5,
        column: 3,
        path: "",
      },
    ]);
  });

  it("refuses duplicates in flow mappings, and keys that are the same number", () => {
    expect(reported("x: {k: 1, j: 2, k: 3}\n")).toEqual([[1, 17, duplicate("k", 1, 5)]]);
    expect(reported("1: a\n0x1: b\n")).toEqual([[2, 1, duplicate("1", 1, 1)]]);
  });

  it("refuses lists and mappings used as keys, each where it starts", () => {
    const r = parseYamlSource("? [a]\n: 1\n? {b: 2}\n: 3\n", "k.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: "error", message: NOT_PLAIN_KEY, file: "k.yaml", line: 1, column: 3, path: "" },
      { severity: "error", message: NOT_PLAIN_KEY, file: "k.yaml", line: 3, column: 3, path: "" },
    ]);
  });

  it("refuses a flow mapping used as a key", () => {
    expect(reported("version: 1\n{a: 1}: 2\n")).toEqual([[2, 1, NOT_PLAIN_KEY]]);
  });

  it.each<[string, string, number, number]>([
    ["a missing key", "version: 1\n: 1\n", 2, 1],
    ["an explicit key with nothing after ?", "? \n: 1\n", 1, 3],
    ["a key written ~", "~: x\n", 1, 1],
    ["a key written null", "version: 1\nnull: x\n", 2, 1],
    ["a missing key in a flow mapping", "{ : x }\n", 1, 2],
  ])("refuses %s as an empty key", (_, text, line, column) => {
    const r = parseYamlSource(text, "e.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: "error", message: EMPTY_KEY, file: "e.yaml", line, column, path: "" },
    ]);
  });

  it("refuses a key that YAML reads as binary data rather than text, once, at its tag", () => {
    const r = parseYamlSource("? !!binary aGk=\n: x\n", "b.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 3, tagRefused("!!binary")],
    ]);
  });

  it("refuses __proto__ as a key without polluting Object.prototype", () => {
    const r = parseYamlSource(
      "version: 1\nwebhooks:\n  __proto__:\n    sneaked_in: true\n",
      "p.yaml",
    );
    expect(r.document).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message: 'the key "__proto__" is not allowed (it could alter object prototypes)',
        file: "p.yaml",
        line: 3,
        column: 3,
        path: "",
      },
    ]);
    expect(({} as Record<string, unknown>).sneaked_in).toBeUndefined();
  });

  it("reports unquoted +1… keys but keeps them as written, so the rest is still checked", () => {
    const r = parseYamlSource(
      "version: 1\ncontact_cards:\n  +12025550100: {first_name: A}\n  ? { +1 : x }\n  : 1\n",
      "n.yaml",
    );
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message:
          'the key +12025550100 is read by YAML as the number 12025550100; quote it: "+12025550100"',
        file: "n.yaml",
        line: 3,
        column: 3,
        path: "",
      },
      { severity: "error", message: NOT_PLAIN_KEY, file: "n.yaml", line: 4, column: 5, path: "" },
      {
        severity: "error",
        message: 'the key +1 is read by YAML as the number 1; quote it: "+1"',
        file: "n.yaml",
        line: 4,
        column: 7,
        path: "",
      },
    ]);
  });

  it("keeps the document of an unquoted +1… key, with the key as written", () => {
    const r = parseYamlSource("contact_cards:\n  +12025550100: {first_name: A}\n", "n.yaml");
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([[2, 3]]);
    expect(r.document?.value).toEqual({ contact_cards: { "+12025550100": { first_name: "A" } } });
  });

  it("does not mistake a number with a + inside it for a +… key", () => {
    expect(parsed("1e+3: a\n2E+2: b\n").value).toEqual({ "1000": "a", "200": "b" });
  });
});

describe("parseYamlSource: nesting and aliases", () => {
  const nestedKey = (levels: number) =>
    `version: 1\n? ${"[".repeat(levels)}${"]".repeat(levels)}\n: 1\n`;
  const nestedValue = (levels: number) =>
    `version: 1\nx: ${"[".repeat(levels)}${"]".repeat(levels)}\n`;

  it(`accepts values nested ${MAX_NESTING_DEPTH} levels deep and refuses one more, at that level`, () => {
    // The document is level 1: x holds level 2, so 63 brackets reach level 64.
    expect(parsed(nestedValue(MAX_NESTING_DEPTH - 1)).value).toMatchObject({ version: 1 });
    // The 64th bracket (level 65) is at column 4 + 63.
    expect(reported(nestedValue(MAX_NESTING_DEPTH))).toEqual([[2, 67, TOO_DEEP]]);
  });

  it("counts the levels inside keys too, before judging the key", () => {
    expect(reported(nestedKey(MAX_NESTING_DEPTH - 1))).toEqual([[2, 3, NOT_PLAIN_KEY]]);
    expect(reported(nestedKey(MAX_NESTING_DEPTH))).toEqual([[2, 66, TOO_DEEP]]);
    expect(reported(nestedKey(MAX_NESTING_DEPTH + 1))).toEqual([[2, 66, TOO_DEEP]]);
  });

  it("reports brackets too deep for the parser's stack once, not each error that follows", () => {
    // Deep enough to exhaust the parser's stack, whose errors cascade.
    const r = parseYamlSource(`x: ${"[".repeat(50_000)}\n`, "deep.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, TOO_DEEP]]);
  });

  it("reports nesting too deep for the parser's stack once, with the same message", () => {
    const r = parseYamlSource(`version: 1\nx:\n  ${"- ".repeat(3000)}y\n`, "deep.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[3, TOO_DEEP]]);
  });

  it(`expands an anchor ${MAX_ALIAS_COUNT - 1} times, and refuses the ${MAX_ALIAS_COUNT}th alias at the first one`, () => {
    // YAML counts the anchor itself as one use.
    const aliases = (n: number) => `a: &a x\nb: [${Array(n).fill("*a").join(", ")}]\n`;
    expect((parsed(aliases(MAX_ALIAS_COUNT - 1)).value as { b: string[] }).b).toHaveLength(99);
    expect(reported(aliases(MAX_ALIAS_COUNT))).toEqual([[2, 5, TOO_MANY_ALIASES]]);
  });

  it("points an alias bomb at its first alias", () => {
    const bomb = [
      "version: 1",
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
    ].join("\n");
    expect(reported(bomb)).toEqual([[3, 8, TOO_MANY_ALIASES]]);
  });

  it("names an alias without an anchor, at the alias", () => {
    expect(reported("a: 1\nb:\n  c: *nope\n")).toEqual([
      [
        3,
        6,
        "the alias *nope has no anchor &nope before it; set the anchor first, or write the value out",
      ],
    ]);
    // Only the alias without an anchor, and its first use.
    expect(reported("a: &x 1\nb: *x\nc: *nope\nd: *nope\n")).toEqual([
      [
        3,
        4,
        "the alias *nope has no anchor &nope before it; set the anchor first, or write the value out",
      ],
    ]);
    // The whole document an alias: it is the alias to point at.
    expect(reported("  *root\n")).toEqual([
      [
        1,
        3,
        "the alias *root has no anchor &root before it; set the anchor first, or write the value out",
      ],
    ]);
    expect(reported("b: *x\na: &x 1\n")).toEqual([
      [
        1,
        4,
        "the alias *x has no anchor &x before it; set the anchor first, or write the value out",
      ],
    ]);
  });
});

describe("locate and locateKey", () => {
  const doc = parsed(
    [
      "# settings of the team", // 1
      "version: 1", // 2
      "chats:", // 3
      "  team:", // 4
      "    type: group", // 5
      "    participants:", // 6
      '      - "+14155550101"', // 7
      "      - second", // 8
      "    flow: [x, {k: v}]", // 9
      "    empty:", // 10
      "    ? bare", // 11
      "  copy: &c {type: direct}", // 12
      "  alias: *c", // 13
    ].join("\n") + "\n",
  );
  const at = (line: number, column: number) => ({ line, column });

  it.each<[string, (string | number)[], ReturnType<typeof at> | undefined, ReturnType<typeof at>]>([
    ["the document", [], at(2, 1), at(2, 1)],
    ["a top-level scalar", ["version"], at(2, 10), at(2, 1)],
    ["a nested mapping", ["chats", "team"], at(5, 5), at(4, 3)],
    ["a scalar two levels down", ["chats", "team", "type"], at(5, 11), at(5, 5)],
    ["a block list", ["chats", "team", "participants"], at(7, 7), at(6, 5)],
    ["a quoted list item", ["chats", "team", "participants", 0], at(7, 9), at(7, 9)],
    ["a plain list item", ["chats", "team", "participants", 1], at(8, 9), at(8, 9)],
    ["an item of a flow list", ["chats", "team", "flow", 0], at(9, 12), at(9, 12)],
    [
      "a value in a flow mapping in a flow list",
      ["chats", "team", "flow", 1, "k"],
      at(9, 19),
      at(9, 16),
    ],
    ["a key with an empty value", ["chats", "team", "empty"], at(10, 11), at(10, 5)],
    ["a key with no value at all", ["chats", "team", "bare"], at(11, 7), at(11, 7)],
    ["an anchored mapping", ["chats", "copy", "type"], at(12, 19), at(12, 13)],
    ["an alias (at the alias)", ["chats", "alias"], at(13, 10), at(13, 3)],
    [
      "a value reached through an alias (at the anchor)",
      ["chats", "alias", "type"],
      at(12, 19),
      at(12, 13),
    ],
  ])("point at %s", (_, path, value, key) => {
    expect(doc.locate?.(path)).toEqual(value);
    expect(doc.locateKey?.(path)).toEqual(key);
  });

  it.each<[string, (string | number)[], ReturnType<typeof at>]>([
    ["a missing top-level key", ["nope"], at(2, 1)],
    ["a missing key under a missing key", ["chats", "nope", "x"], at(3, 1)],
    ["a list item past the end", ["chats", "team", "participants", 2], at(6, 5)],
    ["a key under a scalar", ["chats", "team", "type", "x"], at(5, 5)],
    ["a key under a top-level scalar", ["version", "x"], at(2, 1)],
  ])("find no value for %s, and point locateKey at the nearest key above", (_, path, key) => {
    expect(doc.locate?.(path)).toBeUndefined();
    expect(doc.locateKey?.(path)).toEqual(key);
  });

  it("point below a key with no value at that key", () => {
    expect(doc.locate?.(["chats", "team", "bare", "deeper"])).toEqual(at(11, 7));
    expect(doc.locateKey?.(["chats", "team", "bare", "deeper"])).toEqual(at(11, 7));
  });

  it("point a document without a leading comment at line 1", () => {
    const plain = parsed("version: 1\nchats: {}\n");
    expect(plain.locateKey?.([])).toEqual(at(1, 1));
    expect(plain.locateKey?.(["nope"])).toEqual(at(1, 1));
    expect(plain.locate?.(["chats"])).toEqual(at(2, 8));
  });

  it('an unquoted +1 and a quoted "+1" are one key written twice', () => {
    const r = parseYamlSource('a:\n  +1: x\n  "+1": y\n', "n.yaml");
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [
        3,
        3,
        'duplicate key "+1" in a mapping (first at line 2, column 3): each key may appear once (YAML would otherwise keep only one of them silently)',
      ],
      [2, 3, 'the key +1 is read by YAML as the number 1; quote it: "+1"'],
    ]);
  });
});
