/**
 * `chatsync plan` as a function: lock the state, refresh the live account, check the state
 * belongs to it, diff. Writes nothing — neither to the API nor to the state.
 */
import { access } from "node:fs/promises";
import type { Chat } from "../../api-wire/types.js";
import type { Address, DesiredChat, DesiredState } from "../model/desired-state.js";
import { fingerprintLive } from "../refresh/live-fingerprint.js";
import { refreshLive, type RefreshApi } from "../refresh/refresh-live.js";
import type { LiveSnapshot } from "../refresh/live-snapshot.js";
import { checkAccountBinding } from "../state/account-binding.js";
import { StateError, type StateBackend } from "../state/state-backend.js";
import { FileStateBackend } from "../state/backends/file.js";
import { StateStore } from "../state/state-store.js";
import type { StateDocument } from "../state/state-types.js";
import { buildPlan, planScope, type PlanOptions } from "./build-plan.js";
import { findLookalikeChats } from "./find-lookalike-chats.js";
import { movedState } from "./plan-moves.js";
import type { Plan, PlanMessage } from "./plan-types.js";

/** Where the state is: a backend, or (for the file backend) its path. */
export interface StateTarget {
  stateBackend?: StateBackend;
  statePath?: string;
}

export interface RunPlanOptions extends PlanOptions, StateTarget {
  desired: DesiredState;
  api: RefreshApi;
  /**
   * The API base URL, recorded in the state and compared with it (SPEC §6a). Without it the
   * account is told by its lines alone.
   */
  endpoint?: string;
  /** Other places this configuration's state may be (shown when a new state meets existing chats). */
  stateHints?: readonly string[];
  /** Shown to a second process that finds the state locked. */
  command?: string;
  /** The caller already holds the state lock (the CLI takes it as early as it can). */
  lockHeld?: boolean;
  fileExists?: (path: string) => Promise<boolean>;
  now?: () => Date;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The backend of `target`; owned (closed by the caller) when made here from a path. */
export function backendOf(target: StateTarget): { backend: StateBackend; owned: boolean } {
  if (target.stateBackend) return { backend: target.stateBackend, owned: false };
  if (target.statePath === undefined) throw new TypeError("a state backend or path is required");
  return { backend: new FileStateBackend(target.statePath), owned: true };
}

/**
 * The account check (SPEC §6a): refused before anything is written when the state belongs to
 * an account with none of these lines; a warning when only the endpoint differs.
 */
export function checkStateAccount(
  store: StateStore,
  live: Pick<LiveSnapshot, "lines">,
  endpoint: string | undefined,
): PlanMessage[] {
  const recorded = store.doc.account;
  if (!recorded) return [];
  // Without an endpoint (a library caller) the account is told by its lines alone.
  const verdict = checkAccountBinding(
    recorded,
    { endpoint: endpoint ?? recorded.endpoint, lines: live.lines },
    store.location,
  );
  if (!verdict.ok) throw new StateError("STATE_ACCOUNT_MISMATCH", verdict.error);
  return verdict.warning ? [{ message: verdict.warning }] : [];
}

/** Declared chats in scope with no live id yet: a create (or an import) may be planned. */
function chatsWithoutId(
  desired: DesiredState,
  state: StateDocument,
  scope: readonly string[],
): Array<{ address: string; desired: DesiredChat }> {
  const out: Array<{ address: string; desired: DesiredChat }> = [];
  for (const address of scope) {
    if (!address.startsWith("chat.")) continue;
    const d = desired.chats[address.slice("chat.".length)];
    const r = state.resources[address];
    if (d && !(r?.kind === "chat" && r.id)) out.push({ address, desired: d });
  }
  return out;
}

/** Refresh + diff against an open state. Shared by plan and apply. */
export async function refreshAndPlan(
  store: StateStore,
  opts: Omit<RunPlanOptions, "statePath" | "stateBackend" | "command">,
): Promise<Plan> {
  return (await refreshAndPlanWithLive(store, opts)).plan;
}

/** refreshAndPlan, also handing back what the refresh saw (apply records the account's lines). */
export async function refreshAndPlanWithLive(
  store: StateStore,
  opts: Omit<RunPlanOptions, "statePath" | "stateBackend" | "command">,
): Promise<{ plan: Plan; live: LiveSnapshot }> {
  // The refresh reads the state as the plan will see it: with the moved: entries recorded.
  const { state } = movedState(store.doc, opts.destroy ? [] : (opts.desired.moved ?? []));
  const scope = planScope(opts.desired, state, opts.targets, opts.destroy === true);
  const secretFiles = Object.values(opts.desired.webhooks)
    .map((w) => w.secret_file)
    .filter((f): f is string => f !== undefined);
  const unrecorded = chatsWithoutId(opts.desired, state, scope);
  const imports = new Map((opts.desired.imports ?? []).map((i) => [i.to as string, i.id]));
  const importChatIds = unrecorded.flatMap((c) => imports.get(c.address) ?? []);
  const live = await refreshLive(opts.api, {
    state,
    addresses: new Set(scope),
    secretFiles,
    fileExists: opts.fileExists ?? fileExists,
    listLines: [...new Set(unrecorded.map((c) => c.desired.from))],
    importChatIds,
  });
  const bindingWarnings = checkStateAccount(store, live, opts.endpoint);
  const plan = buildPlan({
    desired: opts.desired,
    live,
    state: store.doc,
    statePath: store.location,
    liveFingerprint: fingerprintLive(live),
    options: {
      targets: opts.targets ?? [],
      destroy: opts.destroy ?? false,
      refreshOnly: opts.refreshOnly ?? false,
      replace: opts.replace ?? [],
      ...(opts.removalGuard ? { removalGuard: opts.removalGuard } : {}),
    },
    now: (opts.now ?? (() => new Date()))(),
  });
  plan.warnings.unshift(...store.notes.map((message) => ({ message })), ...bindingWarnings);
  const found = lookalikesOfCreates(plan, opts.desired, live, importChatIds);
  if (found.size > 0) {
    if (store.isNew) plan.errors.push(...newStateMeetsExistingChats(found, opts, store));
    else plan.warnings.push(...suggestImports(found));
  }
  return { plan, live };
}

/**
 * For each planned create, the unmanaged chats on its line with the same people (and name):
 * what applying would duplicate. Chats spoken for (an interrupted create's, an import's) are
 * not candidates. Reads only what the refresh listed: no extra request.
 */
function lookalikesOfCreates(
  plan: Plan,
  desired: DesiredState,
  live: LiveSnapshot,
  importedIds: readonly string[],
): Map<string, Chat[]> {
  const creates = plan.changes
    .filter((c) => c.kind === "chat" && c.action === "create")
    .flatMap((c) => {
      const d = desired.chats[c.address.slice("chat.".length)];
      return d ? [{ address: c.address, desired: d }] : [];
    });
  const claimed = new Set([
    ...Object.values(live.interrupted_creates).flatMap((m) => (m ? [m.chat.id] : [])),
    ...importedIds,
  ]);
  return findLookalikeChats(creates, live.unmanaged_chats, claimed);
}

/** The copy-paste fix: the imports: entry (and the command) that adopts the existing chat. */
function importEntry(address: string, chat: Chat): string {
  return `imports: [{ to: ${address}, id: ${chat.id} }] (or run: chatsync import ${address} ${chat.id})`;
}

/** An existing state about to create a chat the line already has: warn, with the fix. */
function suggestImports(found: Map<string, Chat[]>): PlanMessage[] {
  return [...found].map(([address, chats]) => {
    const first = chats[0] as Chat;
    const others =
      chats.length > 1
        ? ` (${chats.length - 1} more like it: ${chats
            .slice(1)
            .map((c) => c.id)
            .join(", ")})`
        : "";
    return {
      address: address as Address,
      message: `the line already has an unmanaged chat with the same people${first.is_group && first.display_name ? " and name" : ""}: ${first.id}, created ${first.created_at}${others}. Applying would create a second chat and send a second welcome message. To manage the existing one instead, add to the configuration: ${importEntry(address, first)}`,
    };
  });
}

/**
 * A state that was never written, on a line that already holds chats like the declared ones:
 * most likely this configuration's state is elsewhere (another folder, another --state), and
 * applying would create every chat a second time. Refused until the state is found or the
 * chats are imported.
 */
function newStateMeetsExistingChats(
  found: Map<string, Chat[]>,
  opts: Pick<RunPlanOptions, "stateHints">,
  store: StateStore,
): PlanMessage[] {
  const pairs = [...found].map(
    ([address, chats]) =>
      `${address} ↔ ${chats.map((c) => `${c.id} (created ${c.created_at})`).join(", ")}`,
  );
  const hints = (opts.stateHints ?? []).filter((h) => h !== store.location);
  const elsewhere = hints.length
    ? ` A state for this configuration exists at ${hints.join(", ")}: pass --state ${hints[0]} (the default state is the one beside the first PATH).`
    : " If this configuration was applied before, point --state (or CHATSYNC_STATE) at that state.";
  return [
    {
      message: `the state at ${store.location} is new, but the account already has chats like the declared ones — applying would create them a second time: ${pairs.join("; ")}.${elsewhere} To manage the existing chats instead, record them with \`chatsync import ADDRESS ID\` or an imports: entry: ${[...found].map(([address, chats]) => importEntry(address, chats[0] as Chat)).join("; ")}. Nothing was written.`,
    },
  ];
}

/** Makes a plan. The caller decides what to do with `plan.errors` (the CLI exits 1). */
export async function runPlan(opts: RunPlanOptions): Promise<Plan> {
  const { backend, owned } = backendOf(opts);
  try {
    const lock = opts.lockHeld
      ? undefined
      : await backend.lock({ operation: opts.command ?? "chatsync plan" });
    try {
      const store = await StateStore.open(backend);
      return await refreshAndPlan(store, opts);
    } finally {
      await lock?.release();
    }
  } finally {
    if (owned) await backend.close();
  }
}
