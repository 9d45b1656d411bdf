/**
 * The emulated account: every record the API exposes, held in memory and, with a data file,
 * persisted as JSON. Mutating handlers change `state` and then call `commit()`; a commit
 * writes the file atomically before the response goes out, so a response lost after the
 * commit (fault `drop_response_after_commit`) still leaves the change on disk.
 *
 * Several processes may share one data file (a standalone `chatsync emulator --data F` next
 * to `chatsync plan --emulator` on the same F). Each request runs inside `atomically()`: it
 * holds the data file's cross-process lock (data-file-lock.ts) while the server calls
 * `reloadIfChangedOnDisk()`, the handler changes `state` and commits — so a change another
 * process committed is read before this one writes, and two processes mutating at the same
 * instant both keep their change. Without a data file there is nothing to share: no lock.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { AttachmentBytes } from "./attachment-bytes.js";
import { DataFileLock, DataFileLockedError } from "./data-file-lock.js";
import type {
  ContactCard,
  HealthStatus,
  MessageEffect,
  ParticipantStatus,
  ReplyTo,
  ResponsePart,
  ServiceType,
  WebhookEventType,
} from "../api-wire/index.js";

export const DATA_FILE_VERSION = 1;

export interface LineRecord {
  id: string;
  phone_number: string;
  forwarding_number: string | null;
}

export interface HandleRecord {
  id: string;
  handle: string;
  joined_at: string;
  service: ServiceType;
  is_me: boolean;
  status: ParticipantStatus;
  left_at: string | null;
}

export interface ChatRecord {
  id: string;
  /** Creation order; the sort key of GET /v3/chats and its cursors. */
  seq: number;
  /** The partner line the chat lives on. */
  line: string;
  created_at: string;
  updated_at: string;
  /** null = never named; reads then show the comma-joined recipients (§8). */
  display_name: string | null;
  group_chat_icon: string | null;
  is_group: boolean;
  service: ServiceType;
  handles: HandleRecord[];
  health: { status: HealthStatus; updated_at: string };
  last_read_at: string | null;
  contact_card_shared_at: string | null;
  location_requested_at: string | null;
}

export interface MessageRecord {
  id: string;
  seq: number;
  chat_id: string;
  created_at: string;
  sent_at: string;
  parts: ResponsePart[];
  effect: MessageEffect | null;
  preferred_service: ServiceType | null;
  service: ServiceType;
  reply_to: ReplyTo | null;
  idempotency_key: string | null;
  kind: "message" | "voice_memo";
  /** Last edit (PATCH /v3/messages/{id}); absent = never edited, reads show created_at. */
  updated_at?: string;
  /** Edits so far (§5.5.3 allows 5); absent = 0. Optional so older data files still load. */
  edit_count?: number;
}

export interface SubscriptionRecord {
  id: string;
  target_url: string;
  subscribed_events: WebhookEventType[];
  is_active: boolean;
  phone_numbers: string[] | null;
  created_at: string;
  updated_at: string;
  signing_secret: string;
}

export interface LocationShareRecord {
  chat_id: string;
  handle: string;
  coordinates: number[];
  began_at: string;
  updated_at: string;
}

/** A stored response for `message.idempotency_key` replays (see idempotency.ts). */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number;
  body: unknown;
  created_at: string;
}

export type QueuedOperation =
  | { kind: "participant.add"; chat_id: string; handle: string }
  | { kind: "participant.remove"; chat_id: string; handle: string }
  | { kind: "chat.rename"; chat_id: string; display_name: string | null }
  | { kind: "chat.icon"; chat_id: string; group_chat_icon: string | null }
  | { kind: "chat.leave"; chat_id: string };

/**
 * A pre-uploaded attachment (§5.11); its bytes live in `AccountStore.attachmentBytes`, never in
 * the JSON. `token` owns it: any other token gets 404, as for another partner's attachment.
 */
export interface AttachmentRecord {
  id: string;
  token: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: string;
  /** The upload URL's expiry (created_at + 15 min). */
  upload_expires_at: string;
  /** The random part of the presigned upload URL. */
  upload_signature: string;
  uploaded_at: string | null;
  /** As of creation; message parts keep it (API reads rebuild it for the current origin). */
  download_url: string;
}

