/**
 * Drift: what changed on the live chat since the last apply, reported as live vs last-applied
 * vs declared. A live value that already matches the declaration is not drift. Pure.
 */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan } from "../../src/sync-engine/plan/plan-types.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import type { ChatResourceState } from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
  D,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  managedChat,
  snapshot,
  stateDoc,
} from "./fixtures.js";

function plan(
  desired: DesiredState,
  live: ReturnType<typeof liveChat>,
  st: ChatResourceState,
): Plan {
  return buildPlan({
    desired,
    live: snapshot({ chats: { c1: live } }),
    state: stateDoc({ "chat.eng": st }),
    statePath: "s",
    liveFingerprint: "fp",
  });
}

describe("drift of a group's name and icon", () => {
  const applied = group("eng", [A, B, C], { display_name: "Eng", icon: "https://x/i.png" });

  it("a renamed chat is drift: live, last applied and declared", () => {
    const p = plan(
      desiredState({ chats: chats(applied) }),
      liveChat("c1", [A, B, C], { name: "Hacked", icon: "https://x/i.png" }),
      managedChat("c1", applied),
    );
    expect(p.drift).toEqual([
      {
        address: "chat.eng",
        field: "display_name",
        live: "Hacked",
        last_applied: "Eng",
        declared: "Eng",
      },
    ]);
  });

  it("a changed icon is drift, a removed icon too (live null)", () => {
    const p = plan(
      desiredState({ chats: chats(applied) }),
      liveChat("c1", [A, B, C], { name: "Eng" }),
      managedChat("c1", applied),
    );
    expect(p.drift).toEqual([
      {
        address: "chat.eng",
        field: "icon",
        live: null,
        last_applied: "https://x/i.png",
        declared: "https://x/i.png",
      },
    ]);
  });

  it("a live value that already matches a new declaration is not drift", () => {
    const renamed = group("eng", [A, B, C], { display_name: "New", icon: "https://x/j.png" });
    const p = plan(
      desiredState({ chats: chats(renamed) }),
      liveChat("c1", [A, B, C], { name: "New", icon: "https://x/j.png" }),
      managedChat("c1", applied),
    );
    expect(p.drift).toEqual([]);
  });

  it("a name or icon chatsync never set is not drift", () => {
    const plain = group("eng", [A, B, C]);
    const p = plan(
      desiredState({ chats: chats(plain) }),
      liveChat("c1", [A, B, C], { name: "Theirs", icon: "https://x/theirs.png" }),
      managedChat("c1", plain),
    );
    expect(p.drift).toEqual([]);
  });

  it("a group now declared as a direct chat: drift has no declared value", () => {
    const p = plan(
      desiredState({ chats: chats(direct("eng", A)) }),
      liveChat("c1", [A, B, C], { name: "Hacked", icon: "https://x/i.png" }),
      managedChat("c1", applied),
    );
    expect(p.changes[0]?.action).toBe("replace");
    expect(p.drift).toEqual([
      { address: "chat.eng", field: "display_name", live: "Hacked", last_applied: "Eng" },
    ]);
  });
});

describe("drift of a group's roster", () => {
  it("authoritative: anyone added or gone on the live chat is drift", () => {
    const g = group("eng", [A, B, C]);
    const p = plan(
      desiredState({ chats: chats(g) }),
      liveChat("c1", [A, B, C, D]),
      managedChat("c1", g),
    );
    expect(p.drift).toEqual([
      {
        address: "chat.eng",
        field: "participants",
        live: [A, B, C, D],
        last_applied: [A, B, C],
        declared: [A, B, C],
      },
    ]);
    const gone = plan(
      desiredState({ chats: chats(g) }),
      liveChat("c1", [A, B]),
      managedChat("c1", g),
    );
    expect(gone.drift.map((d) => d.field)).toEqual(["participants"]);
  });

  it("additive: someone extra is expected, a declared person missing is drift", () => {
    const g = group("eng", [A, B, C], { roster: "additive" });
    const extra = plan(
      desiredState({ chats: chats(g) }),
      liveChat("c1", [A, B, C, D]),
      managedChat("c1", g),
    );
    expect(extra.drift).toEqual([]);
    const missing = plan(
      desiredState({ chats: chats(g) }),
      liveChat("c1", [A, B, D]),
      managedChat("c1", g),
    );
    expect(missing.drift).toEqual([
      {
        address: "chat.eng",
        field: "participants",
        live: [A, B, D],
        last_applied: [A, B, C],
        declared: [A, B, C],
      },
    ]);
  });

  it("a live roster that already matches the declaration is not drift", () => {
    const was = group("eng", [A, B, C]);
    const now = group("eng", [A, B, C, D]);
    const p = plan(
      desiredState({ chats: chats(now) }),
      liveChat("c1", [A, B, C, D]),
      managedChat("c1", was),
    );
    expect(p.drift).toEqual([]);
  });

  it("a direct chat has no drift", () => {
    const dm = direct("eng", A);
    const p = plan(
      desiredState({ chats: chats(dm) }),
      liveChat("c1", [A], { group: false, name: "x" }),
      managedChat("c1", dm),
    );
    expect(p.drift).toEqual([]);
  });
});
