/**
 * Diagnostics: what validation reports, and how it is shown to a person. One shape for the
 * YAML loader (with file positions) and the CDK constructs (with construct paths only).
 */
import { escapeTerminal } from "../output/inert-text.js";
import { redactUrlsInText } from "../output/url-credentials.js";
import pc from "picocolors";

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** File path (relative to the working directory when inside it) or, for CDK, the construct path. */
  file?: string;
  /** 1-based line of the offending node, when the source has positions. */
  line?: number;
  /** 1-based column of the offending node, when the source has positions. */
  column?: number;
  /** JSON pointer into the document, e.g. "/chats/eng-oncall/participants/2"; "" is the document. */
  path: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order: by file, then position, then path, errors before warnings on ties. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file ?? "").localeCompare(b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.path.localeCompare(b.path) ||
    (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
    a.message.localeCompare(b.message)
  );
}

function locationOf(d: Diagnostic): string | undefined {
  if (d.file === undefined) return d.path ? d.path : undefined;
  if (d.line === undefined) return d.path ? `${d.file} (${d.path})` : d.file;
  return `${d.file}:${d.line}:${d.column ?? 1}`;
}

/** The lines of the last source text asked for: all diagnostics of a file share one split. */
let lastSplit: { text: string; lines: string[] } | undefined;

function linesOf(text: string): string[] {
  if (lastSplit?.text !== text) lastSplit = { text, lines: text.split(/\r?\n/) };
  return lastSplit.lines;
}

/** Characters of a source line shown in a caret snippet. */
export const MAX_SNIPPET_WIDTH = 120;

/**
 * The source line and a caret under the column, the way compilers print them. Tabs before
 * the column are kept so the caret lines up in a terminal.
 */
export function caretSnippet(sourceText: string, line: number, column: number): string | undefined {
  const full = linesOf(sourceText)[line - 1];
  if (full === undefined) return undefined;
  // A very long line (minified YAML, a pasted blob) is shown as a window around the column.
  const start =
    full.length <= MAX_SNIPPET_WIDTH
      ? 0
      : Math.max(0, Math.min(column - 1 - MAX_SNIPPET_WIDTH / 2, full.length - MAX_SNIPPET_WIDTH));
  const end = Math.min(full.length, start + MAX_SNIPPET_WIDTH);
  // Escaped and URL-redacted like every value shown (a YAML line may hold ESC, bidi controls or
  // a URL credential); the caret's padding is computed from the same text, so it still points
  // at the column.
  const text = escapeTerminal(
    redactUrlsInText(
      `${start > 0 ? "…" : ""}${full.slice(start, end)}${end < full.length ? "…" : ""}`,
    ),
    { keepTabs: true },
  );
  const gutter = `${line} | `;
  const before = escapeTerminal(
    redactUrlsInText((start > 0 ? "…" : "") + full.slice(start, Math.max(start, column - 1))),
    { keepTabs: true },
  );
  const pad = before.replace(/[^\t]/g, " ");
  return `${gutter}${text}\n${" ".repeat(gutter.length - 2)}| ${pad}^`;
}

/**
 * `file:line:column: error: message`, followed by a caret snippet when the source text is
 * given and the diagnostic has a position.
 */
export function formatDiagnostic(
  d: Diagnostic,
  opts: { color?: boolean; sourceText?: string } = {},
): string {
  const c = pc.createColors(opts.color ?? false);
  const label = d.severity === "error" ? c.red(c.bold("error")) : c.yellow(c.bold("warning"));
  const where = locationOf(d);
  let out = `${where === undefined ? "" : `${c.bold(escapeTerminal(where))}: `}${label}: ${escapeTerminal(d.message, { keepNewlines: true })}`;
  if (opts.sourceText !== undefined && d.line !== undefined) {
    const snippet = caretSnippet(opts.sourceText, d.line, d.column ?? 1);
    if (snippet !== undefined) {
      const [src, caret] = snippet.split("\n") as [string, string];
      out += `\n${src}\n${caret.replace(/\^$/, c.bold(d.severity === "error" ? c.red("^") : c.yellow("^")))}`;
    }
  }
  return out;
}
