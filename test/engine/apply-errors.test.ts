import { describe, expect, it } from "vitest";
import { ApplyFailedError } from "../../src/sync-engine/apply/apply-errors.js";

describe("ApplyFailedError", () => {
  it("names each failed address with its cause, counts completed ones, and says how to finish", () => {
    const err = new ApplyFailedError({
      succeeded: ["chat.ops"],
      failed: [{ address: "chat.eng", error: "share the line's contact card (once) failed: 404" }],
      warnings: [],
    });
    expect(err.code).toBe("APPLY_FAILED");
    expect(err.message).toContain("Apply failed for 1 address(es); 1 completed.");
    // Steps of a failed address that finished are in state too; the message must not deny it.
    expect(err.message).toContain("Every step that finished is recorded in state");
    expect(err.message).not.toMatch(/\d+ succeeded and are recorded/);
    expect(err.message).toContain("  - chat.eng: share the line's contact card (once) failed: 404");
    expect(err.message).toMatch(/run chatsync apply again to finish the job\.$/);
  });
});
