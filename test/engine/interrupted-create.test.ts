/**
 * An interrupted create (UNSETTLED §12.1): finding the chat it made, and the plan that records
 * that chat instead of creating a second one. Pure: a fake API, no emulator.
 */
import { describe, expect, it } from "vitest";
import type { Chat, ListChatsResponse, Message } from "../../src/api-wire/types.js";
import type { ListChatsParams } from "../../src/sync-engine/client/linq-api.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan } from "../../src/sync-engine/plan/plan-types.js";
import {
  CLOCK_SKEW_MS,
  findCreatedChat,
  type CreatedChatMatch,
  type FindCreatedChatApi,
} from "../../src/sync-engine/refresh/find-created-chat.js";
import type { ChatResourceState } from "../../src/sync-engine/state/state-types.js";
import {
  A,
  B,
  C,
  LINE,
  chats,
  desiredState,
  direct,
  group,
  liveChat,
  snapshot,
  stateDoc,
  textMessage,
} from "./fixtures.js";

const STARTED = "2026-03-01T12:00:00.000Z";
const REQUEST = { from: LINE, to: [A, B], welcome_message: "Welcome!" };

function createdAt(chat: Chat, iso: string): Chat {
  return { ...chat, created_at: iso };
}

const message = textMessage;

/** A fake API over `chats` (two per page, to prove paging) and their messages. */
function fakeApi(chatList: Chat[], messages: Record<string, Message[]>) {
  const calls: string[] = [];
  const api: FindCreatedChatApi = {
    async listChatsPage(params: ListChatsParams = {}): Promise<ListChatsResponse> {
      calls.push(`chats from=${params.from} to=${params.to} cursor=${params.cursor ?? ""}`);
      const matching = chatList.filter(
        (c) =>
          c.handles.some((h) => h.is_me && h.handle === params.from) &&
          c.handles.some((h) => !h.is_me && h.handle === params.to),
      );
      const start = Number(params.cursor ?? 0);
      const page = matching.slice(start, start + 2);
      return {
        chats: page,
        next_cursor: start + 2 < matching.length ? String(start + 2) : null,
      };
    },
    async listMessagesPage(chatId: string) {
      calls.push(`messages ${chatId}`);
      return { messages: messages[chatId] ?? [], next_cursor: null };
    },
  };
  return { api, calls };
}

