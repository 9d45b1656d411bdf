/**
 * One YAML file → a SourceDocument with positions, refusing hostile or ambiguous input
 * before it reaches validation: oversized files, multi-document streams, custom tags,
 * duplicate keys, `__proto__` keys, alias bombs, unquoted "+1…" keys that YAML reads as numbers.
 */
import {
  Alias,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLError,
  type YAMLMap,
} from "yaml";
import type { Diagnostic } from "./diagnostics.js";
import type { Position, SourceDocument } from "./document-context.js";

/** Files above this are refused before parsing (a desired state is a few KiB). */
export const MAX_CONFIG_FILE_BYTES = 5 * 1024 * 1024;
/** Aliases a document may expand; far above honest use, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;
/** Nesting levels of lists and mappings; a chatsync file needs five. Deeper input would only
 * exhaust the stack of the parser or of the checks after it. */
export const MAX_NESTING_DEPTH = 64;

const TOO_DEEP = `the YAML nests lists and mappings more than ${MAX_NESTING_DEPTH} levels deep; a chatsync file needs only a few levels — check for unbalanced brackets`;

export interface ParsedYaml {
  document?: SourceDocument;
  diagnostics: Diagnostic[];
}

function positionAt(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

function problem(
  origin: string,
  pos: Position | undefined,
  message: string,
  path = "",
): Diagnostic {
  return {
    severity: "error",
    message,
    file: origin,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    path,
  };
}

/** The tags of plain data. The core schema knows more (`!!set`, `!!omap`, `!!binary`,
 * `!!timestamp`, `!!merge`, …), and each changes what a value means: a `!!set` of chats reads
 * as no chats at all. */
const PLAIN_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`),
);

function tagNotAllowed(tag: string): string {
  return `the tag ${tag.replace(/^tag:yaml\.org,2002:/, "!!")} is not allowed: chatsync files are plain YAML (strings, numbers, booleans, lists and mappings)`;
}

function describeYamlError(e: YAMLError, source: string): string {
  const first = e.message.split("\n")[0] ?? e.message;
  switch (e.code) {
    case "TAG_RESOLVE_FAILED": {
      // The parser's wording varies by case ("Unresolved tag: !x", "The !! tag has no
      // suffix", "Set items must…"); it always points at the tag, written as the user wrote it.
      const written = /^!\S*/.exec(source.slice(e.pos[0]))?.[0];
      if (written === undefined) return `invalid YAML: ${first}`;
      // `!!int x`: a tag of plain data that does not fit its value.
      if (PLAIN_TAGS.has(written.replace(/^!!/, "tag:yaml.org,2002:")))
        return `the value after ${written} is not of that type; write a value of that type, or drop the tag`;
      return tagNotAllowed(written);
    }
    default:
      return `invalid YAML: ${first}${syntaxHint(e.code, first)}`;
  }
}

/**
 * Where to point for a parser error. An unclosed quote is reported at the end of the file,
 * where it is noticed; the useful place is the opening quote, which is the last quote of that
 * kind before the end (any later one would have closed the string).
 */
function errorOffset(e: YAMLError, source: string): number {
  const quote = /Missing closing (["'])quote/.exec(e.message)?.[1];
  if (e.code !== "MISSING_CHAR" || quote === undefined) return e.pos[0];
  for (let i = Math.min(e.pos[0], source.length) - 1; i >= 0; i--) {
    if (source[i] !== quote) continue;
    // Escaped quotes inside the string: \" in double quotes, '' in single quotes.
    if (quote === '"' && source[i - 1] === "\\") continue;
    if (quote === "'" && source[i - 1] === "'") {
      i--;
      continue;
    }
    return i;
  }
  return e.pos[0];
}

/** What usually causes the parser's complaint in a hand-written chatsync file. */
function syntaxHint(code: string, message: string): string {
  switch (code) {
    case "TAB_AS_INDENT":
      return "; indent with spaces";
    case "BAD_INDENT":
      return "; indent the keys of one mapping by the same number of spaces";
    case "BLOCK_AS_IMPLICIT_KEY":
      return '; a value that contains ": " must be quoted, e.g. welcome_message: "Hello: team"';
    case "MISSING_CHAR":
      return /quote/i.test(message)
        ? "; a quoted value must end with the same quote it starts with"
        : "; check the quotes and commas of this list or mapping";
    default:
      return "";
  }
}

/** Pairs of each mapping by key, built on first use: a diagnostic per entry of a mapping
 * with thousands of entries must not search it linearly each time. */
const pairIndex = new WeakMap<object, Map<string, Pair>>();

function pairOf(map: YAMLMap, segment: string | number): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      // Keys were checked to be unique scalars before any lookup happens.
      if (isScalar(pair.key) && !index.has(String(pair.key.value))) {
        index.set(String(pair.key.value), pair as Pair);
      }
    }
    pairIndex.set(map, index);
  }
  return index.get(String(segment));
}

/** Walks the AST along a data path; aliases are followed to their anchors. */
function nodeAt(
  doc: Document,
  path: readonly (string | number)[],
): { node?: Node; keyNode?: Node } {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = (node as Alias).resolve(doc);
    if (isMap(node)) {
      const pair = pairOf(node as YAMLMap, seg);
      if (!pair) return {};
      keyNode = pair.key as Node;
      node = pair.value ?? undefined;
      if (node === undefined) return { keyNode };
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return {};
      node = item;
      keyNode = item as Node;
    } else {
      return {};
    }
  }
  return { node: node as Node, keyNode };
}

function rangeStart(node: Node | undefined): number | undefined {
  return node?.range?.[0];
}

/** The first collection nested deeper than MAX_NESTING_DEPTH, found without recursion. */
function tooDeep(doc: Document): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING_DEPTH) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Where the tag of a node that starts at `start` is written: one of the two tokens before
 * it (a node's range begins after its tag and its anchor, in either order). */
function tagStart(source: string, start: number | undefined): number | undefined {
  if (start === undefined) return undefined;
  let end = start;
  for (let tokens = 0; tokens < 2; tokens++) {
    while (/\s/.test(source.charAt(end - 1))) end--;
    let token = end;
    while (token > 0 && !/\s/.test(source.charAt(token - 1))) token--;
    if (source[token] === "!") return token;
    end = token;
  }
  return start;
}

/** A key's name: as written for a number written with "+", which is a phone number. */
function keyAsWritten(key: Scalar): string {
  return typeof key.value === "number" && /^\s*\+/.test(key.source ?? "")
    ? (key.source ?? "").trim()
    : String(key.value);
}

/** AST checks that the data alone cannot show. */
function checkNodes(
  doc: Document,
  source: string,
  lc: LineCounter,
  origin: string,
): { diagnostics: Diagnostic[]; fatal: boolean } {
  const out: Diagnostic[] = [];
  let fatal = false;
  const refuseTag = (node: Node): void => {
    if (node.tag === undefined || PLAIN_TAGS.has(node.tag)) return;
    const start = tagStart(source, rangeStart(node));
    out.push(
      problem(
        origin,
        start === undefined ? undefined : positionAt(lc, start),
        tagNotAllowed(node.tag),
      ),
    );
    fatal = true;
  };
  visit(doc, {
    Scalar(_, scalar) {
      refuseTag(scalar);
    },
    Seq(_, seq) {
      refuseTag(seq);
    },
    Map(_, map) {
      refuseTag(map);
      // Our own duplicate check: the parser's (uniqueKeys) compares every key with every
      // other, which takes seconds on a large file. This one also names the first place.
      const first = new Map<string, Node>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = keyAsWritten(pair.key);
        const earlier = first.get(name);
        if (earlier === undefined) {
          first.set(name, pair.key);
          continue;
        }
        const at = positionAt(lc, rangeStart(earlier) ?? 0);
        const start = rangeStart(pair.key);
        out.push(
          problem(
            origin,
            start === undefined ? undefined : positionAt(lc, start),
            `duplicate key ${JSON.stringify(name)} in a mapping (first at line ${at.line}, column ${at.column}): each key may appear once (YAML would otherwise keep only one of them silently)`,
          ),
        );
        fatal = true;
      }
    },
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) {
        const start = rangeStart(pair.key as Node | undefined);
        out.push(
          problem(
            origin,
            start === undefined ? undefined : positionAt(lc, start),
            "mapping keys must be plain strings, not lists or mappings",
          ),
        );
        fatal = true;
        return;
      }
      const key = pair.key;
      if (key.tag !== undefined && !PLAIN_TAGS.has(key.tag)) return; // refused for its tag
      const start = rangeStart(key as Node);
      const pos = start === undefined ? undefined : positionAt(lc, start);
      const written = keyAsWritten(key);
      if (key.value === "__proto__") {
        out.push(
          problem(
            origin,
            pos,
            'the key "__proto__" is not allowed (it could alter object prototypes)',
          ),
        );
        fatal = true;
      } else if (written !== String(key.value)) {
        out.push(
          problem(
            origin,
            pos,
            `the key ${written} is read by YAML as the number ${key.value}; quote it: "${written}"`,
          ),
        );
        // Keep the key as written so the rest of the file is still checked without a
        // second, confusing error about the number.
        key.value = written;
      } else if (key.value === null || typeof key.value === "object") {
        out.push(problem(origin, pos, "a mapping key is empty"));
        fatal = true;
      }
    },
  });
  return { diagnostics: out, fatal };
}

function emptyFile(origin: string): Diagnostic {
  return problem(
    origin,
    { line: 1, column: 1 },
    'the file is empty; a chatsync file starts with "version: 1"',
  );
}

export function parseYamlSource(text: string, origin: string, baseDir?: string): ParsedYaml {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lc = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(source, {
      lineCounter: lc,
      uniqueKeys: false, // checked in checkNodes, in linear time
      prettyErrors: false,
      schema: "core",
      merge: false,
      strict: true,
      version: "1.2",
    });
  } catch (err) {
    // The parser records most stack overflows as document errors (below); this catches the rest.
    if (err instanceof RangeError) {
      return { diagnostics: [problem(origin, { line: 1, column: 1 }, TOO_DEEP)] };
    }
    throw err;
  }
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) return { diagnostics: [emptyFile(origin)] };
  const diagnostics: Diagnostic[] = [];
  if (list.length > 1) {
    const second = list[1] as Document;
    const start = second.range?.[0] ?? 0;
    diagnostics.push(
      problem(
        origin,
        positionAt(lc, start),
        "a chatsync file holds one YAML document; split multiple documents (---) into separate files",
      ),
    );
    return { diagnostics };
  }
  const doc = list[0] as Document;
  // After a stack overflow the parser's other complaints are consequences of it; one is enough.
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) {
    return { diagnostics: [problem(origin, positionAt(lc, overflow.pos[0]), TOO_DEEP)] };
  }
  // One mistake can be both an error and a warning of the parser ("!!" alone): say it once.
  const said = new Set<string>();
  for (const e of [...doc.errors, ...doc.warnings]) {
    const d = problem(origin, positionAt(lc, errorOffset(e, source)), describeYamlError(e, source));
    const key = `${d.line}:${d.column} ${d.message}`;
    if (!said.has(key)) diagnostics.push(d);
    said.add(key);
  }
  if (diagnostics.length > 0) return { diagnostics };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { diagnostics: [emptyFile(origin)] };
  }
  const deep = tooDeep(doc);
  if (deep !== undefined) {
    return { diagnostics: [problem(origin, positionAt(lc, rangeStart(deep) ?? 0), TOO_DEEP)] };
  }
  const nodeProblems = checkNodes(doc, source, lc, origin);
  diagnostics.push(...nodeProblems.diagnostics);
  if (nodeProblems.fatal) return { diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const reason = (err as Error).message;
    // "Unresolved alias (the anchor must be set before the alias): x"
    const unresolved = /^Unresolved alias.*: (.*)$/.exec(reason)?.[1];
    // Point at that alias, or for too many expansions at the first alias (the root included).
    let aliasPos: Position | undefined;
    visit(doc, {
      Alias(_, node) {
        if (aliasPos === undefined && (unresolved ?? node.source) === node.source && node.range)
          aliasPos = positionAt(lc, node.range[0]);
      },
    });
    const message =
      unresolved !== undefined
        ? `the alias *${unresolved} has no anchor &${unresolved} before it; set the anchor first, or write the value out`
        : /alias/i.test(reason)
          ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}): the anchors and aliases (&, *) in this file expand exponentially; write the values out instead`
          : `cannot read the YAML: ${reason}`;
    return { diagnostics: [problem(origin, aliasPos ?? { line: 1, column: 1 }, message)] };
  }

  const locate = (path: readonly (string | number)[]): Position | undefined => {
    const { node, keyNode } = nodeAt(doc, path);
    const start = rangeStart(node) ?? rangeStart(keyNode);
    return start === undefined ? undefined : positionAt(lc, start);
  };
  const locateKey = (path: readonly (string | number)[]): Position | undefined => {
    if (path.length === 0) return positionAt(lc, rangeStart(doc.contents as Node) ?? 0);
    const { node, keyNode } = nodeAt(doc, path);
    const start = rangeStart(keyNode) ?? rangeStart(node);
    // A key that is missing: point at the key of its parent.
    return start !== undefined ? positionAt(lc, start) : locateKey(path.slice(0, -1));
  };
  const document: SourceDocument = {
    value,
    origin,
    sourceText: source,
    ...(baseDir !== undefined ? { baseDir } : {}),
    locate,
    locateKey,
  };
  return { document, diagnostics };
}
