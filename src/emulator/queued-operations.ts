/**
 * Operations the API acknowledges with 202/"pending" and performs later (§5.1.4, §5.1.6,
 * §5.2): participant add/remove, rename, icon change, leave. With `asyncMs` = 0 they apply
 * before the response; otherwise they are stored with a due time (so they survive a restart
 * with --data), become visible in reads once due, and emit their webhook then.
 *
 * Decision (UNSETTLED §12 q11): reads do not show a queued change until it is applied.
 *
 * A request applies due operations inside its own locked read-modify-write; a timer that
 * falls due takes the data file lock itself and re-reads first, so an operation another
 * process on the same file already applied is not applied (and committed) twice.
 */
import { randomUUID } from "node:crypto";
import type {
  AccountStore,
  ChatRecord,
  HandleRecord,
  PendingOperation,
  QueuedOperation,
} from "./account-store.js";
import type { EventSink, OperationScheduler } from "./api-context.js";
import { myHandle, toChatHandle } from "./wire-views.js";

/** After a timer could not get the data file lock, try again this much later. */
const LOCK_RETRY_MS = 1_000;

export class OperationQueue implements OperationScheduler {
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: AccountStore,
    private readonly events: EventSink,
    private asyncMs: number,
  ) {}

  /**
   * Re-arms timers for operations loaded from a data file; those already due apply at once
   * through the timer's locked path (start-up must not commit outside the lock).
   */
  resume(): void {
    for (const p of this.store.state.pending_operations) this.arm(p.due_at);
  }

  setAsyncMs(ms: number): void {
    this.asyncMs = ms;
  }

  enqueue(op: QueuedOperation, traceId: string): void {
    if (this.asyncMs <= 0) {
      applyOperation(this.store, op, new Date(), traceId, this.events);
      return;
    }
    const pending: PendingOperation = {
      id: randomUUID(),
      due_at: Date.now() + this.asyncMs,
      trace_id: traceId,
      op,
    };
    this.store.state.pending_operations.push(pending);
    this.arm(pending.due_at);
  }

  /** Applies every operation whose time has come, in order; persists when any applied. */
  applyDue(): void {
    const now = Date.now();
    const state = this.store.state;
    const due = state.pending_operations.filter((p) => p.due_at <= now);
    if (due.length === 0) return;
    state.pending_operations = state.pending_operations.filter((p) => p.due_at > now);
    for (const p of due)
      applyOperation(this.store, p.op, new Date(p.due_at), p.trace_id, this.events);
    this.store.commit();
  }

  /** Drops the timers; pending operations stay stored and are resumed by the next start. */
  close(): void {
    this.closed = true;
    this.cancelTimers();
  }

  /** For reset: the account is emptied, so nothing is left to apply. */
  cancelTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private applyDueWhenLocked(): void {
    if (this.closed) return;
    this.store
      .atomically(() => {
        if (this.closed) return;
        try {
          this.store.reloadIfChangedOnDisk();
        } catch {
          // A broken file from another process: apply to the account held in memory (the
          // next request logs the broken file).
        }
        this.applyDue();
      })
      .catch(() => {
        // Lock held past its wait, or the write failed: the operations stay pending.
        this.arm(Date.now() + LOCK_RETRY_MS);
      });
  }

  private arm(dueAt: number): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.applyDueWhenLocked();
      },
      Math.max(0, dueAt - Date.now()),
    );
    this.timers.add(timer);
  }
}

/**
 * Performs one queued operation. Rules were checked when it was accepted; here a change
 * that no longer applies (e.g. the person left meanwhile) is skipped without an event.
 */
export function applyOperation(
  store: AccountStore,
  op: QueuedOperation,
  at: Date,
  traceId: string,
  events: EventSink,
): void {
  const chat = store.findChat(op.chat_id);
  if (chat === undefined) return;
  const when = at.toISOString();
  switch (op.kind) {
    case "participant.add":
      addParticipant(chat, op.handle, when, traceId, events);
      return;
    case "participant.remove":
      removeParticipant(chat, op.handle, "removed", when, traceId, events);
      return;
    case "chat.leave":
      removeParticipant(chat, myHandle(chat).handle, "left", when, traceId, events);
      return;
    case "chat.rename":
      setGroupAttribute(
        chat,
        "display_name",
        op.display_name,
        myHandle(chat),
        when,
        traceId,
        events,
      );
      return;
    case "chat.icon":
      setGroupAttribute(
        chat,
        "group_chat_icon",
        op.group_chat_icon,
        myHandle(chat),
        when,
        traceId,
        events,
      );
      return;
  }
}

const GROUP_ATTRIBUTE_EVENTS = {
  display_name: "chat.group_name_updated",
  group_chat_icon: "chat.group_icon_updated",
} as const;

/**
 * Sets a group's name or icon (null = cleared) and emits `chat.group_name_updated` /
 * `chat.group_icon_updated` with old and new value; `by` is who changed it (null = unknown).
 * Shared by queued API changes (made by your line) and simulated out-of-band ones.
 */
export function setGroupAttribute(
  chat: ChatRecord,
  field: keyof typeof GROUP_ATTRIBUTE_EVENTS,
  value: string | null,
  by: HandleRecord | undefined,
  when: string,
  traceId: string,
  events: EventSink,
): void {
  const old = chat[field];
  chat[field] = value;
  chat.updated_at = when;
  events.emit(
    GROUP_ATTRIBUTE_EVENTS[field],
    chat.line,
    {
      chat_id: chat.id,
      updated_at: when,
      old_value: old,
      new_value: value,
      changed_by_handle: by === undefined ? null : toChatHandle(by),
    },
    traceId,
  );
}

/**
 * Adds a participant, or re-activates one who left or was removed (one record per handle:
 * decision for UNSETTLED §12 q11 — people who leave stay in `handles` with status and left_at).
 */
export function addParticipant(
  chat: ChatRecord,
  handle: string,
  when: string,
  traceId: string,
  events: EventSink,
): void {
  let record = chat.handles.find((h) => h.handle === handle);
  if (record?.status === "active") return;
  if (record === undefined) {
    record = {
      id: randomUUID(),
      handle,
      joined_at: when,
      service: chat.service,
      is_me: false,
      status: "active",
      left_at: null,
    };
    chat.handles.push(record);
  } else {
    Object.assign(record, { status: "active", left_at: null, joined_at: when });
  }
  chat.updated_at = when;
  events.emit(
    "participant.added",
    chat.line,
    { handle, participant: toChatHandle(record), chat_id: chat.id, added_at: when },
    traceId,
  );
}

export function removeParticipant(
  chat: ChatRecord,
  handle: string,
  status: "left" | "removed",
  when: string,
  traceId: string,
  events: EventSink,
): void {
  const record = chat.handles.find((h) => h.handle === handle && h.status === "active");
  if (record === undefined) return;
  record.status = status;
  record.left_at = when;
  chat.updated_at = when;
  events.emit(
    "participant.removed",
    chat.line,
    { handle, participant: toChatHandle(record), chat_id: chat.id, removed_at: when },
    traceId,
  );
}
