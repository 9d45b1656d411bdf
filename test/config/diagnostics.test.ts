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
