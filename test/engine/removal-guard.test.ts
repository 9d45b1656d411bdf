import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import { checkRemovals } from "../../src/sync-engine/plan/removal-guard.js";
import {
  A,
  B,
  C,
  D,
  E,
  chats,
  desiredState,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

const many = (n: number) => Array.from({ length: n }, (_, i) => `+1415555${String(2000 + i)}`);

function removalPlan(keep: string[], live: string[]) {
  const g = group("eng", keep);
  return buildPlan({
    desired: desiredState({ chats: chats(g) }),
    live: snapshot({ chats: { c1: liveChat("c1", live) } }),
    state: stateDoc({ "chat.eng": managedChat("c1", group("eng", live)) }),
    statePath: "s",
    liveFingerprint: "fp",
  });
}

describe("removal guard", () => {
  it("passes a plan within the limits", () => {
    expect(checkRemovals(removalPlan([A, B, C, D], [A, B, C, D, E]))).toEqual({
      ok: true,
      violations: [],
    });
  });

  it("refuses removing more than half of a chat's roster", () => {
    const r = checkRemovals(removalPlan([A, B], [A, B, C, D, E]));
    expect(r.ok).toBe(false);
    expect(r.violations[0]).toEqual({
      address: "chat.eng",
      message: "removes 3 of 5 participants (more than half of the roster)",
      // No --max-removals value lifts the half-roster rule, so the hint must not offer one.
      lifted_by: "--allow-removals",
    });
    expect(checkRemovals(removalPlan([A, B], [A, B, C, D, E]), { maxRemovals: 50 }).ok).toBe(false);
  });

  it("is evaluated by the plan itself: a warning naming the flag that lifts it", () => {
    const p = removalPlan([A, B], [A, B, C, D, E]);
    expect(p.warnings).toContainEqual({
      address: "chat.eng",
      code: "REMOVAL_GUARD",
      lifted_by: "--allow-removals",
      message:
        "removes 3 of 5 participants (more than half of the roster); apply refuses this unless --allow-removals",
    });
    // Within the limits: no guard warning.
    const fine = removalPlan([A, B, C, D], [A, B, C, D, E]);
    expect(fine.warnings.filter((w) => w.code === "REMOVAL_GUARD")).toEqual([]);
  });

  it("refuses more than --max-removals in total, unless --allow-removals", () => {
    const live = many(30);
    const p = removalPlan(live.slice(0, 18), live);
    expect(checkRemovals(p).violations).toEqual([
      {
        message: "the plan removes 12 participants in total (--max-removals is 10)",
        lifted_by: "--max-removals 12 or --allow-removals",
      },
    ]);
    expect(checkRemovals(p, { maxRemovals: 12 }).ok).toBe(true);
    expect(checkRemovals(p, { allowRemovals: true }).ok).toBe(true);
  });

  it("counts chats left against the same limit", () => {
    const resources = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [
        `chat.g${i}`,
        managedChat(`c${i}`, group(`g${i}`, [A, B, C])),
      ]),
    );
    const live = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`c${i}`, liveChat(`c${i}`, [A, B, C])]),
    );
    const p = buildPlan({
      desired: desiredState(),
      live: snapshot({ chats: live }),
      state: stateDoc(resources),
      statePath: "s",
      liveFingerprint: "fp",
    });
    expect(checkRemovals(p, { maxRemovals: 2 }).violations).toEqual([
      {
        message: "the plan leaves 3 chats (--max-removals is 2)",
        lifted_by: "--max-removals 3 or --allow-removals",
      },
    ]);
  });
});