export interface PendingOperation {
  id: string;
  due_at: number;
  trace_id: string;
  op: QueuedOperation;
}

export interface AccountState {
  version: number;
  tokens: string[];
  lines: LineRecord[];
  chats: ChatRecord[];
  messages: MessageRecord[];
  subscriptions: SubscriptionRecord[];
  contact_cards: ContactCard[];
  /** What each recipient handle supports (PUT /__emulator/handles); absent = iMessage. */
  handle_services: Record<string, ServiceType>;
  locations: LocationShareRecord[];
  idempotency: Record<string, IdempotencyRecord>;
  pending_operations: PendingOperation[];
  attachments: AttachmentRecord[];
  next_seq: number;
}

export class DataFileError extends Error {
  readonly code = "EMULATOR_DATA_FILE";
  constructor(file: string, detail: string) {
    super(
      `Emulator data file ${file}: ${detail}. Fix or delete the file, or start without --data.`,
    );
    this.name = "DataFileError";
  }
}

export function generateToken(): string {
  return `emu_${randomBytes(24).toString("base64url")}`;
}

/**
 * Default lines (SPEC §7): the ones every example and the README use, in the fictional
 * +1 202 555 01xx range, so a first `chatsync plan` against a fresh emulator just works.
 */
export const DEFAULT_PHONE_NUMBERS: readonly string[] = ["+12025550100", "+12025550101"];

function emptyState(tokens: string[], phoneNumbers: string[]): AccountState {
  return {
    version: DATA_FILE_VERSION,
    tokens,
    lines: phoneNumbers.map((phone_number) => ({
      id: randomUUID(),
      phone_number,
      forwarding_number: null,
    })),
    chats: [],
    messages: [],
    subscriptions: [],
    contact_cards: [],
    handle_services: {},
    locations: [],
    idempotency: {},
    pending_operations: [],
    attachments: [],
    next_seq: 1,
  };
}

export class AccountStore {
  state: AccountState;
  /** Uploaded attachment bytes: in memory, or beside the data file (see attachment-bytes.ts). */
  readonly attachmentBytes: AttachmentBytes;
  /** Identity of the file version this process last read or wrote (see reloadIfChangedOnDisk). */
  private diskStamp: string | undefined;

  private constructor(
    state: AccountState,
    private readonly dataFile: string | undefined,
    private readonly lock: DataFileLock | undefined,
  ) {
    this.state = state;
    this.attachmentBytes = AttachmentBytes.besideDataFile(dataFile);
  }

  /**
   * Loads the account from `dataFile` when it exists. Tokens and lines given explicitly win
   * over the file's; otherwise the file's are reused, so a second process on the same file
   * answers to the same token. Without either, fresh ones are generated.
   */
  static open(opts: {
    dataFile?: string;
    tokens?: string[];
    phoneNumbers?: string[];
    /** How long to wait for another process's lock on `dataFile` (tests shorten it). */
    lockWaitMs?: number;
  }): AccountStore {
    const { dataFile } = opts;
    if (dataFile === undefined) return AccountStore.fromLoaded(opts, undefined, undefined);
    if (!existsSync(dataFile)) {
      const folder = dirname(dataFile);
      try {
        mkdirSync(folder, { recursive: true });
      } catch (err) {
        throw new DataFileError(
          dataFile,
          `cannot create its folder ${folder} (${(err as Error).message})`,
        );
      }
    }
    const lock = new DataFileLock(
      dataFile,
      opts.lockWaitMs === undefined ? {} : { waitMs: opts.lockWaitMs },
    );
    // Start-up reads and rewrites the file too, so it holds the lock like any request.
    try {
      return lock.runSync(() =>
        AccountStore.fromLoaded(
          opts,
          existsSync(dataFile) ? readDataFile(dataFile) : undefined,
          lock,
        ),
      );
    } catch (err) {
      if (err instanceof DataFileError || err instanceof DataFileLockedError) throw err;
      throw new DataFileError(
        dataFile,
        `cannot be locked (${(err as Error).message}); pick a folder this process may write`,
      );
    }
  }

