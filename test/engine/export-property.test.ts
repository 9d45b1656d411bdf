/**
 * chatsync export, as a property (SPEC §5a): for any account, the exported YAML is accepted by
 * the validation pipeline, planning it against an empty state gives imports only (no API
 * step, no error), and exporting the same account again — listed in any order — gives the
 * same bytes.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "yaml";
import type { Chat, ContactCard, WebhookSubscription } from "../../src/api-wire/types.js";
import { WEBHOOK_EVENT_TYPES } from "../../src/api-wire/event-types.js";
import { renderExport } from "../../src/sync-engine/export/render-export.js";
import type { LiveAccount } from "../../src/sync-engine/export/read-account.js";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import { isStateOnly } from "../../src/sync-engine/plan/plan-types.js";
import { snapshot, stateDoc } from "./fixtures.js";

const LINES = ["+12025550100", "+12025550101"];
const PEOPLE = [
  "+14155550101",
  "+14155550102",
  "+14155550103",
  "+14155550104",
  "+447700900123",
  "alice@example.com",
  "bob@example.com",
];
// Few names and times, so keys and creation times collide often.
const NAMES = [null, "Book Club", "book club!", "Ünïcode Crew", "   ", "#$%", "Eng On-Call"];
const TIMES = ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"];

const handleOf = (handle: string, me = false, status: "active" | "left" = "active") => ({
  id: `h-${handle}`,
  handle,
  joined_at: TIMES[0]!,
  service: "iMessage" as const,
  is_me: me,
  status,
});

const chatArb = (id: string): fc.Arbitrary<Chat> =>
  fc
    .record({
      group: fc.boolean(),
      line: fc.constantFrom(...LINES),
      people: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 5 }),
      left: fc.uniqueArray(fc.constantFrom(...PEOPLE), { maxLength: 2 }),
      me: fc.constantFrom<"active" | "left">("active", "active", "active", "left"),
      name: fc.constantFrom(...NAMES),
      icon: fc.option(fc.constantFrom("https://cdn.example.com/a.png", "http://x.test/i.png")),
      created_at: fc.constantFrom(...TIMES),
    })
    .map((r) => ({
      id,
      created_at: r.created_at,
      updated_at: r.created_at,
      display_name: r.group ? r.name : null,
      handles: [
        handleOf(r.line, true, r.me),
        ...r.people.map((p) => handleOf(p)),
        ...r.left.filter((p) => !r.people.includes(p)).map((p) => handleOf(p, false, "left")),
      ],
      is_group: r.group,
      is_archived: false,
      health_status: {
        status: "HEALTHY",
        doc_url: "https://docs.linqapp.com",
        updated_at: TIMES[0]!,
      },
      group_chat_icon: r.group ? r.icon : null,
      service: "iMessage",
    }));

const webhookArb = (id: string, url: string): fc.Arbitrary<WebhookSubscription> =>
  fc
    .record({
      events: fc.uniqueArray(fc.constantFrom(...WEBHOOK_EVENT_TYPES), {
        minLength: 1,
        maxLength: 4,
      }),
      phones: fc.uniqueArray(fc.constantFrom(...LINES), { maxLength: 2 }),
      active: fc.boolean(),
      created_at: fc.constantFrom(...TIMES),
    })
    .map((r) => ({
      id,
      target_url: url,
      subscribed_events: r.events,
      is_active: r.active,
      phone_numbers: r.phones,
      created_at: r.created_at,
      updated_at: r.created_at,
    }));

const cardArb = (line: string): fc.Arbitrary<ContactCard> =>
  fc
    .record({
      first: fc.constantFrom("Acme", "Support"),
      last: fc.option(fc.constantFrom("Team", "Desk")),
      image: fc.option(fc.constant("https://cdn.linqapp.com/card.png")),
    })
    .map((r) => ({
      phone_number: line,
      first_name: r.first,
      is_active: true,
      ...(r.last ? { last_name: r.last } : {}),
      ...(r.image ? { image_url: r.image } : {}),
    }));

const accountArb: fc.Arbitrary<LiveAccount> = fc
  .record({
    chatCount: fc.nat({ max: 8 }),
    urls: fc.uniqueArray(
      fc.constantFrom(
        "https://hooks.example.com/linq",
        "https://hooks.example.com/linq?line=2",
        "https://other.example.org/in",
        "http://insecure.example.org/in",
      ),
      { maxLength: 3 },
    ),
    cardLines: fc.subarray(LINES),
  })
  .chain((shape) =>
    fc.record({
      lines: fc.constant(LINES),
      chats: fc.tuple(...Array.from({ length: shape.chatCount }, (_, i) => chatArb(`c-${i}`))),
      webhooks: fc.tuple(...shape.urls.map((u, i) => webhookArb(`w-${i}`, u))),
      contact_cards: fc.tuple(...shape.cardLines.map(cardArb)),
    }),
  );

function planOf(account: LiveAccount, text: string) {
  const { state, diagnostics } = resolveDocuments([{ value: parse(text), origin: "export.yaml" }]);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const chats = Object.fromEntries(account.chats.map((c) => [c.id, c]));
  const live = snapshot({
    lines: LINES,
    // What the refresh reads for imported chats and planned creates.
    chats,
    unmanaged_chats: Object.fromEntries(
      LINES.map((l) => [
        l,
        account.chats.filter((c) => c.handles.some((h) => h.is_me && h.handle === l)),
      ]),
    ),
    webhooks: account.webhooks,
    contact_cards: account.contact_cards,
  });
  return {
    desired: state!,
    plan: buildPlan({
      desired: state!,
      live,
      state: stateDoc({}, 0),
      statePath: "/tmp/state.json",
      liveFingerprint: "fp",
    }),
  };
}

describe("export", () => {
  it("export → plan is imports only, and a second export is the same YAML", () => {
    fc.assert(
      fc.property(accountArb, fc.context(), (account, ctx) => {
        const text = renderExport(account);
        ctx.log(text);
        const shuffled: LiveAccount = {
          ...account,
          chats: [...account.chats].reverse(),
          webhooks: [...account.webhooks].reverse(),
          contact_cards: [...account.contact_cards].reverse(),
        };
        expect(renderExport(shuffled)).toBe(text);

        const { desired, plan } = planOf(account, text);
        expect(plan.errors).toEqual([]);
        for (const c of plan.changes) {
          expect(c.action, `${c.address}: ${JSON.stringify(c.steps)}`).toBe("import");
          expect(c.steps.every(isStateOnly)).toBe(true);
        }
        expect(plan.changes.length).toBe(desired.imports?.length ?? 0);
        expect(plan.records).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("keys come from names, else people; collisions are numbered; the ids are in comments", () => {
    const chat = (id: string, name: string | null, people: string[], group = true): Chat => ({
      id,
      created_at: TIMES[0]!,
      updated_at: TIMES[0]!,
      display_name: name,
      handles: [handleOf(LINES[0]!, true), ...people.map((p) => handleOf(p))],
      is_group: group,
      is_archived: false,
      health_status: {
        status: "HEALTHY",
        doc_url: "https://docs.linqapp.com",
        updated_at: TIMES[0]!,
      },
      group_chat_icon: null,
      service: "iMessage",
    });
    const text = renderExport({
      lines: [LINES[0]!],
      chats: [
        chat("a", "Book Club", [PEOPLE[0]!, PEOPLE[1]!]),
        chat("b", "book club!", [PEOPLE[2]!, PEOPLE[1]!]),
        chat("c", null, ["alice@example.com"], false),
        chat("d", "Solo", [PEOPLE[0]!]),
      ],
      webhooks: [],
      contact_cards: [],
    });
    const doc = parse(text) as { chats: Record<string, unknown>; imports: unknown[] };
    expect(Object.keys(doc.chats)).toEqual(["book-club", "book-club-2", "alice-example-com"]);
    expect(doc.imports).toContainEqual({ to: "chat.book-club-2", id: "b" });
    expect(text).toContain("# chat a, created 2026-01-01T00:00:00.000Z");
    // A group with one other person cannot be declared; it is named, not half-written.
    expect(text).toMatch(/Not exported[\s\S]*chat d: chat "solo" needs at least 2 participants/);
  });
});
