/**
 * A DocumentContext over an in-memory document that records what it reports, for unit tests of
 * single rule modules. Positions are made up so that the anchor shows: a value sits at column 9
 * and its key at column 3, on the line given by the path's depth.
 */
import type { Diagnostic } from "../../src/sync-engine/config/diagnostics.js";
import { DocumentContext } from "../../src/sync-engine/config/document-context.js";

export const VALUE_COLUMN = 9;
export const KEY_COLUMN = 3;

export interface RecordingContext {
  ctx: DocumentContext;
  diagnostics: Diagnostic[];
}

export function recordingContext(
  opts: { origin?: string; positions?: boolean; baseDir?: string } = {},
): RecordingContext {
  const diagnostics: Diagnostic[] = [];
  const positions = opts.positions ?? true;
  const ctx = new DocumentContext(
    {
      origin: opts.origin ?? "chatsync.yaml",
      value: {},
      ...(positions
        ? {
            locate: (p: (string | number)[]) => ({ line: p.length, column: VALUE_COLUMN }),
            locateKey: (p: (string | number)[]) => ({ line: p.length, column: KEY_COLUMN }),
          }
        : {}),
      ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}),
    },
    diagnostics,
  );
  return { ctx, diagnostics };
}
