/**
 * The line a reviewer reads for each step, drift and plan summary (plan output, markdown and
 * apply progress all use it). Secrets are never shown. Pure: no I/O.
 */
import { describe, expect, it } from "vitest";
import {
  ACTION_MARKER,
  describeDrift,
  describeStep,
  stepMarker,
  summaryLine,
} from "../../src/sync-engine/plan/describe-step.js";
import { summarize, type PlanSummary, type Step } from "../../src/sync-engine/plan/plan-types.js";

const r = { reason: "r" };
const cases: Array<[Step, string, string]> = [
  [
    {
      op: "create_chat",
      from: "+1",
      to: ["+2", "+3"],
      is_group: true,
      welcome_message: "Hi",
      generation: 2,
      ...r,
    },
    "+",
    'create group chat from +1 with +2, +3, first message "Hi" (generation 2)',
  ],
  [
    {
      op: "create_chat",
      from: "+1",
      to: ["+2"],
      is_group: false,
      welcome_message: "Hi",
      generation: 1,
      ...r,
    },
    "+",
    'create direct chat from +1 with +2, first message "Hi" (generation 1)',
  ],
  [
    { op: "adopt_chat", chat_id: "c1", from: "+1", to: ["+2"], generation: 1, ...r },
    "+",
    "record chat c1, which the interrupted create made (nothing is created again)",
  ],
  [{ op: "add_participant", handle: "+2", ...r }, "+", "add +2"],
  [{ op: "remove_participant", handle: "+2", ...r }, "-", "remove +2"],
  [{ op: "rename_chat", display_name: "Eng", ...r }, "~", 'set display_name to "Eng"'],
  [{ op: "set_chat_icon", icon: "https://i", ...r }, "~", "set icon to https://i"],
  [{ op: "share_contact_card", ...r }, "+", "share the line's contact card (once)"],
  [{ op: "request_location", ...r }, "+", "ask the recipient to share their location (once)"],
  [
    { op: "settle_interrupted_send", purpose: "share_contact_card", ...r },
    "~",
    "record the interrupted contact-card share as done (not sent again)",
  ],
  [
    { op: "settle_interrupted_send", purpose: "request_location", ...r },
    "~",
    "record the interrupted location request as done (not sent again)",
  ],
  [{ op: "leave_chat", chat_id: "c1", ...r }, "-", "leave chat c1"],
  [{ op: "forget_chat", chat_id: "c1", ...r }, "-", "forget chat c1 (it stays on the account)"],
  [{ op: "forget_chat", ...r }, "-", "forget the address"],
  [
    {
      op: "create_webhook",
      target_url: "https://h",
      events: ["a", "b"],
      phone_numbers: [],
      active: true,
      ...r,
    },
    "+",
    "subscribe https://h to a, b; signing_secret: (sensitive)",
  ],
  [
    {
      op: "create_webhook",
      target_url: "https://h",
      events: ["a"],
      phone_numbers: ["+1", "+2"],
      active: false,
      secret_file: "s.txt",
      ...r,
    },
    "+",
    "subscribe https://h to a for +1, +2 (inactive); signing_secret: (sensitive) → written to s.txt",
  ],
  [
    {
      op: "update_webhook",
      webhook_id: "w1",
      changes: { is_active: false, phone_numbers: null },
      ...r,
    },
    "~",
    "update subscription w1: is_active = false, phone_numbers = null",
  ],
  [{ op: "delete_webhook", webhook_id: "w1", ...r }, "-", "delete subscription w1"],
  [{ op: "adopt_webhook", webhook_id: "w1", ...r }, "~", "adopt existing subscription w1"],
  [
    {
      op: "create_contact_card",
      phone_number: "+1",
      first_name: "Ann",
      last_name: "Lee",
      image_url: "https://i",
      ...r,
    },
    "+",
    'create contact card for +1: first_name = "Ann", last_name = "Lee", image_url = "https://i"',
  ],
  [
    { op: "create_contact_card", phone_number: "+1", first_name: "Ann", ...r },
    "+",
    'create contact card for +1: first_name = "Ann"',
  ],
  [
    {
      op: "update_contact_card",
      phone_number: "+1",
      changes: { first_name: "Bo", last_name: "Q" },
      ...r,
    },
    "~",
    'update contact card of +1: first_name = "Bo", last_name = "Q"',
  ],
  [{ op: "forget_contact_card", ...r }, "-", "forget the contact card (the API cannot delete it)"],
];

describe("describeStep and stepMarker", () => {
  it.each(cases)("%o", (step, marker, text) => {
    expect(describeStep(step)).toBe(text);
    expect(stepMarker(step)).toBe(marker);
  });

  it("every action has its marker", () => {
    expect(ACTION_MARKER).toEqual({
      create: "+",
      update: "~",
      replace: "-/+",
      leave: "-",
      forget: "-",
      delete: "-",
      import: "<=",
      move: "→",
    });
  });
});

describe("describeDrift", () => {
  it("live, declared when still declared, and last applied", () => {
    expect(
      describeDrift({
        address: "chat.a",
        field: "display_name",
        live: "X",
        last_applied: "Y",
        declared: "Y",
      }),
    ).toBe('display_name: live: "X", declared: "Y" (last applied: "Y")');
    expect(
      describeDrift({
        address: "chat.a",
        field: "icon",
        live: undefined,
        last_applied: "https://i",
      }),
    ).toBe('icon: live: null (last applied: "https://i")');
  });
});

describe("summaryLine", () => {
  const none: PlanSummary = summarize([]);

  it("says when there is nothing to do", () => {
    expect(summaryLine(none)).toBe("No changes. The account matches the configuration.");
  });

  it("names imports and moves first, and only when there are some", () => {
    expect(summaryLine({ ...none, import: 2, move: 1, create: 1 })).toBe(
      "Plan: 2 to import, 1 to move, 1 to create, 0 to update, 0 to replace, 0 to leave.",
    );
  });

  it("counts every action; forget and delete only when there are some", () => {
    expect(summaryLine({ ...none, create: 1, update: 2, replace: 3, leave: 4 })).toBe(
      "Plan: 1 to create, 2 to update, 3 to replace, 4 to leave.",
    );
    expect(summaryLine({ ...none, forget: 1 })).toBe(
      "Plan: 0 to create, 0 to update, 0 to replace, 0 to leave, 1 to forget.",
    );
    expect(summaryLine({ ...none, delete: 2 })).toBe(
      "Plan: 0 to create, 0 to update, 0 to replace, 0 to leave, 2 to delete.",
    );
    expect(summaryLine({ ...none, forget: 1, delete: 2 })).toBe(
      "Plan: 0 to create, 0 to update, 0 to replace, 0 to leave, 1 to forget, 2 to delete.",
    );
  });
});