describe("findCreatedChat", () => {
  const after = "2026-03-01T12:00:01.000Z";

  it("finds the chat on the line with exactly the recipients and the welcome message", async () => {
    const made = createdAt(liveChat("made", [A, B]), after);
    const { api, calls } = fakeApi(
      [
        createdAt(liveChat("other-roster", [A, C]), after),
        createdAt(liveChat("superset", [A, B, C]), after),
        made,
      ],
      { made: [message("made", "Welcome!")] },
    );
    const found = await findCreatedChat(api, REQUEST, new Date(STARTED));
    expect(found?.chat.id).toBe("made");
    expect(found?.others).toEqual([]);
    // The list is narrowed by line and first recipient, and paged to the end.
    expect(calls[0]).toBe(`chats from=${LINE} to=${A} cursor=`);
    expect(calls).toContain(`chats from=${LINE} to=${A} cursor=2`);
    // Only a chat with the right roster costs a message read.
    expect(calls.filter((c) => c.startsWith("messages"))).toEqual(["messages made"]);
  });

  it("ignores a chat with the same roster but without the welcome text from the line", async () => {
    const { api } = fakeApi([createdAt(liveChat("x", [A, B]), after)], {
      x: [message("x", "Welcome!", false), message("x", "Something else")],
    });
    expect(await findCreatedChat(api, REQUEST, new Date(STARTED))).toBeUndefined();
  });

  it("ignores a chat made before the create started (beyond the clock-skew allowance)", async () => {
    const old = new Date(Date.parse(STARTED) - CLOCK_SKEW_MS - 1000).toISOString();
    const skewed = new Date(Date.parse(STARTED) - CLOCK_SKEW_MS + 1000).toISOString();
    const { api } = fakeApi(
      [createdAt(liveChat("old", [A, B]), old), createdAt(liveChat("skewed", [A, B]), skewed)],
      { old: [message("old", "Welcome!")], skewed: [message("skewed", "Welcome!")] },
    );
    expect((await findCreatedChat(api, REQUEST, new Date(STARTED)))?.chat.id).toBe("skewed");
  });

  it("adopts the earliest of several matches and names the others", async () => {
    const { api } = fakeApi(
      [
        createdAt(liveChat("second", [A, B]), "2026-03-01T12:00:05.000Z"),
        createdAt(liveChat("first", [A, B]), "2026-03-01T12:00:02.000Z"),
      ],
      { first: [message("first", "Welcome!")], second: [message("second", "Welcome!")] },
    );
    const found = await findCreatedChat(api, REQUEST, new Date(STARTED));
    expect(found?.chat.id).toBe("first");
    expect(found?.others.map((c) => c.id)).toEqual(["second"]);
  });

  it("never matches a chat the state already manages for another address", async () => {
    const { api } = fakeApi(
      [
        createdAt(liveChat("managed", [A, B]), "2026-03-01T12:00:02.000Z"),
        createdAt(liveChat("made", [A, B]), "2026-03-01T12:00:05.000Z"),
      ],
      { managed: [message("managed", "Welcome!")], made: [message("made", "Welcome!")] },
    );
    const found = await findCreatedChat(api, REQUEST, new Date(STARTED), new Set(["managed"]));
    expect(found?.chat.id).toBe("made");
    expect(found?.others).toEqual([]);
  });

  it("a candidate that vanished before its messages were read, or has no readable created_at, is no match", async () => {
    const { api } = fakeApi(
      [
        createdAt(liveChat("gone", [A, B]), after),
        createdAt(liveChat("no-date", [A, B]), "not a date"),
      ],
      { "no-date": [message("no-date", "Welcome!")] },
    );
    const read = api.listMessagesPage.bind(api);
    api.listMessagesPage = async (id, p) => {
      if (id === "gone") throw Object.assign(new Error("Chat not found"), { status: 404 });
      return read(id, p);
    };
    expect(await findCreatedChat(api, REQUEST, new Date(STARTED))).toBeUndefined();
  });

  it("tells a direct chat from a group with the same one person", async () => {
    const req = { from: LINE, to: [A], welcome_message: "Hi!" };
    const { api } = fakeApi(
      [
        createdAt(liveChat("grp", [A], { group: true }), after),
        createdAt(liveChat("dm", [A]), after),
      ],
      { grp: [message("grp", "Hi!")], dm: [message("dm", "Hi!")] },
    );
    expect((await findCreatedChat(api, req, new Date(STARTED)))?.chat.id).toBe("dm");
  });
});

