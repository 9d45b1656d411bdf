import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import {
  renderPlanHuman,
  renderPlanJson,
  renderPlanMarkdown,
} from "../../src/sync-engine/plan/render-plan.js";
import type { Plan } from "../../src/sync-engine/plan/plan-types.js";
import {
  A,
  B,
  C,
  D,
  LINE,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(
  readFileSync(new URL("../../schemas/plan.schema.json", import.meta.url), "utf8"),
);
const validate = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(schema);

/** A plan with every kind of action: create, update (with drift), replace, leave, webhook create with a secret file, card create. */
function richPlan(): Plan {
  const team = group("team", [A, B, D], { display_name: "Team" });
  const ops = group("ops", [A, B, C]);
  return buildPlan({
    desired: desiredState({
      chats: chats(group("new", [A, B], { welcome_message: "Hello" }), team, direct("bob", D)),
      webhooks: {
        loc: {
          key: "loc",
          target_url: "https://hooks.example.com/l",
          events: ["location.sharing.started"],
          phone_numbers: [LINE],
          active: true,
          secret_file: "/tmp/x/loc.whsec",
        },
      },
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
    }),
    live: snapshot({
      chats: {
        t1: liveChat("t1", [A, B, C], { name: "Hijacked" }),
        b1: liveChat("b1", [C]),
        o1: liveChat("o1", [A, B, C]),
      },
    }),
    state: stateDoc({
      "chat.team": managedChat("t1", team),
      "chat.bob": managedChat("b1", direct("bob", C)),
      "chat.ops": managedChat("o1", ops),
    }),
    statePath: "/tmp/state.json",
    liveFingerprint: "a".repeat(64),
    now: new Date("2026-02-01T00:00:00Z"),
  });
}

describe("human renderer", () => {
  it("groups by address with + ~ - -/+ markers, shows drift as live vs declared, and ends with the summary line", () => {
    const out = renderPlanHuman(richPlan(), { color: false });
    expect(out).toMatch(/^ {2}\+ chat\.new \(create\)/m);
    expect(out).toMatch(/^ {2}~ chat\.team \(update\)/m);
    expect(out).toMatch(/^ {2}-\/\+ chat\.bob \(replace\)/m);
    expect(out).toMatch(/^ {2}- chat\.ops \(leave\)/m);
    expect(out).toMatch(/^ {6}\+ add \+14155550104/m);
    expect(out).toMatch(/^ {6}- remove \+14155550103/m);
    expect(out).toContain('display_name: live: "Hijacked", declared: "Team"');
    expect(out).toContain("signing_secret: (sensitive) → written to /tmp/x/loc.whsec");
    expect(out.trimEnd().split("\n").at(-1)).toBe(
      "Plan: 3 to create, 1 to update, 1 to replace, 1 to leave.",
    );
    expect(out).not.toMatch(/\u001b\[/);
  });

  it("uses colour only when asked", () => {
    expect(renderPlanHuman(richPlan(), { color: true })).toMatch(/\u001b\[3\dm/);
  });

  it("mentions settings that apply records without an API call", () => {
    const g = group("eng", [A, B], { prevent_destroy: true });
    const p = buildPlan({
      desired: desiredState({ chats: chats(g) }),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", group("eng", [A, B])) }),
      statePath: "s",
      liveFingerprint: "f",
    });
    const out = renderPlanHuman(p, { color: false });
    expect(out).toContain("No changes. The account matches the configuration.");
    expect(out).toContain("Settings of chat.eng changed without needing an API call");
  });

  it("says so when there is nothing to do", () => {
    const p = buildPlan({
      desired: desiredState(),
      live: snapshot(),
      state: stateDoc(),
      statePath: "s",
      liveFingerprint: "f",
    });
    expect(renderPlanHuman(p, { color: false }).trim()).toBe(
      "No changes. The account matches the configuration.",
    );
  });
});

describe("markdown renderer", () => {
  it("renders a heading, a table of addresses and a collapsible step list", () => {
    const md = renderPlanMarkdown(richPlan());
    expect(md).toMatch(/^### chatsync plan/m);
    expect(md).toContain("| `-/+` | `chat.bob` | replace |");
    // A blank line ends the table before the HTML block, or GitHub swallows it.
    expect(md).toMatch(/\|\n\n<details><summary>Steps<\/summary>/);
    expect(md).toContain("</details>");
    expect(md).not.toContain("Output truncated");
  });

  it("puts a plan's errors first, so a PR comment says why it cannot be applied", () => {
    const g = group("eng", [A, B, C], { prevent_destroy: true });
    const p = buildPlan({
      desired: desiredState(),
      live: snapshot({ chats: { c1: liveChat("c1", [A, B, C]) } }),
      state: stateDoc({ "chat.eng": managedChat("c1", g) }),
      statePath: "s",
      liveFingerprint: "f",
    });
    expect(p.errors.length).toBeGreaterThan(0);
    const md = renderPlanMarkdown(p);
    expect(md).toContain("#### ❌ Errors: this plan cannot be applied");
    expect(md).toMatch(/^- `chat\.eng has prevent_destroy/m);
    expect(renderPlanMarkdown(richPlan())).not.toContain("Errors");
  });

  it("stays under the limit with a truncation note when the plan is huge", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      group(`room-${String(i).padStart(4, "0")}`, [A, B], {
        welcome_message: "Welcome to a room with a fairly long welcome text.",
      }),
    );
    const p = buildPlan({
      desired: desiredState({ chats: chats(...many) }),
      live: snapshot(),
      state: stateDoc(),
      statePath: "s",
      liveFingerprint: "f",
    });
    const md = renderPlanMarkdown(p);
    expect(md.length).toBeLessThan(65_000);
    expect(md).toContain("Output truncated");
    expect(md).toContain("Plan: 3000 to create");
  });
});

describe("markdown renderer: truncation keeps what a reviewer must see", () => {
  function hugePlanWithWarningAndDrift(rooms: number, keyPad = 4): Plan {
    const team = group("team", [A, B, C], { display_name: "Team" });
    const many = Array.from({ length: rooms }, (_, i) =>
      group(`room-${String(i).padStart(keyPad, "0")}`, [A, B], {
        welcome_message: "Welcome to a room with a fairly long welcome text.",
      }),
    );
    return buildPlan({
      desired: desiredState({ chats: chats(team, ...many) }),
      // C left on their own (a warning); the name was changed outside chatsync (drift).
      live: snapshot({ chats: { t1: liveChat("t1", [A, B, [C, "left"]], { name: "Hijacked" }) } }),
      state: stateDoc({ "chat.team": managedChat("t1", team) }),
      statePath: "s",
      liveFingerprint: "f",
    });
  }

  it("keeps the warnings and the drift when only the step list is cut", () => {
    const p = hugePlanWithWarningAndDrift(500);
    expect(p.warnings.length).toBeGreaterThan(0);
    const md = renderPlanMarkdown(p);
    expect(md.length).toBeLessThan(65_000);
    expect(md).toContain("Output truncated");
    expect(md).toContain("#### Warnings");
    expect(md).toMatch(/left chat\.team on their own/);
    expect(md).toContain("#### Drift (changes made outside chatsync)");
    expect(md).toContain('live: "Hijacked", declared: "Team"');
  });

  it("stays under the limit even when the table alone is too long", () => {
    const md = renderPlanMarkdown(hugePlanWithWarningAndDrift(2500, 40));
    expect(md.length).toBeLessThan(65_000);
    expect(md).toContain("Output truncated");
    expect(md).toMatch(/^\*\*Plan: 2500 to create, 1 to update/m);
  });
});

describe("JSON renderer", () => {
  it("matches schemas/plan.schema.json", () => {
    const doc = JSON.parse(renderPlanJson(richPlan()));
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.format_version).toBe("2");
  });

  it("the schema rejects a document that breaks it", () => {
    const doc = JSON.parse(renderPlanJson(richPlan()));
    doc.changes[0].action = "explode";
    expect(validate(doc)).toBe(false);
  });
});
