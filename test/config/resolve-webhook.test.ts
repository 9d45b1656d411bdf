/**
 * `webhooks:` entries: the resolved webhook, and the warnings about the payload version pinned
 * with `?version=` on the target URL.
 */
import { describe, expect, it } from "vitest";
import { resolveWebhook } from "../../src/sync-engine/config/resolve-webhook.js";
import { recordingContext, VALUE_COLUMN } from "../support/recording-context.js";

const EDITED_NEEDS_2026 =
  "webhooks.ops: message.edited is only delivered to 2026-02-03 subscriptions, and this target_url pins version 2025-01-01";

describe("resolveWebhook", () => {
  it("subscribes to no events when none are listed", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(resolveWebhook(ctx, "ops", { target_url: "https://example.com/hook" })).toStrictEqual({
      key: "ops",
      target_url: "https://example.com/hook",
      events: [],
      phone_numbers: [],
      active: true,
      secret_file: ".chatsync/secrets/ops.whsec",
    });
    expect(diagnostics).toEqual([]);
  });

  it("lists events once each, sorted, and lines normalised and sorted", () => {
    const { ctx, diagnostics } = recordingContext({ baseDir: "/proj" });
    const hook = resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook",
      events: ["message.received", "chat.created", "message.received"],
      phone_numbers: ["+1 415 555 0102", "+14155550101"],
      active: false,
    });
    expect(hook?.events).toEqual(["chat.created", "message.received"]);
    expect(hook?.phone_numbers).toEqual(["+14155550101", "+14155550102"]);
    expect(hook?.active).toBe(false);
    expect(hook?.secret_file).toBe("/proj/.chatsync/secrets/ops.whsec");
    expect(diagnostics).toEqual([]);
  });

  it("warns that message.edited never reaches a target pinned to 2025-01-01", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "hooks.yaml" });
    const hook = resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook?version=2025-01-01",
      events: ["message.edited"],
    });
    expect(hook?.events).toEqual(["message.edited"]);
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        file: "hooks.yaml",
        line: 3,
        column: VALUE_COLUMN,
        path: "/webhooks/ops/target_url",
        message: EDITED_NEEDS_2026,
      },
    ]);
  });

  it("says nothing about a 2025-01-01 target that does not ask for message.edited", () => {
    const { ctx, diagnostics } = recordingContext();
    resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook?version=2025-01-01",
      events: ["message.received"],
    });
    resolveWebhook(ctx, "ops", { target_url: "https://example.com/hook?version=2025-01-01" });
    expect(diagnostics).toEqual([]);
  });

  it("says nothing about message.edited on a 2026-02-03 or unpinned target", () => {
    const { ctx, diagnostics } = recordingContext();
    resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook?version=2026-02-03",
      events: ["message.edited"],
    });
    resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook",
      events: ["message.edited"],
    });
    expect(diagnostics).toEqual([]);
  });

  it("warns about a payload version it does not know", () => {
    const { ctx, diagnostics } = recordingContext();
    resolveWebhook(ctx, "ops", {
      target_url: "https://example.com/hook?version=2024-01-01",
      events: ["message.edited"],
    });
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        "warning",
        'webhooks.ops.target_url: unknown payload version "2024-01-01"; the known versions are 2025-01-01 and 2026-02-03',
      ],
    ]);
  });
});
