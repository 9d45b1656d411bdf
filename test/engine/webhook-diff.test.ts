/**
 * The difference for one webhook subscription address, branch by branch: delete or forget when
 * no longer declared, create, adopt by target_url, update only what differs, replace when the
 * signing secret is known to nobody or `--replace` asks, drift against the last apply, and the
 * record-only change of secret_file. Pure.
 */
import { describe, expect, it } from "vitest";
import type { WebhookSubscription } from "../../src/api-wire/types.js";
import type { DesiredWebhook } from "../../src/sync-engine/model/desired-state.js";
import { diffWebhook, type WebhookDiffInput } from "../../src/sync-engine/plan/diff-webhooks.js";
import type { WebhookResourceState } from "../../src/sync-engine/state/state-types.js";
import { redactUrl } from "../../src/sync-engine/output/url-credentials.js";

const URL_A = "https://hooks.example.com/a";
const LINE_1 = "+14155550100";
const LINE_2 = "+14155550199";

const declared = (over: Partial<DesiredWebhook> = {}): DesiredWebhook => ({
  key: "loc",
  target_url: URL_A,
  events: ["location.sharing.started", "message.received"],
  phone_numbers: [LINE_1],
  active: true,
  ...over,
});

const sub = (id: string, over: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id,
  target_url: URL_A,
  // Out of order on purpose: the diff compares sorted lists.
  subscribed_events: ["message.received", "location.sharing.started"],
  is_active: true,
  phone_numbers: [LINE_1],
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  ...over,
});

const applied = {
  target_url: URL_A,
  events: ["location.sharing.started", "message.received"],
  phone_numbers: [LINE_1],
  active: true,
};

const managed = (over: Partial<WebhookResourceState> = {}): WebhookResourceState => ({
  kind: "webhook",
  id: "w1",
  applied,
  secret: "written",
  ...over,
});

function diff(over: Partial<WebhookDiffInput>) {
  return diffWebhook({
    address: "webhook.loc",
    desired: declared(),
    state: managed(),
    live: [sub("w1")],
    claimed: new Set(),
    secretFilePresent: true,
    ...over,
  });
}

describe("an address no longer declared", () => {
  it("is nothing at all when the state never had it", () => {
    expect(diff({ desired: undefined, state: undefined })).toEqual({
      drift: [],
      warnings: [],
      errors: [],
    });
  });

  it("deletes the subscription chatsync made, showing what it was", () => {
    const out = diff({ desired: undefined });
    expect(out.change).toEqual({
      address: "webhook.loc",
      kind: "webhook",
      action: "delete",
      reason: "removed from the configuration",
      live_id: "w1",
      before: applied,
      after: null,
      steps: [
        {
          op: "delete_webhook",
          webhook_id: "w1",
          reason: "removed from the configuration",
          rule: "§5.7.5 delete subscription",
        },
      ],
    });
  });

  it("says --destroy when that is why, even though the address is still declared", () => {
    const out = diff({ destroying: true });
    expect(out.change?.action).toBe("delete");
    expect(out.change?.reason).toBe("--destroy");
  });

  it("forgets an address whose subscription is already gone, with no step", () => {
    const out = diff({ desired: undefined, live: [sub("other")] });
    expect(out.change).toEqual({
      address: "webhook.loc",
      kind: "webhook",
      action: "forget",
      reason: "removed from the configuration; the subscription no longer exists",
      before: null,
      after: null,
      steps: [],
    });
  });
});

