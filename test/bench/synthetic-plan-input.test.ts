import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import { syntheticPlanInput } from "../../src/bench/synthetic-plan-input.js";

const plan = (count: number, changeEvery: number) => {
  const input = syntheticPlanInput(count, changeEvery);
  return {
    input,
    plan: buildPlan({
      desired: input.desired,
      live: input.live,
      state: input.state,
      statePath: "/nonexistent/state.json",
      liveFingerprint: "test",
      now: new Date("2026-01-01T00:00:00.000Z"),
    }),
  };
};

describe("syntheticPlanInput (the diff benchmark's input)", () => {
  it("describes a converged account when nothing is made to differ", () => {
    const { input, plan: p } = plan(50, 0);
    expect(input.changed).toBe(0);
    expect(Object.keys(input.desired.chats)).toHaveLength(50);
    expect(p.errors).toEqual([]);
    expect(p.changes).toEqual([]);
  });

  it("makes every n-th chat differ, and the diff finds exactly those", () => {
    const { input, plan: p } = plan(100, 10);
    expect(input.changed).toBe(10);
    expect(p.errors).toEqual([]);
    expect(p.changes.map((c) => c.address).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `chat.room-${String(i * 10).padStart(5, "0")}`),
    );
    expect(p.drift.length).toBeGreaterThanOrEqual(10);
  });
});
