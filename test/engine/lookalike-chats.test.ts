/**
 * Lookalike chats: an unmanaged live chat with the same line, people and (declared) name as a
 * chat about to be created is named instead of silently creating a second one. Pure.
 */
import { describe, expect, it } from "vitest";
import type { Chat } from "../../src/api-wire/types.js";
import { findLookalikeChats, looksLike } from "../../src/sync-engine/plan/find-lookalike-chats.js";
import { A, B, C, LINE, direct, group, liveChat } from "./fixtures.js";

const at = (chat: Chat, created_at: string): Chat => ({ ...chat, created_at });

describe("looksLike: a direct chat", () => {
  const dm = direct("alice", A);

  it("matches a direct chat with the same recipient", () => {
    expect(looksLike(liveChat("c1", [A]), dm)).toBe(true);
  });

  it("not another recipient, a group, or a chat the recipient left", () => {
    expect(looksLike(liveChat("c1", [B]), dm)).toBe(false);
    expect(looksLike(liveChat("c1", [A], { group: true }), dm)).toBe(false);
    expect(looksLike(liveChat("c1", [[A, "left"]], { group: false }), dm)).toBe(false);
  });
});

describe("looksLike: a group", () => {
  it("matches the same people in any order, a declared duplicate counted once", () => {
    const g = group("eng", [C, A, B, A]);
    expect(looksLike(liveChat("c1", [B, C, A]), g)).toBe(true);
    // A declaration built in code, not sorted by the loader, matches all the same.
    expect(
      looksLike(liveChat("c1", [A, B]), { ...group("eng", [A, B]), participants: [B, A] }),
    ).toBe(true);
  });

  it("not with one person more, one less, or one different", () => {
    const g = group("eng", [A, B]);
    expect(looksLike(liveChat("c1", [A, B, C]), g)).toBe(false);
    expect(looksLike(liveChat("c1", [A], { group: true }), g)).toBe(false);
    expect(looksLike(liveChat("c1", [A, C]), g)).toBe(false);
  });

  it("people who left do not count as the same people", () => {
    expect(looksLike(liveChat("c1", [A, B, [C, "left"]]), group("eng", [A, B]))).toBe(true);
    expect(looksLike(liveChat("c1", [A, [B, "left"]], { group: true }), group("eng", [A, B]))).toBe(
      false,
    );
  });

  it("not a direct chat, even with the one declared person", () => {
    expect(looksLike(liveChat("c1", [A], { group: false }), group("eng", [A]))).toBe(false);
  });

  it("a declared name must match; an undeclared name matches any", () => {
    const named = group("eng", [A, B], { display_name: "Eng" });
    expect(looksLike(liveChat("c1", [A, B], { name: "Eng" }), named)).toBe(true);
    expect(looksLike(liveChat("c1", [A, B], { name: "Ops" }), named)).toBe(false);
    expect(looksLike(liveChat("c1", [A, B]), named)).toBe(false);
    expect(looksLike(liveChat("c1", [A, B], { name: "Ops" }), group("eng", [A, B]))).toBe(true);
  });

  it("your own line is not one of the people, recognised by its number when is_me is absent", () => {
    const live = liveChat("c1", [A, B]);
    live.handles = live.handles.map((h) =>
      h.handle === LINE ? ({ ...h, is_me: undefined } as unknown as typeof h) : h,
    );
    expect(looksLike(live, group("eng", [A, B]))).toBe(true);
  });
});

describe("findLookalikeChats", () => {
  const g = group("eng", [A, B]);
  const dm = direct("alice", C);

  it("lists, per address to create, the unmanaged chats on its line that look like it, earliest first", () => {
    const late = at(liveChat("late", [A, B]), "2026-03-01T00:00:00.000Z");
    const early = at(liveChat("early", [B, A]), "2026-01-01T00:00:00.000Z");
    const other = liveChat("other", [A, C]);
    const found = findLookalikeChats(
      [
        { address: "chat.eng", desired: g },
        { address: "chat.alice", desired: dm },
      ],
      { [LINE]: [late, other, early] },
    );
    expect([...found.keys()]).toEqual(["chat.eng"]);
    expect(found.get("chat.eng")?.map((c) => c.id)).toEqual(["early", "late"]);
  });

  it("looks only on the declaration's line", () => {
    const found = findLookalikeChats([{ address: "chat.eng", desired: g }], {
      "+12025550199": [liveChat("c1", [A, B])],
    });
    expect(found.size).toBe(0);
  });

  it("leaves out chats already spoken for", () => {
    const chats = { [LINE]: [liveChat("taken", [A, B]), liveChat("free", [A, B])] };
    const found = findLookalikeChats(
      [{ address: "chat.eng", desired: g }],
      chats,
      new Set(["taken"]),
    );
    expect(found.get("chat.eng")?.map((c) => c.id)).toEqual(["free"]);
    expect(
      findLookalikeChats([{ address: "chat.eng", desired: g }], chats, new Set(["taken", "free"]))
        .size,
    ).toBe(0);
  });

  it("finds nothing when nothing is to be created", () => {
    expect(findLookalikeChats([], { [LINE]: [liveChat("c1", [A, B])] }).size).toBe(0);
  });
});
