/**
 * The `imports:` and `moved:` lists: the messages and positions a user reads for each rule,
 * phone spellings in contact card addresses, and the order of the resulting lists.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/sync-engine/config/diagnostics.js";
import { DocumentContext } from "../../src/sync-engine/config/document-context.js";
import {
  resolveImports,
  resolveMoves,
  type ListSource,
} from "../../src/sync-engine/config/resolve-imports-and-moves.js";

const COLUMN: Record<string, number> = { to: 7, id: 11, from: 9 };

/**
 * A document whose entry i sits on line 10 + i; values start at a column that depends on the
 * field, keys at column 3 (so a position taken from the key instead of the value shows).
 */
function source(origin: string, entries: unknown[], sink: Diagnostic[]): ListSource {
  const ctx = new DocumentContext(
    {
      origin,
      value: {},
      locate: (p) => ({ line: 10 + Number(p[1]), column: COLUMN[String(p[2])] ?? 1 }),
      locateKey: (p) => ({ line: 10 + Number(p[1]), column: 3 }),
    },
    sink,
  );
  return { ctx, entries };
}

/** Runs one list's resolver over documents given as [origin, entries], collecting diagnostics. */
function resolveList<T>(
  resolve: (sources: ListSource[], declared: ReadonlySet<string>) => T,
  declared: string[],
  docs: Array<[string, unknown[]]>,
) {
  const diagnostics: Diagnostic[] = [];
  const result = resolve(
    docs.map(([origin, entries]) => source(origin, entries, diagnostics)),
    new Set(declared),
  );
  return { result, diagnostics };
}

const imports = (declared: string[], ...docs: Array<[string, unknown[]]>) =>
  resolveList(resolveImports, declared, docs);
const moves = (declared: string[], ...docs: Array<[string, unknown[]]>) =>
  resolveList(resolveMoves, declared, docs);

const error = (file: string, path: string, line: number, column: number, message: string) => ({
  severity: "error",
  file,
  path,
  line,
  column,
  message,
});

/** Values that are not entries, or entries lacking a string field: the schema reports them. */
const notEntries = (fields: Record<string, string>) => [
  null,
  "chat.eng",
  Object.assign(["x"], fields),
  Object.assign(() => undefined, fields),
];

