/**
 * Reading a live chat: who counts as present (status null or absent means active), which
 * handle is your line, who left on their own, and when the API lets you leave. Pure.
 */
import { describe, expect, it } from "vitest";
import type { ChatHandle } from "../../src/api-wire/types.js";
import { leaveAllowed, viewChat } from "../../src/sync-engine/plan/live-chat-view.js";
import { A, B, C, LINE, handle, liveChat } from "./fixtures.js";

const withStatus = (h: ChatHandle, status: unknown): ChatHandle =>
  ({ ...h, status }) as unknown as ChatHandle;

describe("viewChat", () => {
  it("a handle with status null or absent is present; left and removed are not", () => {
    const chat = liveChat("c1", [A, B, C, "+14155550109"]);
    chat.handles = [
      handle(LINE, { me: true }),
      withStatus(handle(A), null),
      withStatus(handle(B), undefined),
      handle(C, { status: "left" }),
      handle("+14155550109", { status: "removed" }),
    ];
    const v = viewChat(chat, LINE);
    expect(v.active).toEqual([A, B]);
    expect([...v.left]).toEqual([C]);
    expect(v.meActive).toBe(true);
    expect(v.activeCount).toBe(3);
  });

  it("your line: is_me, or the line's number unless is_me says false", () => {
    const chat = liveChat("c1", [A, B]);
    chat.handles = [
      { ...handle(LINE), is_me: undefined } as unknown as ChatHandle,
      handle(A),
      handle(B),
    ];
    expect(viewChat(chat, LINE).active).toEqual([A, B]);
    // Without a line to compare, only is_me marks it.
    expect(viewChat(chat, undefined).active).toEqual([A, B, LINE].sort());
    // is_me: false on the line's own number is someone else (another account on the line).
    chat.handles = [
      handle(LINE, { me: false }),
      handle(A),
      handle(B),
      handle("+1999", { me: true }),
    ];
    expect(viewChat(chat, LINE).active).toEqual([A, B, LINE].sort());
  });

  it("your line left: not active, not counted; absent from handles: counted as present", () => {
    const left = viewChat(liveChat("c1", [A, B], { meStatus: "left" }), LINE);
    expect(left.meActive).toBe(false);
    expect(left.activeCount).toBe(2);
    expect([...left.left]).toEqual([]);
    const chat = liveChat("c1", [A, B]);
    chat.handles = chat.handles.filter((h) => h.handle !== LINE);
    expect(viewChat(chat, LINE)).toMatchObject({ meActive: true, activeCount: 3 });
  });

  it("OPTED_OUT health, or none given", () => {
    expect(viewChat(liveChat("c1", [A], { health: "OPTED_OUT" }), LINE).optedOut).toBe(true);
    expect(viewChat(liveChat("c1", [A]), LINE).optedOut).toBe(false);
    const bare = { ...liveChat("c1", [A]), health_status: undefined } as never;
    expect(viewChat(bare, LINE).optedOut).toBe(false);
  });
});

describe("leaveAllowed", () => {
  it("an iMessage group of 4 including you: yes; of 3: no, with the count", () => {
    const four = liveChat("c1", [A, B, C]);
    expect(leaveAllowed(four, viewChat(four, LINE))).toEqual({ allowed: true });
    const three = liveChat("c1", [A, B]);
    expect(leaveAllowed(three, viewChat(three, LINE))).toEqual({
      allowed: false,
      why: "the API can leave only groups with at least 4 active participants including you (this one has 3)",
    });
  });

  it("a chat of unknown service: no", () => {
    const chat = liveChat("c1", [A, B, C]);
    delete (chat as { service?: unknown }).service;
    expect(leaveAllowed(chat, viewChat(chat, LINE))).toEqual({
      allowed: false,
      why: "the API can leave only iMessage groups (this one is of unknown service)",
    });
  });
});
