/**
 * Test-side client of a running emulator: the control API of SPEC §7 (`/__emulator/*`) plus the
 * few public API reads (`/v3/...`, authenticated) the end-to-end assertions need. Reading the
 * account through the public API keeps the assertions on documented shapes (linq-api-v3.md §4).
 */
import type { Chat, ContactCard, Message, WebhookSubscription } from "../../src/api-wire/types.js";

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  /** The injected fault that hit this request, if any. */
  fault?: "status" | "reset_connection" | "drop_response_after_commit";
}

export interface FaultSettings {
  probability: number;
  statuses?: number[];
  reset_connection?: boolean;
  drop_response_after_commit?: boolean;
  latency_ms?: [number, number];
}

export type SimulatedEvent =
  | { type: "participant.left"; chat_id: string; handle: string }
  | { type: "participant.added"; chat_id: string; handle: string }
  | { type: "group.renamed"; chat_id: string; display_name: string }
  | {
      type: "location.sharing.started";
      chat_id: string;
      handle: string;
      coordinates: [number, number];
    }
  | { type: "location.sharing.stopped"; chat_id: string; handle: string }
  | { type: string; [k: string]: unknown };

export class EmulatorControlError extends Error {
  readonly code = "E2E_EMULATOR_CONTROL";
  constructor(what: string, status: number, body: string) {
    super(`emulator ${what} answered ${status}: ${body.slice(0, 500)}`);
    this.name = "EmulatorControlError";
  }
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isWrite(r: RecordedRequest): boolean {
  return WRITE_METHODS.has(r.method.toUpperCase());
}

/** The API path without the `/api/partner` prefix, whichever form the log records. */
export function apiPath(r: RecordedRequest): string {
  const p = r.path.split("?")[0] ?? r.path;
  const i = p.indexOf("/v3/");
  return i >= 0 ? p.slice(i) : p;
}

export class EmulatorControl {
  constructor(
    readonly origin: string,
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new EmulatorControlError(`${method} ${path}`, res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async requests(): Promise<RecordedRequest[]> {
    const body = await this.call<RecordedRequest[] | { requests: RecordedRequest[] }>(
      "GET",
      "/__emulator/requests",
    );
    return Array.isArray(body) ? body : body.requests;
  }

  /** Highest request sequence number so far (0 when none); use it to look at one run's requests. */
  async lastSeq(): Promise<number> {
    const all = await this.requests();
    return all.reduce((m, r) => Math.max(m, r.seq), 0);
  }

  async requestsSince(seq: number): Promise<RecordedRequest[]> {
    return (await this.requests()).filter((r) => r.seq > seq);
  }

  async writesSince(seq: number): Promise<RecordedRequest[]> {
    return (await this.requestsSince(seq)).filter(isWrite);
  }

  state(): Promise<Record<string, unknown>> {
    return this.call("GET", "/__emulator/state");
  }

  async reset(): Promise<void> {
    await this.call("POST", "/__emulator/reset");
  }

  async setFaults(faults: FaultSettings): Promise<void> {
    await this.call("PUT", "/__emulator/faults", faults);
  }

  async setRateLimit(rps: number, burst?: number): Promise<void> {
    await this.call(
      "PUT",
      "/__emulator/rate-limit",
      burst === undefined ? { rps } : { rps, burst },
    );
  }

  async simulate(event: SimulatedEvent): Promise<void> {
    await this.call("POST", "/__emulator/simulate", event);
  }

  async setHandleService(handle: string, service: "iMessage" | "SMS" | "RCS"): Promise<void> {
    await this.call("PUT", "/__emulator/handles", { handle, service });
  }

  // ---- public API reads (each shows up in /__emulator/requests as a GET) ----

  private async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: "application/json" },
    });
    const text = await res.text();
    if (!res.ok) throw new EmulatorControlError(`GET ${path}`, res.status, text);
    return JSON.parse(text) as T;
  }

  /** An authenticated write, to change the account "outside chatsync" (drift a test can make). */
  async apiWrite(
    method: "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new EmulatorControlError(`${method} ${path}`, res.status, text);
    return text ? JSON.parse(text) : undefined;
  }

  async listChats(): Promise<Chat[]> {
    const chats: Chat[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const body: { chats: Chat[]; next_cursor: string | null } = await this.api(
        `/v3/chats?limit=100${q}`,
      );
      chats.push(...body.chats);
      cursor = body.next_cursor;
      if (!cursor) return chats;
    }
    throw new Error("GET /v3/chats pagination did not end after 10,000 pages");
  }

  getChat(id: string): Promise<Chat> {
    return this.api(`/v3/chats/${encodeURIComponent(id)}`);
  }

  async listMessages(chatId: string): Promise<Message[]> {
    const messages: Message[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const body: { messages: Message[]; next_cursor: string | null } = await this.api(
        `/v3/chats/${encodeURIComponent(chatId)}/messages?limit=100${q}`,
      );
      messages.push(...body.messages);
      cursor = body.next_cursor;
      if (!cursor) return messages;
    }
    throw new Error("GET messages pagination did not end after 10,000 pages");
  }

  async listWebhooks(): Promise<WebhookSubscription[]> {
    return (await this.api<{ subscriptions: WebhookSubscription[] }>("/v3/webhook-subscriptions"))
      .subscriptions;
  }

  async listContactCards(): Promise<ContactCard[]> {
    return (await this.api<{ contact_cards: ContactCard[] }>("/v3/contact_card")).contact_cards;
  }
}

/** Active participant handles of a chat other than our own line, sorted. */
export function activeParticipants(chat: Chat): string[] {
  return chat.handles
    .filter((h) => !h.is_me && (h.status ?? "active") === "active")
    .map((h) => h.handle)
    .sort();
}

/** Text of a message's text parts, joined. */
export function messageText(m: Message): string {
  return (m.parts ?? []).map((p) => (p.type === "text" ? p.value : "")).join("");
}