describe("imports:", () => {
  it("reports an import of an undeclared chat at its to, naming where to declare it", () => {
    const r = imports([], ["a.yaml", [{ to: "chat.eng", id: "chat-1" }]]);
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/imports/0/to",
        10,
        7,
        "imports[0].to: chat.eng is not declared; an import records a live object for a declaration, so declare it first (under chats:)",
      ),
    ]);
  });

  it("tells to declare an undeclared contact card under contact_cards, with its line normalized", () => {
    const r = imports(
      [],
      ["a.yaml", [{ to: "chat.eng", id: "c1" }]],
      ["b.yaml", [{ to: "contact_card.+1 (415) 555-0101", id: "+14155550101" }]],
    );
    expect(r.result).toEqual([]);
    expect(r.diagnostics.map((d) => [d.file, d.message])).toEqual([
      [
        "a.yaml",
        "imports[0].to: chat.eng is not declared; an import records a live object for a declaration, so declare it first (under chats:)",
      ],
      [
        "b.yaml",
        "imports[0].to: contact_card.+14155550101 is not declared; an import records a live object for a declaration, so declare it first (under contact_cards:)",
      ],
    ]);
  });

  it("imports a contact card by its own line, whatever the spelling of either", () => {
    const r = imports(
      ["contact_card.+14155550101"],
      ["a.yaml", [{ to: "contact_card.+1 (415) 555-0101", id: "+1 415-555-0101" }]],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.result).toEqual([{ to: "contact_card.+14155550101", id: "+14155550101" }]);
  });

  it("rejects a contact card imported by another line or by a non-phone id, at its id", () => {
    const r = imports(
      ["contact_card.+14155550101"],
      [
        "a.yaml",
        [
          { to: "contact_card.+14155550101", id: "+14155550102" },
          { to: "contact_card.+14155550101", id: "card-7" },
        ],
      ],
    );
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/imports/0/id",
        10,
        11,
        "imports[0].id: a contact card is imported by its line; for contact_card.+14155550101 the id is +14155550101",
      ),
      error(
        "a.yaml",
        "/imports/1/id",
        11,
        11,
        "imports[1].id: a contact card is imported by its line; for contact_card.+14155550101 the id is +14155550101",
      ),
    ]);
  });

  it("reports an address imported twice across documents, naming the first entry's to", () => {
    const r = imports(
      ["chat.eng", "contact_card.+14155550101"],
      [
        "a.yaml",
        [
          { to: "chat.ops", id: "x" },
          { to: "chat.eng", id: "c1" },
          { to: "contact_card.+14155550101", id: "+14155550101" },
        ],
      ],
      [
        "b.yaml",
        [
          { to: "chat.eng", id: "c2" },
          { to: "contact_card.+1 415 555 0101", id: "+1 415 555 0101" },
        ],
      ],
    );
    expect(r.result).toEqual([
      { to: "chat.eng", id: "c1" },
      { to: "contact_card.+14155550101", id: "+14155550101" },
    ]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ file: "a.yaml", path: "/imports/0/to" }),
      error(
        "b.yaml",
        "/imports/0/to",
        10,
        7,
        "imports[0].to: chat.eng is imported twice: here and at a.yaml:11:7; keep one entry",
      ),
      error(
        "b.yaml",
        "/imports/1/to",
        11,
        7,
        "imports[1].to: contact_card.+14155550101 is imported twice: here and at a.yaml:12:7; keep one entry",
      ),
    ]);
  });

  it("reports one id imported for two addresses of a kind, naming the first entry's id", () => {
    const r = imports(
      ["chat.eng", "chat.ops", "chat.web"],
      ["a.yaml", [{ to: "chat.eng", id: "c1" }]],
      [
        "b.yaml",
        [
          { to: "chat.web", id: "c3" },
          { to: "chat.ops", id: "c1" },
        ],
      ],
    );
    expect(r.result).toEqual([
      { to: "chat.eng", id: "c1" },
      { to: "chat.web", id: "c3" },
    ]);
    expect(r.diagnostics).toEqual([
      error(
        "b.yaml",
        "/imports/1/id",
        11,
        11,
        "imports[1].id: c1 is imported twice, as chat.ops here and as chat.eng at a.yaml:10:11; one live object belongs to one address",
      ),
    ]);
  });

  it("accepts one id for addresses of different kinds", () => {
    const r = imports(
      ["chat.eng", "webhook.eng"],
      [
        "a.yaml",
        [
          { to: "chat.eng", id: "same" },
          { to: "webhook.eng", id: "same" },
        ],
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.result).toEqual([
      { to: "chat.eng", id: "same" },
      { to: "webhook.eng", id: "same" },
    ]);
  });

  it("leaves addresses of other kinds as written, even when their key ends like a phone number", () => {
    const r = imports(
      ["chat.abcdefgh+14155550101"],
      ["a.yaml", [{ to: "chat.abcdefgh+14155550101", id: "c1" }]],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.result).toEqual([{ to: "chat.abcdefgh+14155550101", id: "c1" }]);
  });

  it("returns the imports sorted by address, whatever the order of documents and entries", () => {
    const r = imports(
      ["chat.ops", "chat.eng", "webhook.a", "contact_card.+14155550101", "chat.zeta"],
      [
        "a.yaml",
        [
          { to: "webhook.a", id: "w1" },
          { to: "chat.ops", id: "c2" },
        ],
      ],
      [
        "b.yaml",
        [
          { to: "chat.zeta", id: "c3" },
          { to: "contact_card.+14155550101", id: "+14155550101" },
          { to: "chat.eng", id: "c1" },
        ],
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.result.map((i) => i.to)).toEqual([
      "chat.eng",
      "chat.ops",
      "chat.zeta",
      "contact_card.+14155550101",
      "webhook.a",
    ]);
  });
});