  private static fromLoaded(
    opts: { dataFile?: string; tokens?: string[]; phoneNumbers?: string[] },
    loaded: AccountState | undefined,
    lock: DataFileLock | undefined,
  ): AccountStore {
    const tokens = nonEmpty(opts.tokens) ?? loaded?.tokens ?? [generateToken()];
    const phoneNumbers = nonEmpty(opts.phoneNumbers) ??
      loaded?.lines.map((l) => l.phone_number) ?? [...DEFAULT_PHONE_NUMBERS];
    const state = withTokensAndLines(
      loaded ?? emptyState(tokens, phoneNumbers),
      tokens,
      phoneNumbers,
    );
    const store = new AccountStore(state, opts.dataFile, lock);
    try {
      store.commit();
    } catch (err) {
      throw new DataFileError(
        opts.dataFile ?? "",
        `cannot be written (${(err as Error).message}); pick a writable path`,
      );
    }
    return store;
  }

  /**
   * Runs `fn` — a synchronous read-modify-write: reload, change `state`, commit — holding the
   * data file's cross-process lock, so no other process commits in between. Rejects with
   * DataFileLockedError when a live holder keeps the lock past its wait. Without a data file
   * `fn` runs at once, lock-free.
   */
  async atomically<T>(fn: () => T): Promise<T> {
    if (this.lock === undefined) return fn();
    return this.lock.run(fn);
  }

  /**
   * Re-reads the data file when another process replaced it since this one last read or
   * wrote it (atomic writes give every version a new inode). This process keeps its own
   * tokens and lines. Returns whether it reloaded.
   */
  reloadIfChangedOnDisk(): boolean {
    if (this.dataFile === undefined) return false;
    const stamp = fileStamp(this.dataFile);
    if (stamp === undefined || stamp === this.diskStamp) return false;
    const loaded = readDataFile(this.dataFile);
    this.state = withTokensAndLines(
      loaded,
      this.state.tokens,
      this.state.lines.map((l) => l.phone_number),
    );
    this.diskStamp = stamp;
    return true;
  }

  nextSeq(): number {
    return this.state.next_seq++;
  }

  /** Empties the account but keeps tokens and lines (line ids too; forwarding is cleared). */
  reset(): void {
    const fresh = emptyState(this.state.tokens, []);
    fresh.lines = this.state.lines.map((l) => ({ ...l, forwarding_number: null }));
    this.state = fresh;
    this.attachmentBytes.clear();
    this.commit();
  }

  /** Persists the whole account atomically (temp file + rename). No-op without a data file. */
  commit(): void {
    if (this.dataFile === undefined) return;
    // Atomic (temp file + rename) but without fsync: crash-safety against a killed process
    // is what matters here, not power loss, and fsync would dominate every write. Mode 0600:
    // the account holds the tokens and every subscription's signing secret.
    writeFileAtomic.sync(this.dataFile, JSON.stringify(this.state), { fsync: false, mode: 0o600 });
    this.diskStamp = fileStamp(this.dataFile);
  }

  findChat(chatId: string): ChatRecord | undefined {
    return this.state.chats.find((c) => c.id === chatId);
  }
}

/**
 * Sets the tokens and keeps the records (ids, forwarding) of lines that survive; adds new
 * lines; drops the rest.
 */
function withTokensAndLines(
  state: AccountState,
  tokens: string[],
  phoneNumbers: string[],
): AccountState {
  state.tokens = [...tokens];
  state.lines = phoneNumbers.map(
    (phone_number) =>
      state.lines.find((l) => l.phone_number === phone_number) ?? {
        id: randomUUID(),
        phone_number,
        forwarding_number: null,
      },
  );
  return state;
}

/** Inode, size and mtime: differs for every atomically written version of the file. */
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list !== undefined && list.length > 0 ? [...list] : undefined;
}

function readDataFile(file: string): AccountState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DataFileError(file, `is not valid JSON (${(err as Error).message})`);
  }
  const state = parsed as Partial<AccountState> | null;
  if (
    state === null ||
    typeof state !== "object" ||
    state.version !== DATA_FILE_VERSION ||
    !Array.isArray(state.chats)
  ) {
    throw new DataFileError(
      file,
      `is not a chatsync emulator account (expected version ${DATA_FILE_VERSION})`,
    );
  }
  // Files written before attachments were emulated have no list.
  state.attachments ??= [];
  return state as AccountState;
}
