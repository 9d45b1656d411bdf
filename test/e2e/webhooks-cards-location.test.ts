/**
 * Webhook subscriptions (create with the signing secret written once to `secret_file` at mode
 * 0600 and nowhere else; update; delete), contact cards (create, then patch), the once-only
 * sends (share the contact card, ask for location), and the people-first rule that
 * OPTED_OUT chats get none of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describeRun } from "../support/cli.js";
import { activeParticipants, apiPath, type RecordedRequest } from "../support/emulator-control.js";
import {
  LINE_A,
  createWorkspace,
  exists,
  fileMode,
  findLeaks,
  person,
  type Workspace,
} from "../support/e2e-workspace.js";

const HOOK_URL = "https://hooks.example.com/linq/location";

function count(reqs: RecordedRequest[], method: string, pattern: RegExp): number {
  return reqs.filter((r) => r.method.toUpperCase() === method && pattern.test(apiPath(r))).length;
}

describe("webhooks, contact cards, once-only sends", () => {
  let ws: Workspace;
  let secretPath = "";
  const doc: {
    version: 1;
    defaults: { from: string };
    contact_cards: Record<string, Record<string, unknown>>;
    chats: Record<string, Record<string, unknown>>;
    webhooks: Record<string, Record<string, unknown>>;
  } = { version: 1, defaults: { from: LINE_A }, contact_cards: {}, chats: {}, webhooks: {} };

  async function apply() {
    await ws.writeConfig(doc);
    const before = await ws.emu.control.lastSeq();
    const r = await ws.apply(["--auto-approve"]);
    return { r, writes: await ws.emu.control.writesSince(before) };
  }

  beforeAll(async () => {
    ws = await createWorkspace();
    secretPath = join(ws.dir, "secrets", "location-events.whsec");
  });
  afterAll(async () => {
    await ws?.close();
  });

  it("creates a webhook subscription and writes its signing secret to secret_file with mode 0600", async () => {
    doc.webhooks["location-events"] = {
      target_url: HOOK_URL,
      events: ["location.sharing.started", "location.sharing.stopped"],
      phone_numbers: [LINE_A],
      active: true,
      secret_file: "secrets/location-events.whsec",
    };
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(writes, "POST", /^\/v3\/webhook-subscriptions$/)).toBe(1);
    const subs = await ws.emu.control.listWebhooks();
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ target_url: HOOK_URL, is_active: true });
    expect([...subs[0]!.subscribed_events].sort()).toEqual([
      "location.sharing.started",
      "location.sharing.stopped",
    ]);
    expect(await exists(secretPath)).toBe(true);
    expect((await readFile(secretPath, "utf8")).trim()).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(await fileMode(secretPath)).toBe(0o600);
  });

  it("updates the subscription in place and leaves the secret file alone", async () => {
    const secretBefore = await readFile(secretPath, "utf8");
    doc.webhooks["location-events"]!.events = [
      "location.sharing.started",
      "location.sharing.stopped",
      "participant.added",
    ];
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(writes, "PUT", /^\/v3\/webhook-subscriptions\/[^/]+$/)).toBe(1);
    expect(count(writes, "POST", /^\/v3\/webhook-subscriptions$/)).toBe(0);
    const subs = await ws.emu.control.listWebhooks();
    expect(subs).toHaveLength(1);
    expect([...subs[0]!.subscribed_events].sort()).toEqual([
      "location.sharing.started",
      "location.sharing.stopped",
      "participant.added",
    ]);
    expect(await readFile(secretPath, "utf8")).toBe(secretBefore);
  });

  it("a missing secret file (a fresh CI runner) only warns; --replace rotates the secret on purpose", async () => {
    const [before] = await ws.emu.control.listWebhooks();
    await rm(secretPath);
    const quiet = await apply();
    expect(quiet.r.code, describeRun(quiet.r)).toBe(0);
    expect(quiet.writes).toEqual([]);
    expect(quiet.r.stdout + quiet.r.stderr).toContain(
      "chatsync apply --replace webhook.location-events",
    );
    expect((await ws.emu.control.listWebhooks())[0]!.id).toBe(before!.id);

    const refused = await ws.apply(["--auto-approve", "--replace", "chat.anything"]);
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toContain("only webhook addresses can be replaced");

    const rotated = await ws.apply(["--auto-approve", "--replace", "webhook.location-events"]);
    expect(rotated.code, describeRun(rotated)).toBe(0);
    const after = await ws.emu.control.listWebhooks();
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(before!.id);
    const account = (await ws.emu.control.state()) as {
      subscriptions: { id: string; signing_secret: string }[];
    };
    const live = account.subscriptions.find((x) => x.id === after[0]!.id)!;
    expect((await readFile(secretPath, "utf8")).trim()).toBe(live.signing_secret);
    expect(await fileMode(secretPath)).toBe(0o600);
  });

  it("a subscription changed outside chatsync is put back, and active: false pauses it", async () => {
    const [sub] = await ws.emu.control.listWebhooks();
    await ws.emu.control.apiWrite("PUT", `/v3/webhook-subscriptions/${sub!.id}`, {
      subscribed_events: ["message.sent"],
    });
    const plan = await ws.plan(["--detailed-exitcode"]);
    expect(plan.code, describeRun(plan)).toBe(2);
    expect(plan.stdout).toContain("webhook.location-events");
    const fixed = await apply();
    expect(fixed.r.code, describeRun(fixed.r)).toBe(0);
    expect([...(await ws.emu.control.listWebhooks())[0]!.subscribed_events].sort()).toEqual([
      "location.sharing.started",
      "location.sharing.stopped",
      "participant.added",
    ]);

    doc.webhooks["location-events"]!.active = false;
    const paused = await apply();
    expect(paused.r.code, describeRun(paused.r)).toBe(0);
    expect(count(paused.writes, "PUT", /^\/v3\/webhook-subscriptions\/[^/]+$/)).toBe(1);
    expect((await ws.emu.control.listWebhooks())[0]!.is_active).toBe(false);
    doc.webhooks["location-events"]!.active = true;
    const resumed = await apply();
    expect(resumed.r.code, describeRun(resumed.r)).toBe(0);
    expect((await ws.emu.control.listWebhooks())[0]!.is_active).toBe(true);
  });

  it("creates the line's contact card, then patches it when the declaration changes", async () => {
    doc.contact_cards[LINE_A] = { first_name: "Acme", last_name: "Support" };
    const created = await apply();
    expect(created.r.code, describeRun(created.r)).toBe(0);
    expect(count(created.writes, "POST", /^\/v3\/contact_card$/)).toBe(1);
    expect(
      (await ws.emu.control.listContactCards()).find((c) => c.phone_number === LINE_A),
    ).toMatchObject({
      first_name: "Acme",
      last_name: "Support",
    });

    doc.contact_cards[LINE_A] = { first_name: "Acme", last_name: "Helpdesk" };
    const patched = await apply();
    expect(patched.r.code, describeRun(patched.r)).toBe(0);
    expect(count(patched.writes, "PATCH", /^\/v3\/contact_card$/)).toBe(1);
    expect(count(patched.writes, "POST", /^\/v3\/contact_card$/)).toBe(0);
    expect(
      (await ws.emu.control.listContactCards()).find((c) => c.phone_number === LINE_A),
    ).toMatchObject({
      last_name: "Helpdesk",
    });
  });

  it("a contact card changed outside chatsync is patched back to the declaration", async () => {
    await ws.emu.control.apiWrite(
      "PATCH",
      `/v3/contact_card?phone_number=${encodeURIComponent(LINE_A)}`,
      { first_name: "Someone Else" },
    );
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(writes, "PATCH", /^\/v3\/contact_card$/)).toBe(1);
    expect(
      (await ws.emu.control.listContactCards()).find((c) => c.phone_number === LINE_A),
    ).toMatchObject({ first_name: "Acme", last_name: "Helpdesk" });
  });

  it("shares the contact card into a chat once and asks a 1:1 iMessage contact for location once", async () => {
    doc.chats.crew = {
      type: "group",
      participants: [person(0), person(1)],
      welcome_message: "Welcome, crew.",
      share_contact_card: true,
    };
    doc.chats.alice = {
      type: "direct",
      to: person(2),
      welcome_message: "Hi Alice!",
      location_request: true,
    };
    const first = await apply();
    expect(first.r.code, describeRun(first.r)).toBe(0);
    expect(count(first.writes, "POST", /^\/v3\/chats\/[^/]+\/share_contact_card$/)).toBe(1);
    expect(count(first.writes, "POST", /^\/v3\/chats\/[^/]+\/location\/request$/)).toBe(1);

    const second = await apply();
    expect(second.r.code, describeRun(second.r)).toBe(0);
    expect(second.writes).toEqual([]);
  });

  it("sends nothing to a chat whose health is OPTED_OUT", async () => {
    // Needs a way to mark a chat OPTED_OUT: the emulator's `simulate {type: "chat.health"}`.
    doc.chats.bob = { type: "direct", to: person(3), welcome_message: "Hi Bob!" };
    const setup = await apply();
    expect(setup.r.code, describeRun(setup.r)).toBe(0);
    const bob = (await ws.emu.control.listChats()).find(
      (c) => !c.is_group && activeParticipants(c).includes(person(3)),
    )!;
    await ws.emu.control.simulate({ type: "chat.health", chat_id: bob.id, status: "OPTED_OUT" });

    doc.chats.bob = { ...doc.chats.bob, location_request: true, share_contact_card: true };
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(writes.filter((w) => apiPath(w).includes(bob.id))).toEqual([]);
  });

  it("never asks an SMS-only contact for location (1:1 iMessage only) and still converges", async () => {
    await ws.emu.control.setHandleService(person(5), "SMS");
    doc.chats.sam = {
      type: "direct",
      to: person(5),
      welcome_message: "Hi Sam!",
      location_request: true,
    };
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(writes, "POST", /^\/v3\/chats\/[^/]+\/location\/request$/)).toBe(0);
    const again = await apply();
    expect(again.r.code, describeRun(again.r)).toBe(0);
    expect(again.writes).toEqual([]);
  });

  it("deletes a subscription that is no longer declared", async () => {
    delete doc.webhooks["location-events"];
    const { r, writes } = await apply();
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(writes, "DELETE", /^\/v3\/webhook-subscriptions\/[^/]+$/)).toBe(1);
    expect(await ws.emu.control.listWebhooks()).toEqual([]);
  });

  it("neither the signing secret nor the token appears in any output, the state file or a plan file", async () => {
    const secret = (await readFile(secretPath, "utf8")).trim();
    const planFile = join(ws.dir, "final.plan.json");
    const plan = await ws.plan(["--out", planFile, "--json"]);
    expect(plan.code, describeRun(plan)).toBe(0);
    expect(await exists(ws.statePath)).toBe(true);
    expect(await findLeaks(ws, [ws.emu.token, secret, "whsec_"], [secretPath])).toEqual([]);
  });
});
