/**
 * Declared URLs (group icon, contact-card photo, webhook target): a host must follow "//"
 * directly, and a user name or password is refused without being shown.
 */
import { describe, expect, it } from "vitest";
import { parseDeclaredUrl } from "../../src/sync-engine/config/url-rules.js";
import { recordingContext, VALUE_COLUMN } from "../support/recording-context.js";

const PATH = ["webhooks", "ops", "target_url"];

function parse(value: string) {
  const { ctx, diagnostics } = recordingContext({ origin: "hooks.yaml" });
  const url = parseDeclaredUrl(ctx, PATH, value);
  return { url, diagnostics };
}

const notValid = (shown: string) => ({
  severity: "error",
  file: "hooks.yaml",
  line: 3,
  column: VALUE_COLUMN,
  path: "/webhooks/ops/target_url",
  message: `webhooks.ops.target_url: ${shown} is not a valid URL; write a full address with a host name, e.g. "https://example.com/path"`,
});

const carriesCredentials = (shown: string) => ({
  severity: "error",
  file: "hooks.yaml",
  line: 3,
  column: VALUE_COLUMN,
  path: "/webhooks/ops/target_url",
  message: `webhooks.ops.target_url: ${shown} carries a user name or password before "@"; remove it — the API does not need it, and chatsync would have to store and show it. A webhook receiver verifies deliveries with the signing secret instead`,
});

describe("parseDeclaredUrl", () => {
  it("returns the parsed URL of a full address without a word", () => {
    const { url, diagnostics } = parse("https://hooks.example.com/in?line=2");
    expect(url?.hostname).toBe("hooks.example.com");
    expect(url?.searchParams.get("line")).toBe("2");
    expect(diagnostics).toEqual([]);
  });

  it("refuses a third slash before the host, which WHATWG parsing would quietly accept", () => {
    const { url, diagnostics } = parse("https:///logo.png");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([notValid('"https:///logo.png"')]);
  });

  it("refuses a host-less address even when a full address appears later in it", () => {
    const { url, diagnostics } = parse("https:///in?next=https://example.com");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([notValid('"https:///in?next=https://example.com"')]);
  });

  it("refuses an address whose host parses as empty", () => {
    const { url, diagnostics } = parse("file://localhost/etc/hook");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([notValid('"file://localhost/etc/hook"')]);
  });

  it("refuses text that is no URL at all", () => {
    const { url, diagnostics } = parse("https://");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([notValid('"https://"')]);
  });

  it("refuses a user name and password, showing neither", () => {
    const { url, diagnostics } = parse("https://alice:hunter2@example.com/in");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([carriesCredentials('"https://[REDACTED]@example.com/in"')]);
  });

  it("refuses a user name without a password", () => {
    const { url, diagnostics } = parse("https://alice@example.com/in");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([carriesCredentials('"https://[REDACTED]@example.com/in"')]);
  });

  it("refuses a password without a user name", () => {
    const { url, diagnostics } = parse("https://:hunter2@example.com/in");
    expect(url).toBeUndefined();
    expect(diagnostics).toEqual([carriesCredentials('"https://[REDACTED]@example.com/in"')]);
  });
});
