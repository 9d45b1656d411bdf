/**
 * The removal guard at its exact boundaries: half a roster may go, one more may not; exactly
 * --max-removals passes, one more is refused. Pure: plans built from fixtures, no I/O.
 */
import { describe, expect, it } from "vitest";
import type { Address } from "../../src/sync-engine/model/desired-state.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { ResourceChange, Step } from "../../src/sync-engine/plan/plan-types.js";
import {
  DEFAULT_MAX_REMOVALS,
  checkRemovals,
  describeViolation,
} from "../../src/sync-engine/plan/removal-guard.js";
import {
  chats,
  desiredState,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

const people = (n: number, from = 2000) =>
  Array.from({ length: n }, (_, i) => `+1415555${String(from + i)}`);

/** A plan for chat.eng that keeps `keep` of the live roster `live`. */
function keepOnly(keep: string[], live: string[]) {
  return buildPlan({
    desired: desiredState({ chats: chats(group("eng", keep)) }),
    live: snapshot({ chats: { c1: liveChat("c1", live) } }),
    state: stateDoc({ "chat.eng": managedChat("c1", group("eng", live)) }),
    statePath: "s",
    liveFingerprint: "fp",
  });
}

/** A change as the guard reads it: `removes` removals from a roster of `roster`, `leaves` leaves. */
function change(address: Address, removes: number, roster: unknown, leaves = 0): ResourceChange {
  const steps: Step[] = [
    ...people(removes).map((h): Step => ({
      op: "remove_participant",
      handle: h,
      reason: "r",
      rule: "x",
    })),
    ...Array.from({ length: leaves }, (_, i): Step => ({
      op: "leave_chat",
      chat_id: `c${i}`,
      reason: "r",
      rule: "x",
    })),
  ];
  return {
    address,
    kind: "chat",
    action: "update",
    reason: "r",
    before: roster === undefined ? null : { participants: roster },
    after: null,
    steps,
  };
}

describe("removal guard: half a roster", () => {
  it("lets exactly half of a roster go (2 of 4), refuses one more (3 of 5)", () => {
    const four = people(4);
    expect(checkRemovals(keepOnly(four.slice(0, 2), four)).violations).toEqual([]);
    const five = people(5);
    expect(checkRemovals(keepOnly(five.slice(0, 2), five)).violations).toEqual([
      {
        address: "chat.eng",
        message: "removes 3 of 5 participants (more than half of the roster)",
        lifted_by: "--allow-removals",
      },
    ]);
  });

  it("counts the roster the chat had before the plan", () => {
    expect(checkRemovals({ changes: [change("chat.a", 3, people(6))] }).ok).toBe(true);
    expect(checkRemovals({ changes: [change("chat.a", 3, people(5))] }).ok).toBe(false);
  });

  it("a roster it cannot read counts as empty: any removal is more than half of it", () => {
    expect(checkRemovals({ changes: [change("chat.a", 1, undefined)] }).violations).toEqual([
      {
        address: "chat.a",
        message: "removes 1 of 0 participants (more than half of the roster)",
        lifted_by: "--allow-removals",
      },
    ]);
    expect(checkRemovals({ changes: [change("chat.a", 1, "not a list")] }).ok).toBe(false);
    // No removal, nothing to guard, whatever the roster.
    expect(checkRemovals({ changes: [change("chat.a", 0, undefined)] }).ok).toBe(true);
  });

  it("judges each chat on its own roster, one violation per chat", () => {
    const r = checkRemovals({
      changes: [
        change("chat.a", 3, people(5)),
        change("chat.b", 1, people(4)),
        change("chat.c", 2, people(3)),
      ],
    });
    expect(r.violations.map((v) => v.address)).toEqual(["chat.a", "chat.c"]);
  });
});

describe("removal guard: --max-removals", () => {
  it("defaults to 10", () => {
    expect(DEFAULT_MAX_REMOVALS).toBe(10);
  });

  it("lets exactly the limit of removals through, refuses one more, across chats", () => {
    const at = [change("chat.a", 5, people(20)), change("chat.b", 5, people(20))];
    expect(checkRemovals({ changes: at })).toEqual({ ok: true, violations: [] });
    const over = [...at, change("chat.c", 1, people(20))];
    expect(checkRemovals({ changes: over })).toEqual({
      ok: false,
      violations: [
        {
          message: "the plan removes 11 participants in total (--max-removals is 10)",
          lifted_by: "--max-removals 11 or --allow-removals",
        },
      ],
    });
    expect(checkRemovals({ changes: over }, { maxRemovals: 11 }).ok).toBe(true);
    expect(checkRemovals({ changes: at }, { maxRemovals: 9 }).ok).toBe(false);
  });

  it("lets exactly the limit of chats be left, refuses one more", () => {
    expect(checkRemovals({ changes: [change("chat.x", 0, [], 3)] }, { maxRemovals: 3 }).ok).toBe(
      true,
    );
    expect(checkRemovals({ changes: [change("chat.x", 0, [], 4)] }, { maxRemovals: 3 })).toEqual({
      ok: false,
      violations: [
        {
          message: "the plan leaves 4 chats (--max-removals is 3)",
          lifted_by: "--max-removals 4 or --allow-removals",
        },
      ],
    });
  });

  it("--max-removals 0 refuses any removal or leave", () => {
    expect(checkRemovals({ changes: [change("chat.x", 0, [])] }, { maxRemovals: 0 }).ok).toBe(true);
    expect(
      checkRemovals({ changes: [change("chat.x", 1, people(9))] }, { maxRemovals: 0 }).ok,
    ).toBe(false);
    expect(checkRemovals({ changes: [change("chat.x", 0, [], 1)] }, { maxRemovals: 0 }).ok).toBe(
      false,
    );
  });

  it("reports every violated limit, and --allow-removals lifts them all", () => {
    const plan = { changes: [change("chat.a", 11, people(12), 11)] };
    expect(checkRemovals(plan).violations.map((v) => v.message)).toEqual([
      "removes 11 of 12 participants (more than half of the roster)",
      "the plan removes 11 participants in total (--max-removals is 10)",
      "the plan leaves 11 chats (--max-removals is 10)",
    ]);
    expect(checkRemovals(plan, { allowRemovals: true })).toEqual({ ok: true, violations: [] });
    expect(checkRemovals(plan, { allowRemovals: false }).ok).toBe(false);
  });
});

describe("removal guard: the sentence a user reads", () => {
  const perChat = {
    address: "chat.a" as Address,
    message: "removes 3 of 5",
    lifted_by: "--allow-removals",
  };
  const total = {
    message: "the plan leaves 4 chats",
    lifted_by: "--max-removals 4 or --allow-removals",
  };

  it("names the chat, what it does and what lifts it", () => {
    expect(describeViolation(perChat)).toBe(
      "chat.a: removes 3 of 5; apply refuses this unless --allow-removals",
    );
    expect(describeViolation(perChat, false)).toBe(
      "removes 3 of 5; apply refuses this unless --allow-removals",
    );
    expect(describeViolation(total)).toBe(
      "the plan leaves 4 chats; apply refuses this unless --max-removals 4 or --allow-removals",
    );
  });
});
