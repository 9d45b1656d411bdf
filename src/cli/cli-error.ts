/** An error meant for the user: printed as its message alone (no stack unless --debug). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** For `--json`: a stable code and data a program can use (e.g. the diagnostics). */
    readonly info: { code?: string; data?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Errors whose JSON document a command already wrote to stdout (main must not write another). */
const writtenAsJson = new WeakSet<object>();

export function markWrittenAsJson(err: unknown): void {
  if (typeof err === "object" && err !== null) writtenAsJson.add(err);
}

/**
 * The one JSON document `--json` prints on stdout for an error that stopped a command, so a
 * program reading stdout always gets a document: `{"status":"error","error":{code,message}}`.
 */
export function jsonErrorDocument(err: unknown, formatVersion: string): string | undefined {
  if (typeof err === "object" && err !== null && writtenAsJson.has(err)) return undefined;
  const e = err as { code?: unknown; message?: unknown; info?: CliError["info"] };
  const code = e?.info?.code ?? (typeof e?.code === "string" ? e.code : undefined);
  const error = {
    ...(code !== undefined ? { code } : {}),
    message: typeof e?.message === "string" ? e.message : String(err),
    ...(e?.info?.data ?? {}),
  };
  return `${JSON.stringify({ format_version: formatVersion, status: "error", error }, null, 2)}\n`;
}
