/**
 * Text from YAML or from the API shown inert (SPEC §6 "Boundaries"). Any group member can
 * rename a group, and a server can say anything in an error, so every such value is made
 * harmless before it reaches a terminal or a pull-request comment:
 *
 * - terminal: control characters (ESC starts colour, cursor, title and OSC 8 link sequences),
 *   format characters (bidi overrides and isolates, zero-width and soft hyphens), line and
 *   paragraph separators and lone surrogates are written as visible `\uXXXX` escapes;
 * - Markdown: the value is additionally put in a code span, where GitHub renders no HTML,
 *   image, link, autolink or @mention, with a backtick fence longer than any run inside.
 *
 * One function per medium, used by every renderer and by the CLI's error printer.
 */

/** Characters never written raw: Cc, Cf, Zl, Zp and lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_BUT_TAB = /(?!\t)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function visibleEscape(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code > 0xffff
    ? `\\u{${code.toString(16).toUpperCase()}}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `text` with every control, format and separator character replaced by a visible escape.
 * `keepNewlines` keeps `\n` (for multi-line messages chatsync itself composed); `keepTabs`
 * keeps `\t` (a quoted source line, whose caret line below is aligned with the same tabs).
 */
export function escapeTerminal(
  text: string,
  opts: { keepNewlines?: boolean; keepTabs?: boolean } = {},
): string {
  const unsafe = opts.keepNewlines ? UNSAFE_BUT_NEWLINE : opts.keepTabs ? UNSAFE_BUT_TAB : UNSAFE;
  return text.replace(unsafe, visibleEscape);
}

/** A value quoted as JSON (so its extent is visible), then escaped for the terminal. */
export function quoteInert(value: unknown): string {
  // JSON.stringify already escapes C0 controls and lone surrogates; the rest is ours.
  return escapeTerminal(JSON.stringify(value ?? null));
}

/**
 * `text` as a Markdown code span that renders exactly as the (escaped) text. In a table cell
 * `|` must be escaped even inside a code span (GFM splits cells first).
 */
export function markdownCode(text: string, opts: { inTable?: boolean } = {}): string {
  // A line break would end a table row or list item; inside a span it means a space anyway.
  let body = escapeTerminal(text.replaceAll("\n", " "));
  if (opts.inTable) body = body.replaceAll("|", "\\|");
  if (body === "") return "` `";
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  // CommonMark strips one space on each side when both are present; pad so backticks or
  // spaces at the edges survive.
  const pad = /^[` ]|[` ]$/.test(body) ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}
