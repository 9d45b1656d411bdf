import { describe, expect, it } from "vitest";
import type { Chat, ListChatsResponse } from "../../src/api-wire/types.js";
import type { ListChatsParams } from "../../src/sync-engine/client/linq-api.js";
import {
  PER_OBJECT_MAX,
  refreshLive,
  type RefreshApi,
} from "../../src/sync-engine/refresh/refresh-live.js";
import { fingerprintLive } from "../../src/sync-engine/refresh/live-fingerprint.js";
import type { StateDocument } from "../../src/sync-engine/state/state-types.js";
import { A, B, LINE, group, liveChat, managedChat, stateDoc, textMessage } from "./fixtures.js";

/** A fake account: `chats` on LINE, paged like the API; every call is counted. */
function fakeApi(chats: Chat[], welcomes = new Map<string, string>()) {
  const calls: string[] = [];
  const api: RefreshApi = {
    async listPhoneNumbers() {
      calls.push("GET /v3/phone_numbers");
      return [
        {
          id: "p1",
          phone_number: LINE,
          reputation: { status: "HEALTHY", doc_url: "" },
          health_status: { status: "HEALTHY", doc_url: "" },
          forwarding_number: null,
        },
      ];
    },
    async listChatsPage(params: ListChatsParams = {}): Promise<ListChatsResponse> {
      calls.push(
        `GET /v3/chats?from=${params.from}&limit=${params.limit}&cursor=${params.cursor ?? ""}`,
      );
      const start = Number(params.cursor ?? 0);
      const limit = params.limit ?? 20;
      const page = chats.slice(start, start + limit);
      return {
        chats: page,
        next_cursor: start + limit < chats.length ? String(start + limit) : null,
      };
    },
    async getChat(id: string) {
      calls.push(`GET /v3/chats/${id}`);
      const c = chats.find((x) => x.id === id);
      if (!c) throw Object.assign(new Error("Chat not found"), { status: 404, code: 2001 });
      return c;
    },
    async listWebhookSubscriptions() {
      calls.push("GET /v3/webhook-subscriptions");
      return [];
    },
    async listContactCards() {
      calls.push("GET /v3/contact_card");
      return [];
    },
    async listMessagesPage(chatId: string) {
      calls.push(`GET /v3/chats/${chatId}/messages`);
      const text = welcomes.get(chatId);
      const messages = text === undefined ? [] : [textMessage(chatId, text)];
      return { messages, next_cursor: null };
    },
  };
  return { api, calls };
}

