/**
 * Details of the pure diff a reviewer or the API would notice: the text and marker of the
 * state-only steps (imports and moves), the summary line when few actions are planned, the
 * `--markdown` view without API section references, the exact participant counts at which the
 * API refuses a group add or remove, the contact-card diff's drift, warning and change shape,
 * and which handle of a live chat is your own line. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import type { ChatHandle } from "../../src/api-wire/types.js";
import {
  describeDrift,
  describeStep,
  stepMarker,
  summaryLine,
} from "../../src/sync-engine/plan/describe-step.js";
import { diffContactCard } from "../../src/sync-engine/plan/diff-contact-cards.js";
import { diffRoster } from "../../src/sync-engine/plan/diff-roster.js";
import { viewChat } from "../../src/sync-engine/plan/live-chat-view.js";
import {
  PLAN_FORMAT_VERSION,
  PLAN_KIND,
  summarize,
  type Plan,
  type PlanSummary,
  type ResourceChange,
  type Step,
} from "../../src/sync-engine/plan/plan-types.js";
import { planForReviewers, withoutSectionRefs } from "../../src/sync-engine/plan/reviewer-text.js";
import {
  A,
  B,
  C,
  D,
  LINE,
  CARD_ADDRESS as address,
  appliedCard as applied,
  liveCard as card,
  CARD as want,
  handle,
  liveChat,
} from "./fixtures.js";

const r = { reason: "r" };

describe("state-only steps: text and marker", () => {
  const cases: Array<[Step, string]> = [
    [
      { op: "import_chat", chat_id: "c9", from: LINE, ...r },
      `import existing chat c9 on ${LINE} (no API call)`,
    ],
    [
      { op: "import_webhook", webhook_id: "w9", ...r },
      "import existing subscription w9 (no API call; its signing secret stays with whoever made it)",
    ],
    [
      { op: "import_contact_card", phone_number: LINE, ...r },
      `import the existing contact card of ${LINE} (no API call)`,
    ],
  ];

  it.each(cases)("an import is marked <= and says no API call is made: %o", (step, text) => {
    expect(describeStep(step)).toBe(text);
    expect(stepMarker(step)).toBe("<=");
  });

  it("a move is marked → and names both addresses", () => {
    const step: Step = { op: "move_address", from: "chat.old", to: "chat.new", ...r };
    expect(describeStep(step)).toBe("move chat.old → chat.new in the state (no API call)");
    expect(stepMarker(step)).toBe("→");
  });
});

describe("step text: optional fields and field lists", () => {
  it("a card with an image but no last name lists only what is declared", () => {
    expect(
      describeStep({
        op: "create_contact_card",
        phone_number: "+1",
        first_name: "Ann",
        image_url: "https://i",
        ...r,
      }),
    ).toBe('create contact card for +1: first_name = "Ann", image_url = "https://i"');
  });

  it("a card patch of the image alone names only the image", () => {
    expect(
      describeStep({
        op: "update_contact_card",
        phone_number: "+1",
        changes: { image_url: "https://j" },
        ...r,
      }),
    ).toBe('update contact card of +1: image_url = "https://j"');
  });

  it("a subscription patch quotes the URL and lists the events", () => {
    expect(
      describeStep({
        op: "update_webhook",
        webhook_id: "w1",
        changes: { target_url: "https://h/x", subscribed_events: ["a", "b"] },
        ...r,
      }),
    ).toBe('update subscription w1: target_url = "https://h/x", subscribed_events = ["a","b"]');
  });

  it("an inactive subscription for every line says so before the secret", () => {
    expect(
      describeStep({
        op: "create_webhook",
        target_url: "https://h",
        events: ["message.received"],
        phone_numbers: [],
        active: false,
        ...r,
      }),
    ).toBe("subscribe https://h to message.received (inactive); signing_secret: (sensitive)");
  });

  it("drift on an address no longer declared shows no declared value", () => {
    expect(
      describeDrift({ address: "chat.a", field: "display_name", live: "X", last_applied: "Y" }),
    ).toBe('display_name: live: "X" (last applied: "Y")');
  });
});

describe("summary line: any one planned action means there is something to do", () => {
  const none: PlanSummary = summarize([]);
  // Pairs of one each: a count must never cancel another one out.
  const cases: Array<[Partial<PlanSummary>, string]> = [
    [{ create: 1, update: 1 }, "Plan: 1 to create, 1 to update, 0 to replace, 0 to leave."],
    [{ create: 1, replace: 1 }, "Plan: 1 to create, 0 to update, 1 to replace, 0 to leave."],
    [{ create: 1, leave: 1 }, "Plan: 1 to create, 0 to update, 0 to replace, 1 to leave."],
    [
      { create: 1, forget: 1 },
      "Plan: 1 to create, 0 to update, 0 to replace, 0 to leave, 1 to forget.",
    ],
    [
      { create: 1, delete: 1 },
      "Plan: 1 to create, 0 to update, 0 to replace, 0 to leave, 1 to delete.",
    ],
    [
      { import: 1, move: 1 },
      "Plan: 1 to import, 1 to move, 0 to create, 0 to update, 0 to replace, 0 to leave.",
    ],
    [{ import: 1 }, "Plan: 1 to import, 0 to create, 0 to update, 0 to replace, 0 to leave."],
    [{ move: 3 }, "Plan: 3 to move, 0 to create, 0 to update, 0 to replace, 0 to leave."],
  ];

  it.each(cases)("%o", (counts, line) => {
    expect(summaryLine({ ...none, ...counts })).toBe(line);
  });
});

describe("planForReviewers", () => {
  const summary: PlanSummary = {
    create: 0,
    update: 1,
    replace: 0,
    leave: 0,
    forget: 0,
    delete: 0,
    import: 0,
    move: 0,
  };
  const planWith = (steps: Step[], reason = "the live chat differs (§5.1.4)"): Plan => {
    const change: ResourceChange = {
      address: "chat.eng",
      kind: "chat",
      action: "update",
      reason,
      before: null,
      after: null,
      steps,
    };
    return {
      kind: PLAN_KIND,
      format_version: PLAN_FORMAT_VERSION,
      created_at: "2026-01-01T00:00:00.000Z",
      options: { refresh_only: false, destroy: false, targets: [] },
      scope: ["chat.eng"],
      state: { location: "s", lineage: "l", serial: 1 },
      live_fingerprint: "fp",
      changes: [change],
      records: [],
      drift: [],
      warnings: [{ address: "chat.eng", message: "§5.2.2 keeps at least 3 participants" }],
      errors: [{ message: "the API creates a chat only with a first message (§5.1.1)" }],
      summary,
    };
  };

  it("keeps a rule's words without its section reference", () => {
    const out = planForReviewers(
      planWith([
        {
          op: "add_participant",
          handle: A,
          reason: "declared (§5.2)",
          rule: "§5.2.1 add: group only, ≥3 participants before the add",
        },
      ]),
    );
    expect(out.changes[0]!.reason).toBe("the live chat differs");
    expect(out.changes[0]!.steps).toStrictEqual([
      {
        op: "add_participant",
        handle: A,
        reason: "declared",
        rule: "add: group only, ≥3 participants before the add",
      },
    ]);
    expect(out.warnings).toEqual([
      { address: "chat.eng", message: "keeps at least 3 participants" },
    ]);
    expect(out.errors).toEqual([{ message: "the API creates a chat only with a first message" }]);
  });

  it("drops a rule that was only a section reference, and adds none to a step without one", () => {
    const out = planForReviewers(
      planWith([
        { op: "delete_webhook", webhook_id: "w1", reason: "gone", rule: "§5.7.1" },
        { op: "leave_chat", chat_id: "c1", reason: "gone" },
      ]),
    );
    const steps = out.changes[0]!.steps;
    expect(steps).toStrictEqual([
      { op: "delete_webhook", webhook_id: "w1", reason: "gone" },
      { op: "leave_chat", chat_id: "c1", reason: "gone" },
    ]);
    expect(steps.map((s) => "rule" in s)).toEqual([false, false]);
  });

  it("leaves no space where a leading or trailing reference was", () => {
    expect(withoutSectionRefs("(§5.1.6) leave: groups of 4 or more")).toBe(
      "leave: groups of 4 or more",
    );
    expect(withoutSectionRefs("  one card per line  ")).toBe("one card per line");
    const out = planForReviewers(planWith([], "(§5.1.4) renamed outside chatsync"));
    expect(out.changes[0]!.reason).toBe("renamed outside chatsync");
  });

  it("leaves the plan it was given untouched", () => {
    const source = planWith([
      { op: "delete_webhook", webhook_id: "w1", reason: "gone", rule: "§5.7.1" },
    ]);
    planForReviewers(source);
    expect(source.changes[0]!.steps[0]!.rule).toBe("§5.7.1");
  });
});

describe("diffRoster: the API's participant thresholds, your line included", () => {
  const view = (others: string[]) => viewChat(liveChat("c1", others, { group: true }), LINE);

  it("adds to a group of 3 (you and 2 others)", () => {
    expect(diffRoster([A, B, C], view([A, B]), "authoritative", false)).toEqual({
      add: [C],
      remove: [],
      keptOut: [],
    });
  });

  it("refuses to add to a group of 2 (you and 1 other), naming the count", () => {
    expect(diffRoster([A, B], view([A]), "additive", false)).toEqual({
      add: [B],
      remove: [],
      keptOut: [],
      unreachable:
        "the group has 2 active participants including you and the API adds people only to groups of at least 3 (§5.2.1)",
    });
  });

  it("a group of 2 already as declared is fine: nothing to add or remove", () => {
    expect(diffRoster([A], view([A]), "authoritative", false)).toEqual({
      add: [],
      remove: [],
      keptOut: [],
    });
  });

  it("removes one from a group of 4, leaving exactly 3", () => {
    expect(diffRoster([A, B], view([A, B, C]), "authoritative", false)).toEqual({
      add: [],
      remove: [C],
      keptOut: [],
    });
  });

  it("refuses a remove that would leave 2, naming how many would go and stay", () => {
    expect(diffRoster([A], view([A, B, C]), "authoritative", false)).toEqual({
      add: [],
      remove: [B, C],
      keptOut: [],
      unreachable:
        "removing 2 would leave 2 participants including you and the API keeps at least 3 (§5.2.2)",
    });
  });

  it("counts the adds that run first: 3 + 1 added - 2 removed leaves 2, refused", () => {
    expect(diffRoster([C], view([A, B]), "authoritative", false)).toMatchObject({
      add: [C],
      remove: [A, B],
      unreachable:
        "removing 2 would leave 2 participants including you and the API keeps at least 3 (§5.2.2)",
    });
  });

  it("counts the adds that run first: 3 + 2 added - 2 removed leaves 3, allowed", () => {
    expect(diffRoster([C, D], view([A, B]), "authoritative", false)).toEqual({
      add: [C, D],
      remove: [A, B],
      keptOut: [],
    });
  });

  it("an additive roster never removes, so a small group is not refused", () => {
    expect(diffRoster([A, B], view([A, B]), "additive", false)).toEqual({
      add: [],
      remove: [],
      keptOut: [],
    });
  });
});

describe("diffContactCard: details of each branch", () => {
  it("a card declared with a first name only plans no other field, not even an empty one", () => {
    const out = diffContactCard({
      address,
      desired: { phone_number: "+1", first_name: "Ann" },
      state: undefined,
      live: undefined,
    });
    expect(out.change?.after).toStrictEqual({
      kind: "contact_card",
      phone_number: "+1",
      first_name: "Ann",
    });
    expect(out.change?.steps).toStrictEqual([
      {
        op: "create_contact_card",
        phone_number: "+1",
        first_name: "Ann",
        reason: "no card on this line",
        rule: "§5.9.2 one card per line; image re-hosted by Linq",
      },
    ]);
  });

  it("forgetting a card reports no drift", () => {
    const out = diffContactCard({
      address,
      desired: undefined,
      state: applied(),
      live: card({ first_name: "Changed" }),
    });
    expect(out.drift).toEqual([]);
    expect(out.change?.action).toBe("forget");
  });

  it("an unchanged card reports no drift of its first name", () => {
    const out = diffContactCard({ address, desired: want, state: applied(), live: card() });
    expect(out.drift).toEqual([]);
  });

  it("reports a last name changed outside chatsync with the live value", () => {
    const out = diffContactCard({
      address,
      desired: want,
      state: applied(),
      live: card({ last_name: "Other" }),
    });
    expect(out.drift).toEqual([
      { address, field: "last_name", live: "Other", last_applied: "Lee", declared: "Lee" },
    ]);
    expect(out.change?.steps[0]).toMatchObject({ changes: { last_name: "Lee" } });
  });

  it("a new declared last name is an update, not drift, while the live card still has the old one", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, last_name: "Q" },
      state: applied(),
      live: card(),
    });
    expect(out.drift).toEqual([]);
    expect(out.change?.steps[0]).toMatchObject({ changes: { last_name: "Q" } });
  });

  it("a live last name that already matches the new declaration is no drift", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, last_name: "Q" },
      state: applied(),
      live: card({ last_name: "Q" }),
    });
    expect(out).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("a last name never applied and not declared is not managed: no drift", () => {
    const out = diffContactCard({
      address,
      desired: { phone_number: "+1", first_name: "Ann" },
      state: { kind: "contact_card", applied: { phone_number: "+1", first_name: "Ann" } },
      live: card({ last_name: "Set by hand" }),
    });
    expect(out).toEqual({ drift: [], warnings: [], errors: [] });
  });

  it("an update of an active card: the whole change, and no warning", () => {
    const out = diffContactCard({
      address,
      desired: { ...want, first_name: "Bo" },
      state: applied({ first_name: "Bo" }),
      live: card(),
    });
    expect(out.warnings).toEqual([]);
    expect(out.change).toEqual({
      address,
      kind: "contact_card",
      action: "update",
      reason: "the live card differs from the declaration",
      before: card(),
      after: { kind: "contact_card", ...want, first_name: "Bo" },
      steps: [
        {
          op: "update_contact_card",
          phone_number: "+1",
          changes: { first_name: "Bo" },
          reason: "the live card differs from the declaration",
          rule: "§5.9.3 PATCH merges; needs an active card",
        },
      ],
    });
  });
});

describe("viewChat: which handle is your line", () => {
  it("a handle that does not say whether it is you is someone else unless it is your line's number", () => {
    const chat = liveChat("c1", [A, B]);
    const unsaid = (h: ChatHandle): ChatHandle => {
      const copy = { ...h };
      delete copy.is_me;
      return copy;
    };
    chat.handles = [unsaid(handle(LINE)), unsaid(handle(A)), unsaid(handle(B))];
    const v = viewChat(chat, LINE);
    expect(v.active).toEqual([A, B]);
    expect(v.activeCount).toBe(3);
    expect(v.meActive).toBe(true);
  });
});