describe("creating", () => {
  it("creates a declared subscription with sorted lists, the secret file and the rule", () => {
    const out = diff({
      state: undefined,
      live: [],
      desired: declared({
        events: ["message.received", "location.sharing.started"],
        phone_numbers: [LINE_2, LINE_1],
        active: false,
        secret_file: "/work/s/loc.whsec",
      }),
      stateDir: "/work/s",
    });
    expect(out.change).toEqual({
      address: "webhook.loc",
      kind: "webhook",
      action: "create",
      reason: "declared and not created yet",
      before: null,
      // The state records secret_file relative to its own folder.
      after: {
        kind: "webhook",
        target_url: URL_A,
        events: ["location.sharing.started", "message.received"],
        phone_numbers: [LINE_1, LINE_2],
        active: false,
        secret_file: "loc.whsec",
      },
      steps: [
        {
          op: "create_webhook",
          target_url: URL_A,
          events: ["location.sharing.started", "message.received"],
          phone_numbers: [LINE_1, LINE_2],
          active: false,
          // The step writes where the configuration says, as declared.
          secret_file: "/work/s/loc.whsec",
          reason: "declared and not created yet",
          rule: "§5.7.1 the signing secret is returned only at creation; written to secret_file (0600) and never shown",
        },
      ],
    });
    expect(out.warnings).toEqual([]);
  });

  it("keeps a relative secret_file, or one with no state folder, as declared", () => {
    const rel = diff({
      state: undefined,
      live: [],
      desired: declared({ secret_file: "x.whsec" }),
      stateDir: "/s",
    });
    expect(rel.change?.after).toMatchObject({ secret_file: "x.whsec" });
    const noDir = diff({
      state: undefined,
      live: [],
      desired: declared({ secret_file: "/a/x.whsec" }),
    });
    expect(noDir.change?.after).toMatchObject({ secret_file: "/a/x.whsec" });
  });

  it("has no secret_file in the step or the record when none is declared", () => {
    const out = diff({ state: undefined, live: [] });
    expect(out.change?.steps[0]).not.toHaveProperty("secret_file");
    expect(out.change?.after).not.toHaveProperty("secret_file");
  });

  it("creates again, saying so, when the recorded subscription is gone", () => {
    const out = diff({ live: [] });
    expect(out.change?.action).toBe("create");
    expect(out.change?.reason).toBe("the subscription recorded in state (w1) no longer exists");
  });
});

describe("adopting a live subscription by target_url", () => {
  it("adopts an unclaimed one with the same URL, warns the secret is unknown, and updates what differs", () => {
    const out = diff({ state: undefined, live: [sub("w9", { is_active: false })] });
    expect(out.change).toEqual({
      address: "webhook.loc",
      kind: "webhook",
      action: "update",
      reason: "adopt the live subscription with this target_url",
      live_id: "w9",
      before: { ...applied, active: false },
      after: { kind: "webhook", ...applied },
      steps: [
        {
          op: "adopt_webhook",
          webhook_id: "w9",
          reason: "a live subscription already uses this target_url (each URL once per account)",
          rule: "§5.7.1",
        },
        {
          op: "update_webhook",
          webhook_id: "w9",
          changes: { is_active: true },
          reason: "the live subscription differs from the declaration",
          rule: "§5.7.4 partial update; the secret cannot be changed",
        },
      ],
    });
    expect(out.warnings).toEqual([
      {
        address: "webhook.loc",
        message: `adopting existing subscription w9 for ${URL_A}; its signing secret is unknown to chatsync`,
      },
    ]);
    // No drift for an object chatsync never applied.
    expect(out.drift).toEqual([]);
  });

  it("never adopts a subscription another address claims, or one with another URL", () => {
    const claimed = diff({ state: undefined, live: [sub("w9")], claimed: new Set(["w9"]) });
    expect(claimed.change?.action).toBe("create");
    const other = diff({ state: undefined, live: [sub("w9", { target_url: `${URL_A}/x` })] });
    expect(other.change?.action).toBe("create");
  });

  it("prefers the recorded id over a lookalike by URL", () => {
    const out = diff({ live: [sub("w0"), sub("w1", { is_active: false })] });
    expect(out.change?.live_id).toBe("w1");
    expect(out.change?.steps.map((s) => s.op)).toEqual(["update_webhook"]);
  });
});

