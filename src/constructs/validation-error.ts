/** The error a construct tree's broken rules raise, at construction or at synthesis. */
import { formatDiagnostic, type Diagnostic } from "../sync-engine/config/diagnostics.js";

export class ChatSyncValidationError extends Error {
  readonly code = "CHATSYNC_INVALID_CONSTRUCT";
  /** Every diagnostic of the check (errors and warnings); `file` is the construct path. */
  declare readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(
      `chatsync: ${errors.length} invalid declaration${errors.length === 1 ? "" : "s"} in the construct tree; fix the props named below:\n` +
        errors.map((d) => formatDiagnostic(d)).join("\n"),
    );
    this.name = "ChatSyncValidationError";
    // Not enumerable: an uncaught error is printed with its own properties, and the message
    // already lists every error once.
    Object.defineProperty(this, "diagnostics", { value: diagnostics, enumerable: false });
  }
}
