import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/sync-engine/config/diagnostics.js";
import {
  DocumentContext,
  type Position,
  type SourceDocument,
} from "../../src/sync-engine/config/document-context.js";
import { parseYamlSource } from "../../src/sync-engine/config/yaml-source.js";

/** A context over YAML text as the loader reads it, with the diagnostics it reported. */
function yamlContext(text: string): { ctx: DocumentContext; sink: Diagnostic[] } {
  const { document } = parseYamlSource(text, "chatsync.yaml");
  if (!document) throw new Error("test YAML did not parse");
  const sink: Diagnostic[] = [];
  return { ctx: new DocumentContext(document, sink), sink };
}

/** A context over a hand-made document (CDK props, or a source text that disagrees). */
function handContext(doc: Partial<SourceDocument>): { ctx: DocumentContext; sink: Diagnostic[] } {
  const sink: Diagnostic[] = [];
  return { ctx: new DocumentContext({ value: {}, origin: "Stack/Chats", ...doc }, sink), sink };
}

const at = (line: number, column: number): Position => ({ line, column });

describe("where a diagnostic points", () => {
  const yaml = "chats:\n  eng:\n    title: Oncall\n";

  it("an error points at the value by default and at the key when asked", () => {
    const { ctx, sink } = yamlContext(yaml);
    ctx.error(["chats", "eng", "title"], "bad title");
    ctx.error(["chats", "eng", "title"], "bad key", "key");
    expect(sink).toEqual([
      {
        severity: "error",
        message: "bad title",
        file: "chatsync.yaml",
        line: 3,
        column: 12,
        path: "/chats/eng/title",
      },
      {
        severity: "error",
        message: "bad key",
        file: "chatsync.yaml",
        line: 3,
        column: 5,
        path: "/chats/eng/title",
      },
    ]);
  });

  it("a warning and a reported diagnostic point at the value unless the key is asked for", () => {
    const { ctx, sink } = yamlContext(yaml);
    ctx.warning(["chats", "eng", "title"], "w");
    ctx.warning(["chats", "eng", "title"], "wk", "key");
    ctx.report("warning", ["chats", "eng", "title"], "r");
    expect(sink.map((d) => [d.severity, d.message, d.line, d.column])).toEqual([
      ["warning", "w", 3, 12],
      ["warning", "wk", 3, 5],
      ["warning", "r", 3, 12],
    ]);
  });

  it("a key anchor falls back to the value's position when the key cannot be located", () => {
    const { ctx } = handContext({ locate: () => at(7, 3), locateKey: () => undefined });
    expect(ctx.position(["a"], "key")).toEqual(at(7, 3));
    expect(ctx.position(["a"])).toEqual(at(7, 3));
  });

  it("a diagnostic of a document without positions names only the file and the path", () => {
    const { ctx, sink } = handContext({ locateKey: () => undefined });
    ctx.error(["chats", "a"], "m", "key");
    expect(sink).toEqual([
      { severity: "error", message: "m", file: "Stack/Chats", path: "/chats/a" },
    ]);
  });
});

describe("placeOf (the other place of a duplicate)", () => {
  it("is file:line:column of the key by default, of the value when asked", () => {
    const { ctx } = yamlContext("chats:\n  eng:\n    title: Oncall\n");
    expect(ctx.placeOf(["chats", "eng", "title"])).toBe("chatsync.yaml:3:5");
    expect(ctx.placeOf(["chats", "eng", "title"], "value")).toBe("chatsync.yaml:3:12");
  });

  it("is the origin and the JSON pointer without positions, / for the whole document", () => {
    const { ctx } = handContext({});
    expect(ctx.placeOf(["chats", "eng"])).toBe("Stack/Chats (/chats/eng)");
    expect(ctx.placeOf([])).toBe("Stack/Chats (/)");
  });
});

describe("errorWithin: the caret under a part of a value", () => {
  it("points at a URL on a later line of a block scalar", () => {
    const { ctx, sink } = yamlContext(
      "chats:\n  eng:\n    welcome_message: |\n      Hello\n      see http://x.example/a\n",
    );
    ctx.errorWithin(["chats", "eng", "welcome_message"], "http://x.example/a", "no URLs");
    expect(sink).toEqual([
      {
        severity: "error",
        message: "no URLs",
        file: "chatsync.yaml",
        line: 5,
        column: 11,
        path: "/chats/eng/welcome_message",
      },
    ]);
  });

  it("searches from the value, not from earlier lines or the key", () => {
    const { ctx } = yamlContext("x: x\ny: xx x\nz: x\n");
    expect(ctx.positionWithin(["x"], "x")).toEqual(at(1, 4));
    expect(ctx.positionWithin(["y"], "x")).toEqual(at(2, 4));
    expect(ctx.positionWithin(["z"], "x")).toEqual(at(3, 4));
  });

  it("finds text that starts right after the value's opening quote", () => {
    const { ctx } = yamlContext('a: 1\nurl: "http://a.example"\n');
    expect(ctx.positionWithin(["url"], "http")).toEqual(at(2, 7));
  });

  it("finds a one-character needle at the end of a line", () => {
    const { ctx } = yamlContext("a: xy\nb: 1\n");
    expect(ctx.positionWithin(["a"], "y")).toEqual(at(1, 5));
  });

  it("counts a blank first line", () => {
    const { ctx } = yamlContext("\nurl: see http://a.example\n");
    expect(ctx.positionWithin(["url"], "http")).toEqual(at(2, 10));
  });

  it("finds a needle on the last line of a file without a final newline", () => {
    const { ctx } = yamlContext("a: 1\nurl: see http://a.example");
    expect(ctx.positionWithin(["url"], "http")).toEqual(at(2, 10));
  });

  it("places a needle that starts with a line break at the end of the line it breaks", () => {
    const { ctx } = yamlContext("a: |\n  one\n  two\n");
    expect(ctx.positionWithin(["a"], "\n  two")).toEqual(at(2, 6));
  });

  it("falls back to the value's start when the needle is not in the value", () => {
    const { ctx } = yamlContext("a: 1\nurl: see http://a.example\n");
    expect(ctx.positionWithin(["url"], "ftp://")).toEqual(at(2, 6));
    expect(ctx.positionWithin(["url"], "")).toEqual(at(2, 6));
  });

  it("falls back to the value's start without source text (CDK constructs)", () => {
    const { ctx } = handContext({ locate: () => at(4, 2) });
    expect(ctx.positionWithin(["a"], "http")).toEqual(at(4, 2));
  });

  it("keeps the value's start when the source text does not reach it", () => {
    const short = handContext({ locate: () => at(5, 3), sourceText: "a: 1\n" });
    expect(short.ctx.positionWithin(["a"], "1")).toEqual(at(5, 3));
    const narrow = handContext({ locate: () => at(1, 10), sourceText: "a: 1\nb: 2\n" });
    expect(narrow.ctx.positionWithin(["a"], "")).toEqual(at(1, 10));
  });

  it("reports without a position when the value has none", () => {
    const { ctx, sink } = handContext({ sourceText: "a: http://x\n" });
    ctx.errorWithin(["a"], "http", "m");
    expect(sink).toEqual([{ severity: "error", message: "m", file: "Stack/Chats", path: "/a" }]);
  });
});
