import { describe, expect, it } from "vitest";
import {
  caretSnippet,
  compareDiagnostics,
  formatDiagnostic,
  MAX_SNIPPET_WIDTH,
  type Diagnostic,
} from "../../src/sync-engine/config/diagnostics.js";
import { MAX_SHOWN_CHARACTERS, showValue } from "../../src/sync-engine/config/shown-value.js";
import { closestMatch, editDistance } from "../../src/sync-engine/config/did-you-mean.js";

const source = "version: 1\nchats:\n  eng:\n\tpartcipants: []\n";
const d: Diagnostic = {
  severity: "error",
  message: 'unknown key "partcipants"',
  file: "chatsync.yaml",
  line: 4,
  column: 2,
  path: "/chats/eng/partcipants",
};

describe("formatDiagnostic", () => {
  it("prints file:line:column, severity and message, then the line with a caret", () => {
    expect(formatDiagnostic(d, { sourceText: source })).toBe(
      'chatsync.yaml:4:2: error: unknown key "partcipants"\n4 | \tpartcipants: []\n  | \t^',
    );
  });

  it("prints only the first line without source text", () => {
    expect(formatDiagnostic({ ...d, severity: "warning" })).toBe(
      'chatsync.yaml:4:2: warning: unknown key "partcipants"',
    );
  });

  it("names the path when there is no position (CDK constructs)", () => {
    expect(
      formatDiagnostic({ severity: "error", message: "m", file: "Stack/Chats", path: "/chats/a" }),
    ).toBe("Stack/Chats (/chats/a): error: m");
  });

  it("prints the bare message when there is no place at all", () => {
    expect(formatDiagnostic({ severity: "error", message: "no chatsync.yaml", path: "" })).toBe(
      "error: no chatsync.yaml",
    );
  });

  it("colours only when asked", () => {
    expect(formatDiagnostic(d, { color: true, sourceText: source })).toContain("\u001b[31m");
    expect(formatDiagnostic(d, { color: false, sourceText: source })).not.toContain("\u001b[");
  });

  it("shows a window around the column of a very long line", () => {
    const line = `key: ${"a".repeat(500)}X${"b".repeat(500)}`;
    const column = line.indexOf("X") + 1;
    const [src, caret] = caretSnippet(line, 1, column)!.split("\n") as [string, string];
    expect(src.length).toBeLessThanOrEqual(MAX_SNIPPET_WIDTH + 6);
    expect(src.startsWith("1 | …")).toBe(true);
    expect(src.endsWith("…")).toBe(true);
    // The caret sits exactly under the X.
    expect(src[caret.indexOf("^")]).toBe("X");
  });

  it("keeps a short line whole", () => {
    expect(caretSnippet("a: b", 1, 4)).toBe("1 | a: b\n  |    ^");
  });

  it("has no snippet for a line past the end", () => {
    expect(caretSnippet("a\n", 5, 1)).toBeUndefined();
  });

  it("orders by file, then position", () => {
    const a = { ...d, line: 2 };
    const b = { ...d, line: 10 };
    const c = { ...d, file: "a.yaml", line: 30 };
    expect([b, a, c].sort(compareDiagnostics)).toEqual([c, a, b]);
  });
});

describe("where and how a diagnostic is shown", () => {
  it("names the JSON pointer alone when there is a path but no file", () => {
    expect(formatDiagnostic({ severity: "warning", message: "m", path: "/chats/a" })).toBe(
      "/chats/a: warning: m",
    );
  });

  it("keeps the line breaks of a multi-line message and escapes other controls", () => {
    expect(formatDiagnostic({ ...d, message: "first\nsecond\u0007" })).toBe(
      "chatsync.yaml:4:2: error: first\nsecond\\u0007",
    );
  });

  it("prints no snippet when the line is past the end of the source text", () => {
    expect(formatDiagnostic({ ...d, line: 40 }, { sourceText: source })).toBe(
      'chatsync.yaml:40:2: error: unknown key "partcipants"',
    );
  });

  const bold = (s: string): string => `\u001b[1m${s}\u001b[22m`;
  const red = (s: string): string => `\u001b[31m${s}\u001b[39m`;
  const yellow = (s: string): string => `\u001b[33m${s}\u001b[39m`;

  it("colours the caret of an error bold red", () => {
    const caret = formatDiagnostic(d, { color: true, sourceText: source }).split("\n")[2];
    expect(caret).toBe(`  | \t${bold(red("^"))}`);
  });

  it("colours the caret of a warning bold yellow", () => {
    const w: Diagnostic = { ...d, severity: "warning" };
    const lines = formatDiagnostic(w, { color: true, sourceText: source }).split("\n");
    expect(lines[0]).toBe(
      `${bold("chatsync.yaml:4:2")}: ${yellow(bold("warning"))}: unknown key "partcipants"`,
    );
    expect(lines[2]).toBe(`  | \t${bold(yellow("^"))}`);
  });
});

