/**
 * Per-document reporting: turns (path, message) into a Diagnostic with the document's origin
 * and, when the source has positions, line and column. Shared by every rule module.
 */
import type { Diagnostic, Severity } from "./diagnostics.js";
import { toJsonPointer, type DocPath } from "./json-pointer.js";

export interface Position {
  line: number;
  column: number;
}

/** One input of the validation pipeline: a parsed YAML file or a CDK construct's props. */
export interface SourceDocument {
  /** The document as plain data (what `yaml` or a construct produced). */
  value: unknown;
  /** File path (as shown to the user) or construct path. */
  origin: string;
  /** Position of the value at `path`, when known. */
  locate?: (path: (string | number)[]) => Position | undefined;
  /** Position of the key that holds the value at `path` (falls back to `locate`). */
  locateKey?: (path: (string | number)[]) => Position | undefined;
  /** Full source text, for caret snippets. */
  sourceText?: string;
  /** Folder that relative paths in the document (secret_file) are resolved against. */
  baseDir?: string;
}

export type Anchor = "key" | "value";

export class DocumentContext {
  constructor(
    readonly doc: SourceDocument,
    private readonly sink: Diagnostic[],
  ) {}

  position(path: DocPath, at: Anchor = "value"): Position | undefined {
    const p = [...path];
    if (at === "key" && this.doc.locateKey) return this.doc.locateKey(p) ?? this.doc.locate?.(p);
    return this.doc.locate?.(p);
  }

  /** "file:line:column", or "origin (/json/pointer)" without positions: used to name the other place of a duplicate. */
  placeOf(path: DocPath, at: Anchor = "key"): string {
    const pos = this.position(path, at);
    return pos
      ? `${this.doc.origin}:${pos.line}:${pos.column}`
      : `${this.doc.origin} (${toJsonPointer(path) || "/"})`;
  }

  /**
   * Where `needle` starts inside the value at `path`, found in the source from the value's
   * start (so the caret sits under a URL inside a message); the value's start otherwise.
   */
  positionWithin(path: DocPath, needle: string): Position | undefined {
    const start = this.position(path);
    const text = this.doc.sourceText;
    if (!start || text === undefined || needle === "") return start;
    let offset = 0;
    for (let line = 1; line < start.line; line++) {
      const next = text.indexOf("\n", offset);
      if (next < 0) return start;
      offset = next + 1;
    }
    const found = text.indexOf(needle, offset + start.column - 1);
    if (found < 0) return start;
    const lineStart = text.lastIndexOf("\n", found - 1) + 1;
    let line = 1;
    for (let i = text.indexOf("\n"); i >= 0 && i < found; i = text.indexOf("\n", i + 1)) line++;
    return { line, column: found - lineStart + 1 };
  }

  /** An error whose caret points at `needle` inside the value at `path`. */
  errorWithin(path: DocPath, needle: string, message: string): void {
    this.push("error", path, message, this.positionWithin(path, needle));
  }

  report(severity: Severity, path: DocPath, message: string, at: Anchor = "value"): void {
    this.push(severity, path, message, this.position(path, at));
  }

  private push(
    severity: Severity,
    path: DocPath,
    message: string,
    pos: Position | undefined,
  ): void {
    this.sink.push({
      severity,
      message,
      file: this.doc.origin,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      path: toJsonPointer(path),
    });
  }

  error(path: DocPath, message: string, at: Anchor = "value"): void {
    this.report("error", path, message, at);
  }

  warning(path: DocPath, message: string, at: Anchor = "value"): void {
    this.report("warning", path, message, at);
  }
}