describe("moved:", () => {
  it("reports a move to the same address, also when only the phone spelling differs", () => {
    const r = moves(
      ["chat.eng", "contact_card.+14155550101"],
      [
        "a.yaml",
        [
          { from: "chat.eng", to: "chat.eng" },
          { from: "contact_card.+1 415 555 0101", to: "contact_card.+14155550101" },
        ],
      ],
    );
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/to",
        10,
        7,
        "moved[0].to: chat.eng is the same address as from; remove this entry",
      ),
      error(
        "a.yaml",
        "/moved/1/to",
        11,
        7,
        "moved[1].to: contact_card.+14155550101 is the same address as from; remove this entry",
      ),
    ]);
  });

  it("reports a move across kinds at its to", () => {
    const r = moves(["webhook.eng"], ["a.yaml", [{ from: "chat.eng", to: "webhook.eng" }]]);
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/to",
        10,
        7,
        "moved[0].to: chat.eng cannot move to webhook.eng: a move keeps the kind of object",
      ),
    ]);
  });

  it("reports a move of a contact card at its from, with the line normalized", () => {
    const r = moves(
      ["contact_card.+14155550102"],
      ["a.yaml", [{ from: "contact_card.+1 (415) 555-0101", to: "contact_card.+14155550102" }]],
    );
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/from",
        10,
        9,
        "moved[0].from: contact_card.+14155550101 cannot move: a contact card's address is its line, and a card cannot change line",
      ),
    ]);
  });

  it("reports an address moved twice across documents, naming the first entry's from", () => {
    const r = moves(
      ["chat.new", "chat.other"],
      [
        "a.yaml",
        [
          { from: "chat.x", to: "chat.other" },
          { from: "chat.old", to: "chat.new" },
        ],
      ],
      ["b.yaml", [{ from: "chat.old", to: "chat.elsewhere" }]],
    );
    expect(r.result).toEqual([
      { from: "chat.old", to: "chat.new" },
      { from: "chat.x", to: "chat.other" },
    ]);
    expect(r.diagnostics).toEqual([
      error(
        "b.yaml",
        "/moved/0/from",
        10,
        9,
        "moved[0].from: chat.old is moved twice: here and at a.yaml:11:9; keep one entry",
      ),
    ]);
  });

  it("reports two addresses moving to one, naming the first entry's to", () => {
    const r = moves(
      ["chat.new"],
      [
        "a.yaml",
        [
          { from: "chat.a", to: "chat.new" },
          { from: "chat.b", to: "chat.new" },
        ],
      ],
    );
    expect(r.result).toEqual([{ from: "chat.a", to: "chat.new" }]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/1/to",
        11,
        7,
        "moved[1].to: two addresses move to chat.new: here and at a.yaml:10:7; one state entry can become chat.new",
      ),
    ]);
  });

  it("reports a chain at the to of the move that leads into another move", () => {
    const r = moves(
      ["chat.c"],
      ["a.yaml", [{ from: "chat.a", to: "chat.b" }]],
      [
        "b.yaml",
        [
          { from: "chat.z", to: "chat.q" },
          { from: "chat.b", to: "chat.c" },
        ],
      ],
    );
    expect(r.result).toEqual([{ from: "chat.b", to: "chat.c" }]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/to",
        10,
        7,
        "moved: chat.a → chat.b chains into the move of chat.b at b.yaml:11:9; chains and cycles are not allowed — move each old address directly to its final one",
      ),
      error(
        "b.yaml",
        "/moved/0/to",
        10,
        7,
        "moved[0].to: chat.q is not declared; declare the new key, then move the old one to it",
      ),
    ]);
  });

  it("reports both moves of a cycle", () => {
    const r = moves(
      ["chat.a", "chat.b"],
      [
        "a.yaml",
        [
          { from: "chat.a", to: "chat.b" },
          { from: "chat.b", to: "chat.a" },
        ],
      ],
    );
    expect(r.result).toEqual([]);
    expect(r.diagnostics.map((d) => [d.path, d.line, d.column, d.message])).toEqual([
      [
        "/moved/0/to",
        10,
        7,
        "moved: chat.a → chat.b chains into the move of chat.b at a.yaml:11:9; chains and cycles are not allowed — move each old address directly to its final one",
      ],
      [
        "/moved/1/to",
        11,
        7,
        "moved: chat.b → chat.a chains into the move of chat.a at a.yaml:10:9; chains and cycles are not allowed — move each old address directly to its final one",
      ],
    ]);
  });

  it("reports a moved address that is still declared, suggesting the new key", () => {
    const r = moves(["chat.old", "chat.new"], ["a.yaml", [{ from: "chat.old", to: "chat.new" }]]);
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/from",
        10,
        9,
        "moved[0].from: chat.old is still declared; a moved address must no longer be declared (rename its key to new)",
      ),
    ]);
  });

  it("reports a move to an undeclared address at its to", () => {
    const r = moves([], ["a.yaml", [{ from: "webhook.old", to: "webhook.new" }]]);
    expect(r.result).toEqual([]);
    expect(r.diagnostics).toEqual([
      error(
        "a.yaml",
        "/moved/0/to",
        10,
        7,
        "moved[0].to: webhook.new is not declared; declare the new key, then move the old one to it",
      ),
    ]);
  });

  it("returns the valid moves sorted by old address", () => {
    const r = moves(
      ["chat.x", "chat.y", "chat.z", "webhook.y"],
      [
        "a.yaml",
        [
          { from: "webhook.b", to: "webhook.y" },
          { from: "chat.c", to: "chat.z" },
        ],
      ],
      [
        "b.yaml",
        [
          { from: "chat.d", to: "chat.y" },
          { from: "chat.a", to: "chat.x" },
        ],
      ],
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.result).toEqual([
      { from: "chat.a", to: "chat.x" },
      { from: "chat.c", to: "chat.z" },
      { from: "chat.d", to: "chat.y" },
      { from: "webhook.b", to: "webhook.y" },
    ]);
  });
});

/** Both lists, for the rules they share. */
const lists: Array<{
  list: string;
  run: (declared: string[], ...docs: Array<[string, unknown[]]>) => { result: unknown[] };
  fields: Record<string, string>;
  declared: string;
}> = [
  { list: "imports", run: imports, fields: { to: "chat.eng", id: "c1" }, declared: "chat.eng" },
  { list: "moved", run: moves, fields: { from: "chat.old", to: "chat.new" }, declared: "chat.new" },
];

describe.each(lists)("$list:", ({ run, fields, declared }) => {
  it("skips entries that are not objects with both string fields, leaving them to the schema", () => {
    const [first, second] = Object.keys(fields) as [string, string];
    const r = run(
      [declared],
      [
        "a.yaml",
        [
          ...notEntries(fields),
          { [first]: fields[first] },
          { [second]: fields[second] },
          { ...fields, [first]: 5 },
          { ...fields, [second]: 5 },
        ],
      ],
    );
    expect(r).toEqual({ result: [], diagnostics: [] });
  });
});
