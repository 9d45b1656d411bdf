import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Chat, CreateChatRequest } from "../../src/api-wire/types.js";
import { executePlan, type ExecutorApi } from "../../src/sync-engine/apply/execute-plan.js";
import { silentProgress } from "../../src/sync-engine/apply/progress-reporter.js";
import { buildPlan } from "../../src/sync-engine/plan/build-plan.js";
import type { Plan } from "../../src/sync-engine/plan/plan-types.js";
import type { LiveSnapshot } from "../../src/sync-engine/refresh/live-snapshot.js";
import { deriveIdempotencyKey } from "../../src/sync-engine/state/idempotency-key.js";
import { FileStateBackend, readStateFile } from "../../src/sync-engine/state/backends/file.js";
import { StateStore } from "../../src/sync-engine/state/state-store.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import {
  A,
  B,
  C,
  D,
  E,
  LINE,
  chats,
  desiredState,
  group,
  liveChat,
  snapshot,
  textMessage,
} from "./fixtures.js";

let dir: string;
let statePath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-exec-"));
  statePath = join(dir, "state.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake API that records calls; `hooks` override single calls. */
function fakeApi(hooks: Partial<ExecutorApi> = {}) {
  const calls: string[] = [];
  const live = new Map<string, Chat>();
  const welcome = new Map<string, string>();
  let n = 0;
  const api: ExecutorApi = {
    async createChat(body: CreateChatRequest) {
      calls.push(`createChat ${body.message.idempotency_key}`);
      const id = `chat-${++n}`;
      const chat = {
        ...liveChat(id, body.to, { group: body.to.length > 1 }),
        created_at: new Date().toISOString(),
      };
      live.set(id, chat);
      const first = body.message.parts[0];
      welcome.set(id, first?.type === "text" ? first.value : "");
      return {
        chat: {
          id,
          display_name: null,
          service: "iMessage",
          is_group: chat.is_group,
          handles: chat.handles,
          health_status: chat.health_status,
          message: {} as never,
        },
      };
    },
    async listChatsPage(params = {}) {
      calls.push(`listChats to=${params.to}`);
      const chats = [...live.values()].filter((c) =>
        c.handles.some((h) => !h.is_me && h.handle === params.to),
      );
      return { chats: structuredClone(chats), next_cursor: null };
    },
    async listMessagesPage(chatId) {
      calls.push(`listMessages ${chatId}`);
      const text = welcome.get(chatId);
      const messages = text === undefined ? [] : [textMessage(chatId, text)];
      return { messages, next_cursor: null };
    },
    async getChat(id) {
      calls.push(`getChat ${id}`);
      const c = live.get(id);
      if (!c) throw Object.assign(new Error("not found"), { status: 404 });
      return structuredClone(c);
    },
    async addParticipant(id, handle) {
      calls.push(`add ${handle}`);
      live
        .get(id)!
        .handles.push({ id: "x", handle, joined_at: "", service: "iMessage", status: "active" });
      return {};
    },
    async removeParticipant(id, handle) {
      calls.push(`remove ${handle}`);
      const c = live.get(id)!;
      c.handles = c.handles.filter((h) => h.handle !== handle);
      return {};
    },
    async updateChat(id, body) {
      calls.push(`update ${JSON.stringify(body)}`);
      const c = live.get(id)!;
      if (body.display_name !== undefined) c.display_name = body.display_name;
      if (body.group_chat_icon !== undefined) c.group_chat_icon = body.group_chat_icon;
      return { status: "pending" };
    },
    async leaveChat(id) {
      calls.push(`leave ${id}`);
      return {};
    },
    async shareContactCard(id) {
      calls.push(`share ${id}`);
    },
    async requestLocation(id) {
      calls.push(`location ${id}`);
      return { success: true, message: "" };
    },
    async createWebhookSubscription(body) {
      calls.push(`createWebhook ${body.target_url}`);
      return {
        id: "w1",
        target_url: body.target_url,
        subscribed_events: body.subscribed_events,
        is_active: true,
        created_at: "",
        updated_at: "",
        signing_secret: "whsec_c2VjcmV0",
      };
    },
    async updateWebhookSubscription(id) {
      calls.push(`updateWebhook ${id}`);
      return {} as never;
    },
    async deleteWebhookSubscription(id) {
      calls.push(`deleteWebhook ${id}`);
    },
    async createContactCard(body) {
      calls.push(`createCard ${body.phone_number}`);
      return { ...body, is_active: true };
    },
    async updateContactCard(phone) {
      calls.push(`updateCard ${phone}`);
      return {} as never;
    },
    ...hooks,
  };
  return { api, calls, live };
}

async function planFor(
  desired: DesiredState,
  live: LiveSnapshot = snapshot(),
): Promise<{ plan: Plan; store: StateStore }> {
  const store = await StateStore.open(new FileStateBackend(statePath));
  return {
    plan: buildPlan({ desired, live, state: store.doc, statePath, liveFingerprint: "f" }),
    store,
  };
}

const opts = (extra: { timeoutMs?: number; secrets?: Map<string, string> } = {}) => ({
  parallelism: 2,
  progress: silentProgress,
  confirm: {
    timeoutMs: extra.timeoutMs ?? 1_000,
    sleep: async () => undefined,
    now: (() => {
      let t = 0;
      return () => (t += 50);
    })(),
  },
  writeSecret: async (path: string, secret: string) => void extra.secrets?.set(path, secret),
});

describe("executor", () => {
  it("journals the create intent with its idempotency key before calling the API, then records the chat", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B], { display_name: "Eng" })) });
    const { plan, store } = await planFor(desired);
    let journaled: unknown;
    const { api, calls } = fakeApi();
    const create = api.createChat.bind(api);
    api.createChat = async (body) => {
      journaled = (await readStateFile(statePath)).resources["chat.eng"];
      return create(body);
    };
    const outcome = await executePlan(api, plan, store, opts());
    const key = deriveIdempotencyKey(store.lineage, "chat.eng", 1, "create_chat");
    expect(journaled).toMatchObject({
      intents: [
        {
          purpose: "create_chat",
          generation: 1,
          idempotency_key: key,
          request: { from: LINE, to: [A, B] },
        },
      ],
    });
    expect(outcome).toMatchObject({ succeeded: ["chat.eng"], failed: [] });
    expect(calls).toEqual([`createChat ${key}`, 'update {"display_name":"Eng"}', "getChat chat-1"]);
    const saved = (await readStateFile(statePath)).resources["chat.eng"];
    expect(saved).toMatchObject({
      id: "chat-1",
      generation: 1,
      intents: [],
      applied: { display_name: "Eng", participants: [A, B] },
    });
  });

  it("a create whose answer was lost after sending is looked for, not sent again (§12.1)", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B])) });
    const { plan, store } = await planFor(desired);
    const { api, calls } = fakeApi();
    const create = api.createChat.bind(api);
    api.createChat = async (body, options) => {
      // The chat is made, then the connection drops before the answer arrives.
      expect(options).toEqual({ replayUncertain: false });
      await create(body);
      throw Object.assign(new Error("socket hang up"), { maybeCommitted: true });
    };
    const outcome = await executePlan(api, plan, store, opts());
    expect(outcome).toMatchObject({ succeeded: ["chat.eng"], failed: [] });
    const key = deriveIdempotencyKey(store.lineage, "chat.eng", 1, "create_chat");
    expect(calls).toEqual([`createChat ${key}`, `listChats to=${A}`, "listMessages chat-1"]);
    expect((await readStateFile(statePath)).resources["chat.eng"]).toMatchObject({
      id: "chat-1",
      intents: [],
    });
  });

  it("a create answered 503 that made nothing is sent again with the same key after the search", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B])) });
    const { plan, store } = await planFor(desired);
    const { api, calls } = fakeApi();
    const create = api.createChat.bind(api);
    let attempts = 0;
    api.createChat = async (body) => {
      if (++attempts === 1) {
        calls.push("createChat → 503");
        throw Object.assign(new Error("Service unavailable"), { status: 503, code: 4004 });
      }
      return create(body);
    };
    const outcome = await executePlan(api, plan, store, opts());
    expect(outcome).toMatchObject({ succeeded: ["chat.eng"], failed: [] });
    const key = deriveIdempotencyKey(store.lineage, "chat.eng", 1, "create_chat");
    expect(calls).toEqual(["createChat → 503", `listChats to=${A}`, `createChat ${key}`]);
  });

  it("a create refused with a 4xx is neither searched for nor sent again", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B])) });
    const { plan, store } = await planFor(desired);
    const { api, calls } = fakeApi({
      async createChat() {
        calls.push("createChat → 400");
        throw Object.assign(new Error("Invalid parameter"), { status: 400, code: 1005 });
      },
    });
    const outcome = await executePlan(api, plan, store, opts());
    expect(outcome.failed[0]).toMatchObject({ address: "chat.eng" });
    expect(calls).toEqual(["createChat → 400"]);
  });

  it("a create the API refused leaves no intent behind, and the next create uses a new key", async () => {
    const first = await planFor(desiredState({ chats: chats(group("eng", [A, B])) }));
    const { api } = fakeApi({
      async createChat() {
        throw Object.assign(new Error("Phone number not owned"), { status: 403, code: 2006 });
      },
    });
    const out = await executePlan(api, first.plan, first.store, opts());
    expect(out.failed[0]).toMatchObject({ address: "chat.eng" });
    const saved = (await readStateFile(statePath)).resources["chat.eng"] as {
      intents: unknown[];
      generation: number;
    };
    expect(saved.intents).toEqual([]);

    // The file is fixed (C instead of B): the next plan creates what it declares now.
    const second = await planFor(desiredState({ chats: chats(group("eng", [A, C])) }));
    const create = second.plan.changes[0]!.steps[0] as {
      op: string;
      to?: string[];
      generation?: number;
    };
    expect(create).toMatchObject({
      op: "create_chat",
      to: [A, C],
      generation: saved.generation + 1,
    });
    expect(second.plan.changes[0]!.reason).toBe("declared and not created yet");
  });

  it("two identical creates whose answers were lost at once each record a different chat", async () => {
    const desired = desiredState({ chats: chats(group("a", [A, B]), group("b", [A, B])) });
    const { plan, store } = await planFor(desired);
    const { api, live } = fakeApi();
    const create = api.createChat.bind(api);
    let lostAnswers = 0;
    const bothSent = new Promise<void>((resolve) => {
      api.createChat = async (body) => {
        await create(body);
        if (++lostAnswers === 2) resolve();
        await bothSent; // both searches run only after both chats exist
        throw Object.assign(new Error("socket hang up"), { maybeCommitted: true });
      };
    });
    const out = await executePlan(api, plan, store, { ...opts(), parallelism: 2 });
    expect(out.failed).toEqual([]);
    expect(live.size).toBe(2);
    const doc = await readStateFile(statePath);
    const ids = [doc.resources["chat.a"], doc.resources["chat.b"]].map(
      (r) => (r as { id: string }).id,
    );
    expect(new Set(ids).size).toBe(2);
    expect(out.warnings).toEqual([]);
  });

  it("a create interrupted after journaling is replayed with the same key and request", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B])) });
    const first = await planFor(desired);
    const { api } = fakeApi({
      async createChat() {
        throw new Error("socket hang up");
      },
    });
    const failed = await executePlan(api, first.plan, first.store, opts());
    expect(failed.failed[0]).toMatchObject({ address: "chat.eng" });
    expect(failed.failed[0]!.error).toMatch(/create group chat.*socket hang up/);

    // The file changes (C added) before the rerun: the journaled request is still what gets replayed.
    const changed = desiredState({ chats: chats(group("eng", [A, B, C])) });
    const second = await planFor(changed);
    const { api: api2, calls } = fakeApi();
    let body: CreateChatRequest | undefined;
    const create = api2.createChat.bind(api2);
    api2.createChat = async (b) => ((body = b), create(b));
    await executePlan(api2, second.plan, second.store, opts());
    expect(calls[0]).toBe(
      `createChat ${deriveIdempotencyKey(second.store.lineage, "chat.eng", 1, "create_chat")}`,
    );
    expect(body?.to).toEqual([A, B]);
  });

  it("a replacement interrupted mid-create resumes with the same key and still retires the old chat", async () => {
    const old = liveChat("old-1", [C, D, E]);
    const store0 = await StateStore.open(new FileStateBackend(statePath));
    Object.assign(store0.chat("chat.eng"), { id: "old-1", from: LINE, generation: 1 });
    await store0.commit("chat.eng");
    // The line changes: a new chat (generation 2) is needed, then the old one is left.
    const desired = desiredState({
      chats: chats(group("eng", [C, D, E], { from: "+12025550199" })),
    });
    const live = snapshot({ lines: [LINE, "+12025550199"], chats: { "old-1": old } });
    const first = await planFor(desired, live);
    expect(first.plan.changes[0]!.steps.map((s) => s.op)).toEqual(["create_chat", "leave_chat"]);
    const { api } = fakeApi({
      async createChat() {
        throw new Error("response lost");
      },
    });
    await executePlan(api, first.plan, first.store, opts());
    expect((await readStateFile(statePath)).resources["chat.eng"]).toMatchObject({
      retired: [{ id: "old-1" }],
      intents: [{ purpose: "create_chat", generation: 2 }],
    });
    expect((await readStateFile(statePath)).resources["chat.eng"]).not.toHaveProperty("id");

    const second = await planFor(desired, live);
    expect(second.plan.changes[0]!.steps.map((s) => s.op)).toEqual(["create_chat", "leave_chat"]);
    const { api: api2, calls } = fakeApi();
    const out = await executePlan(api2, second.plan, second.store, opts());
    expect(out.failed).toEqual([]);
    expect(calls).toEqual([
      `createChat ${deriveIdempotencyKey(second.store.lineage, "chat.eng", 2, "create_chat")}`,
      "leave old-1",
    ]);
    const saved = (await readStateFile(statePath)).resources["chat.eng"];
    expect(saved).toMatchObject({ id: "chat-1", generation: 2, intents: [] });
    expect(saved).not.toHaveProperty("retired");
  });

  it("recreating a chat that vanished, interrupted mid-create, resumes the same generation", async () => {
    const store0 = await StateStore.open(new FileStateBackend(statePath));
    Object.assign(store0.chat("chat.eng"), { id: "gone-1", from: LINE, generation: 1 });
    await store0.commit("chat.eng");
    const desired = desiredState({ chats: chats(group("eng", [A, B])) });
    const live = snapshot({ chats: { "gone-1": null } });
    const first = await planFor(desired, live);
    const { api } = fakeApi({
      async createChat() {
        throw new Error("response lost");
      },
    });
    await executePlan(api, first.plan, first.store, opts());
    // The file changed meanwhile; the journaled request is what must be replayed.
    const changed = desiredState({ chats: chats(group("eng", [A, B, C])) });
    const second = await planFor(changed, snapshot());
    const create = second.plan.changes[0]!.steps[0];
    expect(create).toMatchObject({ op: "create_chat", generation: 2, to: [A, B] });
  });

  it("one-shot sends are at-most-once: an interrupted share is settled, never resent", async () => {
    const desired = desiredState({
      chats: chats(group("eng", [A, B], { share_contact_card: true })),
    });
    const first = await planFor(desired);
    const { api, live } = fakeApi({
      async shareContactCard() {
        throw new Error("connection reset after the request was sent");
      },
    });
    const out = await executePlan(api, first.plan, first.store, opts());
    expect(out.failed).toHaveLength(1);
    expect((await readStateFile(statePath)).resources["chat.eng"]).toMatchObject({
      id: "chat-1",
      intents: [{ purpose: "share_contact_card" }],
    });

    const second = await planFor(desired, snapshot({ chats: { "chat-1": live.get("chat-1")! } }));
    expect(second.plan.changes[0]!.steps.map((s) => s.op)).toEqual(["settle_interrupted_send"]);
    const { api: api2, calls } = fakeApi();
    await executePlan(api2, second.plan, second.store, opts());
    expect(calls).toEqual([]);
    expect((await readStateFile(statePath)).resources["chat.eng"]).toMatchObject({
      intents: [],
      markers: { contact_card_shared: "interrupted" },
    });
  });

  it("records a queued change only once a read shows it, and fails the address when it never does", async () => {
    const desired = desiredState({ chats: chats(group("eng", [A, B], { display_name: "Eng" })) });
    const { plan, store } = await planFor(desired);
    const { api } = fakeApi({
      async updateChat() {
        return { status: "pending" }; // accepted, but never becomes visible
      },
    });
    const out = await executePlan(api, plan, store, opts({ timeoutMs: 300 }));
    expect(out.failed[0]?.error).toMatch(/did not show them within .*display_name "Eng"/);
    const saved = (await readStateFile(statePath)).resources["chat.eng"] as {
      applied?: { display_name?: string };
      id?: string;
    };
    expect(saved.id).toBe("chat-1");
    expect(saved.applied?.display_name).toBeUndefined();
  });

  it("an add whose answer was lost is settled by reading the chat back, not by failing", async () => {
    const store0 = await StateStore.open(new FileStateBackend(statePath));
    Object.assign(store0.chat("chat.eng"), { id: "g-1", from: LINE, generation: 1 });
    await store0.commit("chat.eng");
    const desired = desiredState({ chats: chats(group("eng", [A, B, C])) });
    const live = snapshot({ chats: { "g-1": liveChat("g-1", [A, B]) } });
    const { plan, store } = await planFor(desired, live);
    expect(plan.changes[0]!.steps.map((s) => s.op)).toEqual(["add_participant"]);
    const lost = () =>
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET", maybeCommitted: true });
    const { api, live: server } = fakeApi();
    server.set("g-1", liveChat("g-1", [A, B]));
    const add = api.addParticipant.bind(api);
    api.addParticipant = async (id, handle) => {
      await add(id, handle); // carried out…
      throw lost(); // …but the answer never arrived
    };
    const out = await executePlan(api, plan, store, opts());
    expect(out.failed).toEqual([]);
    expect(out.succeeded).toEqual(["chat.eng"]);

    // When the read-back never shows the person, the address fails instead.
    const again = await planFor(desired, live);
    const { api: api2, live: server2 } = fakeApi();
    server2.set("g-1", liveChat("g-1", [A, B]));
    api2.addParticipant = async () => {
      throw lost();
    };
    const out2 = await executePlan(api2, again.plan, again.store, opts({ timeoutMs: 300 }));
    expect(out2.failed).toEqual([{ address: "chat.eng", error: expect.stringContaining(C) }]);
  });

  it("an add refused by the API still fails the address", async () => {
    const store0 = await StateStore.open(new FileStateBackend(statePath));
    Object.assign(store0.chat("chat.eng"), { id: "g-1", from: LINE, generation: 1 });
    await store0.commit("chat.eng");
    const desired = desiredState({ chats: chats(group("eng", [A, B, C])) });
    const { plan, store } = await planFor(
      desired,
      snapshot({ chats: { "g-1": liveChat("g-1", [A, B]) } }),
    );
    const { api, live: server } = fakeApi();
    server.set("g-1", liveChat("g-1", [A, B]));
    api.addParticipant = async () => {
      throw Object.assign(new Error("409 (2017) cross-service add"), { status: 409, code: 2017 });
    };
    const out = await executePlan(api, plan, store, opts());
    expect(out.failed).toEqual([{ address: "chat.eng", error: expect.stringMatching(/2017/) }]);
  });

  describe("the journal of queued changes", () => {
    /** A managed group g-1 with [A, B]; the declaration adds C, removes B and names it. */
    async function setUp() {
      const store0 = await StateStore.open(new FileStateBackend(statePath));
      Object.assign(store0.chat("chat.eng"), { id: "g-1", from: LINE, generation: 1 });
      await store0.commit("chat.eng");
      const desired = desiredState({
        chats: chats(group("eng", [A, C, D], { display_name: "Eng" })),
      });
      const live = snapshot({ chats: { "g-1": liveChat("g-1", [A, B, D]) } });
      const planned = await planFor(desired, live);
      const fake = fakeApi();
      fake.live.set("g-1", liveChat("g-1", [A, B, D]));
      return { ...planned, ...fake, desired, live };
    }
    const journal = async () =>
      ((await readStateFile(statePath)).resources["chat.eng"] as { intents: unknown[] }).intents;

    it("each change is in the state before its call, accepted after it, and gone once a read confirms it", async () => {
      const { plan, store, api } = await setUp();
      expect(plan.changes[0]!.steps.map((s) => s.op)).toEqual([
        "add_participant",
        "remove_participant",
        "rename_chat",
      ]);
      const seen: unknown[] = [];
      const add = api.addParticipant.bind(api);
      api.addParticipant = async (id, h) => (seen.push(await journal()), add(id, h));
      const remove = api.removeParticipant.bind(api);
      api.removeParticipant = async (id, h) => (seen.push(await journal()), remove(id, h));
      const out = await executePlan(api, plan, store, opts());
      expect(out.failed).toEqual([]);
      expect(seen[0]).toEqual([
        { purpose: "add_participant", generation: 1, detail: C, started_at: expect.any(String) },
      ]);
      // By the remove, the add is marked accepted and the remove is journaled too.
      expect(seen[1]).toEqual([
        expect.objectContaining({ purpose: "add_participant", accepted_at: expect.any(String) }),
        expect.objectContaining({ purpose: "remove_participant", detail: B }),
      ]);
      expect(seen[1]).not.toContainEqual(
        expect.objectContaining({ purpose: "remove_participant", accepted_at: expect.anything() }),
      );
      expect(await journal()).toEqual([]);
    });

    it("a refused change leaves the journal; one with an unknown outcome stays, unaccepted", async () => {
      const refused = await setUp();
      refused.api.addParticipant = async () => {
        throw Object.assign(new Error("cross-service add"), { status: 409, code: 2017 });
      };
      await executePlan(refused.api, refused.plan, refused.store, opts());
      expect(await journal()).toEqual([]);

      const unknown = await setUp();
      unknown.api.removeParticipant = async () => {
        throw Object.assign(new Error("Service unavailable"), { status: 503, code: 4004 });
      };
      const out = await executePlan(unknown.api, unknown.plan, unknown.store, opts());
      expect(out.failed[0]?.address).toBe("chat.eng");
      expect(await journal()).toEqual([
        expect.objectContaining({ purpose: "add_participant", accepted_at: expect.any(String) }),
        expect.objectContaining({ purpose: "remove_participant", detail: B }),
      ]);
      expect((await journal())[1]).not.toHaveProperty("accepted_at");
    });

    it("a leave is journaled before its call; a 503 leaves it there, unaccepted, for the next plan", async () => {
      const store0 = await StateStore.open(new FileStateBackend(statePath));
      Object.assign(store0.chat("chat.eng"), {
        id: "g-1",
        from: LINE,
        generation: 1,
        applied: {
          type: "group",
          from: LINE,
          participants: [A, B, C],
          roster: "authoritative",
          on_delete: "leave",
          prevent_destroy: false,
        },
      });
      await store0.commit("chat.eng");
      const live = snapshot({ chats: { "g-1": liveChat("g-1", [A, B, C]) } });
      const { plan, store } = await planFor(desiredState(), live);
      expect(plan.changes[0]!.steps.map((s) => s.op)).toEqual(["leave_chat"]);
      const { api } = fakeApi();
      let seen: unknown;
      api.leaveChat = async () => {
        seen = await journal();
        throw Object.assign(new Error("Service unavailable"), { status: 503, code: 4004 });
      };
      const out = await executePlan(api, plan, store, opts());
      expect(out.failed[0]?.address).toBe("chat.eng");
      const entry = {
        purpose: "leave_chat",
        generation: 1,
        detail: "g-1",
        started_at: expect.any(String),
      };
      expect(seen).toEqual([entry]);
      expect(await journal()).toEqual([entry]);

      // Run again with an API that answers: the chat is left and the address leaves the state.
      const again = await planFor(desiredState(), live);
      const { api: api2, calls } = fakeApi();
      await executePlan(api2, again.plan, again.store, opts());
      expect(calls).toEqual(["leave g-1"]);
      expect((await readStateFile(statePath)).resources["chat.eng"]).toBeUndefined();
    });

    it("a lost answer to an add is left to the read-back; a 5xx on an add fails the address", async () => {
      const lost = await setUp();
      const add = lost.api.addParticipant.bind(lost.api);
      lost.api.addParticipant = async (id, h) => {
        await add(id, h);
        throw Object.assign(new Error("socket hang up"), { maybeCommitted: true });
      };
      const ok = await executePlan(lost.api, lost.plan, lost.store, opts());
      expect(ok.failed).toEqual([]);
      expect(await journal()).toEqual([]);

      const failing = await setUp();
      failing.api.addParticipant = async () => {
        throw Object.assign(new Error("Internal server error"), { status: 500, code: 3006 });
      };
      const out = await executePlan(failing.api, failing.plan, failing.store, opts());
      expect(out.failed[0]?.address).toBe("chat.eng");
      expect(await journal()).toEqual([
        { purpose: "add_participant", generation: 1, detail: C, started_at: expect.any(String) },
      ]);
    });

    it("the next plan reports what an interrupted run left unconfirmed and settles it", async () => {
      const { desired } = await setUp();
      const store0 = await StateStore.open(new FileStateBackend(statePath));
      const res = store0.chat("chat.eng");
      res.applied = {
        type: "group",
        from: LINE,
        participants: [A, C, D],
        roster: "authoritative",
        on_delete: "leave",
        prevent_destroy: false,
        display_name: "Eng",
      };
      res.intents = [
        { purpose: "remove_participant", generation: 1, detail: B, started_at: "2026-01-01" },
      ];
      await store0.commit("chat.eng");
      // The live chat already shows the whole declaration: nothing to send.
      const live = snapshot({ chats: { "g-1": liveChat("g-1", [A, C, D], { name: "Eng" }) } });
      const { plan, store } = await planFor(desired, live);
      expect(plan.changes).toEqual([]);
      expect(plan.warnings.map((w) => w.message)).toEqual([
        `an earlier run did not finish (interrupted or failed) after sending remove participant "${B}" (its outcome is unknown) and before confirming it; this plan starts from what the live chat shows now`,
      ]);
      const { api, calls } = fakeApi();
      await executePlan(api, plan, store, opts());
      expect(calls).toEqual([]);
      expect(await journal()).toEqual([]);
    });
  });

  it("keeps going after one address fails and names it", async () => {
    const desired = desiredState({ chats: chats(group("a", [A, B]), group("b", [A, C])) });
    const { plan, store } = await planFor(desired);
    const { api } = fakeApi();
    const create = api.createChat.bind(api);
    api.createChat = async (b) => {
      if (b.to.includes(C)) throw new Error("403 (2006) from is not yours");
      return create(b);
    };
    const out = await executePlan(api, plan, store, opts());
    expect(out.succeeded).toEqual(["chat.a"]);
    expect(out.failed).toEqual([{ address: "chat.b", error: expect.stringMatching(/2006/) }]);
  });

  it("writes a webhook's signing secret only to its secret_file, never to state", async () => {
    const secretFile = join(dir, "hook.whsec");
    const desired = desiredState({
      webhooks: {
        h: {
          key: "h",
          target_url: "https://h.example.com",
          events: ["message.sent"],
          phone_numbers: [],
          active: true,
          secret_file: secretFile,
        },
      },
    });
    const { plan, store } = await planFor(desired);
    const secrets = new Map<string, string>();
    await executePlan(fakeApi().api, plan, store, opts({ secrets }));
    expect(secrets.get(secretFile)).toBe("whsec_c2VjcmV0");
    // The journal holds the changes as they were made; compaction folds them into the file.
    expect(await readFile(`${statePath}.journal`, "utf8")).not.toContain("whsec_");
    await store.compact();
    const text = await readFile(statePath, "utf8");
    expect(text).not.toContain("whsec_");
    expect(JSON.parse(text).resources["webhook.h"]).toMatchObject({
      id: "w1",
      // Relative to the state file's folder, so a moved checkout is not a changed setting.
      applied: { secret_file: relative(dirname(statePath), secretFile) },
    });
  });

  it("runs contact cards before chats", async () => {
    const desired = desiredState({
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
      chats: chats(group("eng", [A, B], { share_contact_card: true })),
    });
    const { plan, store } = await planFor(desired);
    const { api, calls } = fakeApi();
    await executePlan(api, plan, store, { ...opts(), parallelism: 8 });
    expect(calls[0]).toBe(`createCard ${LINE}`);
    expect(calls.at(-1)).toBe("share chat-1");
  });

  it("a card that could not be created is not shared; the chat is made, warned about, and the next run shares", async () => {
    const desired = desiredState({
      contact_cards: { [LINE]: { phone_number: LINE, first_name: "Acme" } },
      chats: chats(group("eng", [A, B], { share_contact_card: true })),
    });
    const first = await planFor(desired);
    const { api, calls } = fakeApi({
      async createContactCard() {
        throw Object.assign(new Error("Internal server error"), { status: 500, code: 3006 });
      },
    });
    const outcome = await executePlan(api, first.plan, first.store, opts());
    expect(outcome.failed.map((f) => f.address)).toEqual([`contact_card.${LINE}`]);
    expect(outcome.warnings).toEqual([
      {
        address: "chat.eng",
        message: `contact card not shared: creating contact_card.${LINE} failed earlier in this run, so there is no card yet; the next apply shares it`,
      },
    ]);
    expect(calls.filter((c) => c.startsWith("share"))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("createChat"))).toHaveLength(1);

    // Next run: the card is created and the existing chat gets its one share.
    const rerunLive = snapshot({ chats: { "chat-1": liveChat("chat-1", [A, B]) } });
    const second = await planFor(desired, rerunLive);
    const { api: api2, calls: calls2 } = fakeApi();
    const again = await executePlan(api2, second.plan, second.store, opts());
    expect(again.failed).toEqual([]);
    expect(calls2).toEqual([`createCard ${LINE}`, "share chat-1"]);
  });
});