function managed(n: number, prefix = "m"): { chats: Chat[]; state: StateDocument } {
  const chats: Chat[] = [];
  const resources: StateDocument["resources"] = {};
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${i}`;
    chats.push(liveChat(id, [A, B]));
    resources[`chat.${id}`] = managedChat(id, group(id, [A, B]));
  }
  return { chats, state: stateDoc(resources) };
}

const refresh = (api: RefreshApi, state: StateDocument, extra: string[] = []) =>
  refreshLive(api, {
    state,
    addresses: new Set([...Object.keys(state.resources), ...extra]),
    secretFiles: [],
    fileExists: async () => true,
  });

describe("refresh", () => {
  it("searches the line for the chat an interrupted create made, and only for that address", async () => {
    const { chats, state } = managed(2);
    const made = { ...liveChat("made", [A, B]), created_at: "2026-03-01T12:00:05.000Z" };
    state.resources["chat.new"] = {
      kind: "chat",
      generation: 0,
      intents: [
        {
          purpose: "create_chat",
          generation: 1,
          idempotency_key: "k",
          request: { from: LINE, to: [A, B], welcome_message: "Welcome!" },
          started_at: "2026-03-01T12:00:00.000Z",
        },
      ],
      markers: {},
    };
    const { api, calls } = fakeApi([...chats, made], new Map([["made", "Welcome!"]]));
    const live = await refresh(api, state);
    expect(live.interrupted_creates).toEqual({ "chat.new": { chat: made, others: [] } });
    // The managed chats m0 and m1 have the same roster but are never candidates.
    expect(calls.filter((c) => c.includes("/messages"))).toEqual(["GET /v3/chats/made/messages"]);
    // A healthy state (no interrupted create) costs no search at all.
    const quiet = fakeApi(chats);
    await refresh(quiet.api, managed(2).state);
    expect(quiet.calls.filter((c) => c.includes("/messages"))).toEqual([]);
    expect(quiet.calls.filter((c) => c.startsWith("GET /v3/chats?"))).toEqual([]);
  });

  it("a no-op refresh of 1,000 managed chats stays within ceil(1000/100) + 5 requests", async () => {
    const { chats, state } = managed(1000);
    const { api, calls } = fakeApi(chats);
    const live = await refresh(api, state, ["webhook.w", `contact_card.${LINE}`]);
    expect(Object.values(live.chats).filter(Boolean)).toHaveLength(1000);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(1000 / 100) + 5);
    expect(
      calls.filter((c) => c.startsWith("GET /v3/chats?")).every((c) => c.includes("limit=100")),
    ).toBe(true);
  });

  it(`reads a line with at most ${PER_OBJECT_MAX} managed chats by id, even when the account holds many unmanaged ones`, async () => {
    const { chats, state } = managed(3);
    const unmanaged = Array.from({ length: 5000 }, (_, i) => liveChat(`u${i}`, [A, B]));
    const { api, calls } = fakeApi([...unmanaged, ...chats]);
    await refresh(api, state);
    expect(calls.filter((c) => c.startsWith("GET /v3/chats?"))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("GET /v3/chats/"))).toHaveLength(3);
  });

  it("stops paging early and reads the rest by id when the account is mostly unmanaged chats", async () => {
    const { chats, state } = managed(40);
    const unmanaged = Array.from({ length: 20_000 }, (_, i) => liveChat(`u${i}`, [A, B]));
    const { api, calls } = fakeApi([...chats.slice(0, 20), ...unmanaged, ...chats.slice(20)]);
    const live = await refresh(api, state);
    expect(Object.values(live.chats).filter(Boolean)).toHaveLength(40);
    // Paging the 20,000 unmanaged chats would take 200 pages; a few pages plus ≤40 reads is enough.
    expect(calls.length).toBeLessThan(70);
  });

  it("marks a chat the API no longer knows as null (404) and fetches webhooks/cards only when in scope", async () => {
    const { state } = managed(2);
    const { api, calls } = fakeApi([]);
    const live = await refresh(api, state);
    expect(live.chats).toEqual({ m0: null, m1: null });
    expect(calls).not.toContain("GET /v3/webhook-subscriptions");
    expect(calls).not.toContain("GET /v3/contact_card");
  });

  it("the fingerprint changes when a live chat changes and not otherwise", async () => {
    const { chats, state } = managed(2);
    const a = fingerprintLive(await refresh(fakeApi(chats).api, state));
    const b = fingerprintLive(await refresh(fakeApi(chats).api, state));
    expect(a).toBe(b);
    chats[0]!.display_name = "Renamed";
    expect(fingerprintLive(await refresh(fakeApi(chats).api, state))).not.toBe(a);
  });
});

describe("refresh of imported chats", () => {
  const input = (importChatIds: string[], listLines: string[]) => ({
    state: stateDoc(),
    addresses: new Set(["chat.x"]),
    secretFiles: [],
    fileExists: async () => false,
    listLines,
    importChatIds,
  });

  it("takes an imported chat from the line listing it makes anyway: no request by id", async () => {
    const { api, calls } = fakeApi([liveChat("c-1", [A, B]), liveChat("c-2", [A])]);
    const live = await refreshLive(api, input(["c-1"], [LINE]));
    expect(live.chats["c-1"]?.id).toBe("c-1");
    expect(calls.filter((c) => c.startsWith("GET /v3/chats/"))).toEqual([]);
  });

  it("reads an imported chat by id when no listing shows it; a missing one is null", async () => {
    const { api, calls } = fakeApi([liveChat("c-1", [A, B])]);
    const live = await refreshLive(api, input(["c-1", "gone"], []));
    expect(live.chats["c-1"]?.id).toBe("c-1");
    expect(live.chats.gone).toBeNull();
    expect(calls.filter((c) => c.startsWith("GET /v3/chats/"))).toEqual([
      "GET /v3/chats/c-1",
      "GET /v3/chats/gone",
    ]);
  });
});