describe("caretSnippet on long lines", () => {
  /** A line whose every character tells its place: a..z repeated. */
  const letters = (n: number): string =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");

  it("does not cut a line exactly MAX_SNIPPET_WIDTH characters long", () => {
    const line = letters(MAX_SNIPPET_WIDTH);
    expect(caretSnippet(line, 1, MAX_SNIPPET_WIDTH)).toBe(
      `1 | ${line}\n  | ${" ".repeat(MAX_SNIPPET_WIDTH - 1)}^`,
    );
  });

  it("cuts a line one character longer at the width, with an ellipsis", () => {
    const line = letters(MAX_SNIPPET_WIDTH + 1);
    expect(caretSnippet(line, 1, 1)).toBe(`1 | ${line.slice(0, MAX_SNIPPET_WIDTH)}…\n  | ^`);
  });

  it("centres the window on the column in the middle of a long line", () => {
    const line = letters(300);
    const start = 150 - 1 - MAX_SNIPPET_WIDTH / 2;
    expect(caretSnippet(line, 1, 150)).toBe(
      `1 | …${line.slice(start, start + MAX_SNIPPET_WIDTH)}…\n  | ${" ".repeat(1 + 149 - start)}^`,
    );
  });

  it("ends the window at the end of the line for a column near it", () => {
    const line = letters(300);
    const start = 300 - MAX_SNIPPET_WIDTH;
    expect(caretSnippet(line, 1, 295)).toBe(
      `1 | …${line.slice(start)}\n  | ${" ".repeat(1 + 294 - start)}^`,
    );
  });
});

describe("compareDiagnostics", () => {
  const at = (over: Partial<Diagnostic>): Diagnostic => ({ ...d, ...over });

  it("puts diagnostics without a file before those with one", () => {
    const noFile: Diagnostic = { severity: "error", message: "m", path: "" };
    const inFile = at({ file: "a.yaml" });
    expect(compareDiagnostics(noFile, inFile)).toBeLessThan(0);
    expect(compareDiagnostics(inFile, noFile)).toBeGreaterThan(0);
  });

  it("puts an error before a warning at the same place, whatever their messages", () => {
    const error = at({ severity: "error", message: "z" });
    const warning = at({ severity: "warning", message: "a" });
    expect(compareDiagnostics(error, warning)).toBeLessThan(0);
    expect(compareDiagnostics(warning, error)).toBeGreaterThan(0);
    expect([warning, error].sort(compareDiagnostics)).toEqual([error, warning]);
  });

  it("orders two diagnostics of one severity at one place by message", () => {
    for (const severity of ["error", "warning"] as const) {
      const a = at({ severity, message: "a" });
      const b = at({ severity, message: "b" });
      expect(compareDiagnostics(b, a)).toBeGreaterThan(0);
      expect(compareDiagnostics(a, b)).toBeLessThan(0);
      expect(compareDiagnostics(a, { ...a })).toBe(0);
    }
  });
});

describe("did you mean", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("gruop", "group")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests close words only", () => {
    expect(closestMatch("partcipants", ["participants", "to"])).toBe("participants");
    expect(closestMatch("zzz", ["participants", "to"])).toBeUndefined();
  });
});

describe("showValue", () => {
  it("quotes short values whole", () => {
    expect(showValue('say "hi"')).toBe('"say \\"hi\\""');
  });

  it("cuts long values and says how long they were", () => {
    const shown = showValue("x".repeat(5000));
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN_CHARACTERS + 20);
    expect(shown).toMatch(/^"x+…" \(5000 characters\)$/);
  });
});