describe("the plan for an interrupted create", () => {
  const pendingState = (): ChatResourceState => ({
    kind: "chat",
    generation: 1,
    intents: [
      {
        purpose: "create_chat",
        generation: 2,
        idempotency_key: "key-2",
        request: REQUEST,
        started_at: STARTED,
      },
    ],
    markers: {},
  });

  function planWith(interrupted: CreatedChatMatch | null, declared = true): Plan {
    return buildPlan({
      desired: desiredState({
        chats: declared ? chats(group("eng", [A, B], { display_name: "Eng" })) : {},
      }),
      live: snapshot({ interrupted_creates: { "chat.eng": interrupted } }),
      state: stateDoc({ "chat.eng": pendingState() }),
      statePath: "/tmp/state.json",
      liveFingerprint: "fp",
      options: {},
      now: new Date("2026-03-01T13:00:00Z"),
    });
  }

  it("records the chat the create made instead of creating again, then continues", () => {
    const found = createdAt(liveChat("made", [A, B]), STARTED);
    const p = planWith({ chat: found, others: [] });
    const change = p.changes.find((c) => c.address === "chat.eng")!;
    expect(change.steps.map((s) => s.op)).toEqual(["adopt_chat", "rename_chat"]);
    expect(change.steps[0]).toMatchObject({
      chat_id: "made",
      from: LINE,
      to: [A, B],
      generation: 2,
    });
    expect(change.reason).toMatch(/after the API made chat made; that chat is recorded/);
    expect(p.warnings).toEqual([]);
  });

  it("names other matching chats as duplicates it does not manage", () => {
    const found = createdAt(liveChat("made", [A, B]), STARTED);
    const p = planWith({ chat: found, others: [createdAt(liveChat("dup-1", [A, B]), STARTED)] });
    expect(p.warnings.map((w) => w.message).join("\n")).toMatch(
      /chat dup-1 matches the interrupted create of chat\.eng too/,
    );
  });

  it("two identical interrupted creates record different chats, never the same one", () => {
    const first = createdAt(liveChat("made-1", [A, B]), STARTED);
    const second = createdAt(liveChat("made-2", [A, B]), "2026-03-01T12:00:09.000Z");
    const match = { chat: first, others: [second] };
    const p = buildPlan({
      desired: desiredState({ chats: chats(group("a", [A, B]), group("b", [A, B])) }),
      live: snapshot({ interrupted_creates: { "chat.a": match, "chat.b": match } }),
      state: stateDoc({ "chat.a": pendingState(), "chat.b": pendingState() }),
      statePath: "/tmp/state.json",
      liveFingerprint: "fp",
      options: {},
      now: new Date("2026-03-01T13:00:00Z"),
    });
    const adopted = (address: string) =>
      p.changes.find((c) => c.address === address)!.steps[0] as { op: string; chat_id?: string };
    expect(adopted("chat.a")).toMatchObject({ op: "adopt_chat", chat_id: "made-1" });
    expect(adopted("chat.b")).toMatchObject({ op: "adopt_chat", chat_id: "made-2" });
    // Neither is reported as the other's duplicate.
    expect(p.warnings).toEqual([]);

    // The refresh may list the addresses in any order: chats go out in address order.
    const reversed = buildPlan({
      desired: desiredState({ chats: chats(group("a", [A, B]), group("b", [A, B])) }),
      live: snapshot({ interrupted_creates: { "chat.b": match, "chat.a": match } }),
      state: stateDoc({ "chat.a": pendingState(), "chat.b": pendingState() }),
      statePath: "/tmp/state.json",
      liveFingerprint: "fp",
      now: new Date("2026-03-01T13:00:00Z"),
    });
    expect(
      reversed.changes.map((c) => [c.address, (c.steps[0] as { chat_id?: string }).chat_id]),
    ).toEqual([
      ["chat.a", "made-1"],
      ["chat.b", "made-2"],
    ]);
  });

  it("an adopted chat is judged as it is: no location request to an SMS direct chat", () => {
    const request = { from: LINE, to: [A], welcome_message: "Hi!" };
    const st: ChatResourceState = {
      ...pendingState(),
      intents: [{ ...pendingState().intents[0]!, request }],
    };
    const found = createdAt(liveChat("dm", [A], { service: "SMS" }), STARTED);
    const p = buildPlan({
      desired: desiredState({ chats: chats(direct("dm", A, { location_request: true })) }),
      live: snapshot({ interrupted_creates: { "chat.dm": { chat: found, others: [] } } }),
      state: stateDoc({ "chat.dm": st }),
      statePath: "/tmp/state.json",
      liveFingerprint: "fp",
      options: {},
      now: new Date("2026-03-01T13:00:00Z"),
    });
    expect(p.changes[0]!.steps.map((s) => s.op)).toEqual(["adopt_chat"]);
    expect(p.warnings.map((w) => w.message)).toEqual([
      "location_request needs an iMessage chat; this one is SMS, so no request is sent",
    ]);
  });

  it("a removed address whose interrupted create made nothing is forgotten with a note", () => {
    const p = planWith(null, false);
    expect(p.changes[0]).toMatchObject({ address: "chat.eng", action: "forget" });
    expect(p.warnings.map((w) => w.message)).toEqual([
      "an interrupted create for chat.eng made no chat the line lists now; if one shows up later, chatsync no longer tracks it",
    ]);
  });

  it("replays the journaled request with its key when the line shows no such chat", () => {
    const p = planWith(null);
    const change = p.changes.find((c) => c.address === "chat.eng")!;
    expect(change.steps[0]).toMatchObject({ op: "create_chat", generation: 2, to: [A, B] });
    expect(change.reason).toMatch(/shows no chat it made; it is sent again/);
  });

  it("a removed address leaves the chat its interrupted create made, instead of losing track of it", () => {
    const found = createdAt(liveChat("made", [A, B, C]), STARTED);
    const p = planWith({ chat: found, others: [] }, false);
    const change = p.changes.find((c) => c.address === "chat.eng")!;
    expect(change.action).toBe("leave");
    expect(change.steps[0]).toMatchObject({ op: "leave_chat", chat_id: "made" });
    expect(p.warnings.map((w) => w.message).join("\n")).not.toMatch(/no longer track/);
  });
});