describe("updating only what differs", () => {
  it("does nothing for a subscription that matches, whatever the order of its lists", () => {
    expect(diff({})).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("sends each changed field, and null to remove the line filter", () => {
    const out = diff({
      desired: declared({
        target_url: `${URL_A}/v2`,
        events: ["message.received"],
        phone_numbers: [],
        active: false,
      }),
    });
    expect(out.change?.steps).toEqual([
      {
        op: "update_webhook",
        webhook_id: "w1",
        changes: {
          target_url: `${URL_A}/v2`,
          subscribed_events: ["message.received"],
          is_active: false,
          phone_numbers: null,
        },
        reason: "the live subscription differs from the declaration",
        rule: "§5.7.4 partial update; the secret cannot be changed",
      },
    ]);
    expect(out.change?.reason).toBe("the live subscription differs from the declaration");
  });

  it("sends the new line list when the lines change, and treats a null filter as none", () => {
    const out = diff({ desired: declared({ phone_numbers: [LINE_1, LINE_2] }) });
    expect(out.change?.steps[0]).toMatchObject({ changes: { phone_numbers: [LINE_1, LINE_2] } });
    const none = diff({
      desired: declared({ phone_numbers: [] }),
      state: managed({ applied: { ...applied, phone_numbers: [] } }),
      live: [sub("w1", { phone_numbers: null })],
    });
    expect(none).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("sees a changed event list of the same length", () => {
    const out = diff({
      desired: declared({ events: ["location.sharing.started", "message.sent"] }),
    });
    expect(out.change?.steps[0]).toMatchObject({
      changes: { subscribed_events: ["location.sharing.started", "message.sent"] },
    });
  });
});

describe("drift against the last apply", () => {
  it("reports a field changed outside chatsync, with live, last applied and declared", () => {
    const out = diff({ live: [sub("w1", { is_active: false })] });
    expect(out.drift).toEqual([
      { address: "webhook.loc", field: "active", live: false, last_applied: true, declared: true },
    ]);
  });

  it("is no drift when the live value already is the declared one", () => {
    const out = diff({
      desired: declared({ events: ["message.received"] }),
      live: [sub("w1", { subscribed_events: ["message.received"] })],
    });
    expect(out.drift).toEqual([]);
    expect(out.change).toBeUndefined();
  });

  it("compares URLs with their credentials redacted, as the state keeps them", () => {
    const secretUrl = "https://hooks.example.com/a?token=s3cret";
    const out = diff({
      // A new URL is declared: only the redacted comparison tells the live one is unchanged.
      desired: declared({ target_url: "https://hooks.example.com/b?token=other" }),
      state: managed({ applied: { ...applied, target_url: redactUrl(secretUrl) } }),
      live: [sub("w1", { target_url: secretUrl })],
    });
    expect(redactUrl(secretUrl)).not.toBe(secretUrl);
    expect(out.drift).toEqual([]);
    expect(out.change?.steps[0]).toMatchObject({
      changes: { target_url: "https://hooks.example.com/b?token=other" },
    });
  });

  it("reports every field that moved, in a fixed order", () => {
    const out = diff({
      live: [
        sub("w1", {
          target_url: `${URL_A}/moved`,
          subscribed_events: ["message.received"],
          phone_numbers: [LINE_2],
          is_active: false,
        }),
      ],
    });
    expect(out.drift.map((d) => d.field)).toEqual([
      "target_url",
      "events",
      "phone_numbers",
      "active",
    ]);
    expect(out.drift[2]).toEqual({
      address: "webhook.loc",
      field: "phone_numbers",
      live: [LINE_2],
      last_applied: [LINE_1],
      declared: [LINE_1],
    });
  });

  it("has none without a last apply", () => {
    const out = diff({
      state: managed({ applied: undefined }),
      live: [sub("w1", { is_active: false })],
    });
    expect(out.drift).toEqual([]);
  });
});

describe("the signing secret", () => {
  it("warns, and does not replace, when a written secret file is missing", () => {
    const out = diff({
      desired: declared({ secret_file: "/s/loc.whsec" }),
      secretFilePresent: false,
    });
    expect(out.change).toBeUndefined();
    expect(out.warnings).toEqual([
      {
        address: "webhook.loc",
        message:
          "secret_file /s/loc.whsec does not exist; the API returns a signing secret only when a subscription is created, so chatsync cannot write it again. If the secret is lost, rotate it with: chatsync apply --replace webhook.loc",
      },
    ]);
  });

  it("does not warn about a file that is there, or when none is declared", () => {
    expect(diff({ desired: declared({ secret_file: "/s/x" }) }).warnings).toEqual([]);
    expect(diff({ secretFilePresent: false }).warnings).toEqual([]);
  });

  it("replaces on --replace: delete first, the URL must be free, then create", () => {
    const out = diff({ forceReplace: true, desired: declared({ secret_file: "/s/loc.whsec" }) });
    expect(out.change).toEqual({
      address: "webhook.loc",
      kind: "webhook",
      action: "replace",
      reason: "--replace: a new subscription, with a new signing secret",
      live_id: "w1",
      before: applied,
      after: { kind: "webhook", ...applied, secret_file: "/s/loc.whsec" },
      steps: [
        {
          op: "delete_webhook",
          webhook_id: "w1",
          reason: "the target_url must be free before it is subscribed again",
          rule: "§5.7.1 each target_url once per account",
        },
        expect.objectContaining({
          op: "create_webhook",
          secret_file: "/s/loc.whsec",
          reason: "--replace: a new subscription, with a new signing secret",
        }),
      ],
    });
    expect(out.warnings).toEqual([]);
  });

  it("replaces a subscription whose run died before its secret was written", () => {
    const out = diff({
      desired: declared({ secret_file: "/s/loc.whsec" }),
      state: managed({ secret: undefined }),
      secretFilePresent: false,
    });
    expect(out.change?.action).toBe("replace");
    expect(out.change?.reason).toBe(
      "an interrupted apply created this subscription but its signing secret never reached secret_file; only a new subscription returns one",
    );
    expect(out.warnings).toEqual([]);
  });

  it("keeps an adopted subscription whose secret file is missing: its maker has the secret", () => {
    const out = diff({
      desired: declared({ secret_file: "/s/loc.whsec" }),
      state: managed({ secret: "adopted" }),
      secretFilePresent: false,
    });
    expect(out.change).toBeUndefined();
    expect(out.warnings).toHaveLength(1);
  });

  it("replaces a subscription whose create response was lost, even with an older secret file on disk", () => {
    const out = diff({
      desired: declared({ secret_file: "/s/loc.whsec" }),
      state: { kind: "webhook", pending_create: { target_url: URL_A, started_at: "t" } },
      live: [sub("w7")],
      secretFilePresent: true,
    });
    expect(out.change?.action).toBe("replace");
    expect(out.change?.live_id).toBe("w7");
    expect(out.change?.steps.map((s) => s.op)).toEqual(["delete_webhook", "create_webhook"]);
  });

  it("adopts instead when the lost create was for another URL, or no secret file is declared", () => {
    const otherUrl = diff({
      desired: declared({ secret_file: "/s/loc.whsec" }),
      state: { kind: "webhook", pending_create: { target_url: `${URL_A}/old`, started_at: "t" } },
      live: [sub("w7")],
    });
    expect(otherUrl.change?.steps.map((s) => s.op)).toEqual(["adopt_webhook"]);
    const noFile = diff({
      state: { kind: "webhook", pending_create: { target_url: URL_A, started_at: "t" } },
      live: [sub("w7")],
    });
    expect(noFile.change?.steps.map((s) => s.op)).toEqual(["adopt_webhook"]);
  });
});

describe("recording settings that need no API call", () => {
  it("records a new secret_file on a matching subscription, once", () => {
    const out = diff({ desired: declared({ secret_file: "/s/new.whsec" }), stateDir: "/s" });
    expect(out.change).toBeUndefined();
    expect(out.record).toEqual({
      address: "webhook.loc",
      after: { kind: "webhook", ...applied, secret_file: "new.whsec" },
    });
    const again = diff({
      desired: declared({ secret_file: "/s/new.whsec" }),
      state: managed({ applied: { ...applied, secret_file: "new.whsec" } }),
      stateDir: "/s",
    });
    expect(again).not.toHaveProperty("record");
  });

  it("records a state that has an id but no last apply", () => {
    expect(diff({ state: managed({ applied: undefined }) }).record).toEqual({
      address: "webhook.loc",
      after: { kind: "webhook", ...applied },
    });
  });
});

describe("details a reviewer would notice", () => {
  it("reads the live line filter in any order: the same lines are no change", () => {
    const out = diff({
      desired: declared({ phone_numbers: [LINE_1, LINE_2] }),
      state: managed({ applied: { ...applied, phone_numbers: [LINE_1, LINE_2] } }),
      live: [sub("w1", { phone_numbers: [LINE_2, LINE_1] })],
    });
    expect(out).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("reports no drift for a subscription being deleted or forgotten", () => {
    expect(diff({ desired: undefined }).drift).toEqual([]);
    expect(diff({ desired: undefined, live: [] }).drift).toEqual([]);
  });

  it("adopts, with a warning, a subscription found by URL whose secret file is not written yet", () => {
    const out = diff({
      state: undefined,
      live: [sub("w9")],
      desired: declared({ secret_file: "/s/loc.whsec" }),
      secretFilePresent: false,
    });
    expect(out.change?.steps.map((s) => s.op)).toEqual(["adopt_webhook"]);
    expect(out.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^secret_file \/s\/loc\.whsec does not exist/),
      expect.stringMatching(/^adopting existing subscription w9/),
    ]);
  });
});
