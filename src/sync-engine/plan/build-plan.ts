/**
 * The plan: desired state + live snapshot + state document → Plan. Pure; the caller supplies
 * the clock and the live fingerprint. Every address the configuration declares or the state
 * remembers is diffed by the function for its kind.
 */
import {
  chatAddress,
  contactCardAddress,
  webhookAddress,
  type Address,
  type DesiredState,
} from "../model/desired-state.js";
import { dirname, isAbsolute } from "node:path";
import { didYouMean } from "../config/did-you-mean.js";
import type { LiveSnapshot } from "../refresh/live-snapshot.js";
import type { CreatedChatMatch } from "../refresh/find-created-chat.js";
import type { ResourceState, StateDocument } from "../state/state-types.js";
import { diffChat, type DiffOutcome } from "./diff-chats.js";
import { diffContactCard } from "./diff-contact-cards.js";
import { diffWebhook } from "./diff-webhooks.js";
import { warnLikelyRenames } from "./find-lookalike-chats.js";
import {
  afterImport,
  planChatImport,
  planContactCardImport,
  planWebhookImport,
} from "./plan-imports.js";
import { movedState, moveStep, withStateOnlyStep } from "./plan-moves.js";
import {
  PLAN_FORMAT_VERSION,
  PLAN_KIND,
  summarize,
  type Plan,
  type PlanMessage,
  type ResourceChange,
  type AppliedSpec,
  type ResourceKind,
} from "./plan-types.js";
import {
  REMOVAL_GUARD_CODE,
  checkRemovals,
  describeViolation,
  type RemovalGuardOptions,
} from "./removal-guard.js";

export interface PlanOptions {
  /** Limit the plan to these addresses (empty: everything). */
  targets?: readonly string[];
  /** Plan the removal of every managed address (or of the targeted ones). */
  destroy?: boolean;
  /** Report drift only; propose no change. */
  refreshOnly?: boolean;
  /** Addresses to delete and create anew (webhooks: rotates the signing secret). */
  replace?: readonly string[];
  /** The limits apply will enforce; the plan warns about what they would refuse. */
  removalGuard?: RemovalGuardOptions;
}

export interface PlanInput {
  desired: DesiredState;
  live: LiveSnapshot;
  state: StateDocument;
  statePath: string;
  liveFingerprint: string;
  options?: PlanOptions;
  now?: Date;
}

const KIND_ORDER: Record<ResourceKind, number> = { contact_card: 0, webhook: 1, chat: 2 };

function kindOf(address: string): ResourceKind | undefined {
  if (address.startsWith("chat.")) return "chat";
  if (address.startsWith("webhook.")) return "webhook";
  if (address.startsWith("contact_card.")) return "contact_card";
  return undefined;
}

/** Addresses in execution order: contact cards (shares need them), webhooks, then chats; by name within a kind. */
export function compareAddresses(a: string, b: string): number {
  const ka = KIND_ORDER[kindOf(a) ?? "chat"];
  const kb = KIND_ORDER[kindOf(b) ?? "chat"];
  return ka !== kb ? ka - kb : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which found chat each interrupted create records. Two addresses whose journaled creates were
 * identical (same line, recipients and welcome) find the same chats; each chat goes to one
 * address only (in address order), and a chat recorded by one is no other's duplicate.
 */
function assignInterruptedCreates(
  found: LiveSnapshot["interrupted_creates"],
): Map<string, CreatedChatMatch | null> {
  const out = new Map<string, CreatedChatMatch | null>();
  const claimed = new Set<string>();
  const addresses = Object.keys(found).sort();
  for (const address of addresses) {
    const m = found[address];
    const pick = m ? [m.chat, ...m.others].find((c) => !claimed.has(c.id)) : undefined;
    if (pick) claimed.add(pick.id);
    out.set(address, pick ? { chat: pick, others: [] } : null);
  }
  for (const address of addresses) {
    const m = found[address];
    const mine = out.get(address);
    if (!m || !mine) continue;
    const others = [m.chat, ...m.others].filter((c) => !claimed.has(c.id));
    out.set(address, { chat: mine.chat, others });
  }
  return out;
}

/**
 * Every address the configuration declares or the state remembers, narrowed to `targets` when
 * given, in execution order. Like Terraform's -target, a targeted address brings what it needs
 * along: a chat that shares the line's contact card brings that line's declared card (the API
 * refuses a share before the card exists). A destroy brings nothing along: removing a chat must
 * not remove the card other chats share.
 */
export function planScope(
  desired: DesiredState,
  state: StateDocument,
  targets: readonly string[] = [],
  destroy = false,
): string[] {
  const all = new Set<string>([
    ...Object.values(desired.chats).map((c) => chatAddress(c.key)),
    ...Object.values(desired.webhooks).map((w) => webhookAddress(w.key)),
    ...Object.values(desired.contact_cards).map((c) => contactCardAddress(c.phone_number)),
    ...Object.keys(state.resources),
  ]);
  const wanted = new Set(targets);
  if (!destroy) {
    for (const c of Object.values(desired.chats)) {
      const card = contactCardAddress(c.from);
      if (wanted.has(chatAddress(c.key)) && c.share_contact_card && desired.contact_cards[c.from])
        wanted.add(card);
    }
  }
  return [...all].filter((a) => wanted.size === 0 || wanted.has(a)).sort(compareAddresses);
}

/** Live id → the address whose state holds it (retired chats included). */
function ownersOf(state: StateDocument): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [address, r] of Object.entries(state.resources)) {
    if (r.kind === "contact_card") continue;
    if (r.id) owners.set(`${r.kind} ${r.id}`, address);
    if (r.kind === "chat") for (const old of r.retired ?? []) owners.set(`chat ${old.id}`, address);
  }
  return owners;
}

export function buildPlan(input: PlanInput): Plan {
  const { desired, live } = input;
  const opts = input.options ?? {};
  // --- the state as it will be once the moved: entries are recorded ---
  const moves = movedState(input.state, opts.destroy ? [] : (desired.moved ?? []));
  const state = moves.state;
  const imports = new Map(opts.destroy ? [] : (desired.imports ?? []).map((i) => [i.to, i.id]));
  const owners = ownersOf(state);
  const targets = new Set(opts.targets ?? []);
  const scope = planScope(desired, state, opts.targets, opts.destroy === true);
  const inScopeSet = new Set(scope);
  const inScope = (a: string) => inScopeSet.has(a);

  // --- desired state, by address ---
  const declaredChats = new Map(Object.values(desired.chats).map((c) => [chatAddress(c.key), c]));
  const declaredWebhooks = new Map(
    Object.values(desired.webhooks).map((w) => [webhookAddress(w.key), w]),
  );
  const declaredCards = new Map(
    Object.values(desired.contact_cards).map((c) => [contactCardAddress(c.phone_number), c]),
  );

  const addresses = new Set<string>([
    ...declaredChats.keys(),
    ...declaredWebhooks.keys(),
    ...declaredCards.keys(),
    ...Object.keys(state.resources),
  ]);
  const errors: PlanMessage[] = [...moves.errors];
  const warnings: PlanMessage[] = [...moves.warnings];
  for (const t of targets) {
    if (!addresses.has(t))
      errors.push({
        message: `--target ${t} matches nothing declared or managed${didYouMean(t, [...addresses].sort())} (addresses look like chat.<key>, webhook.<key>, contact_card.<phone>)`,
      });
  }

  // --- sanity-check desired state against the account ---
  const lines = new Set(live.lines);
  if (lines.size > 0) {
    for (const [address, c] of declaredChats) {
      if (inScope(address) && !opts.destroy && !lines.has(c.from)) {
        errors.push({
          address,
          message: `${address}: from ${c.from} is not a line of this account (lines: ${[...lines].sort().join(", ")})`,
        });
      }
    }
    for (const [address, c] of declaredCards) {
      if (inScope(address) && !opts.destroy && !lines.has(c.phone_number)) {
        errors.push({
          address,
          message: `${address}: ${c.phone_number} is not a line of this account (lines: ${[...lines].sort().join(", ")})`,
        });
      }
    }
  }

  // --- current state + difference, one function per kind ---
  const claimedWebhookIds = new Set<string>();
  for (const r of Object.values(state.resources))
    if (r.kind === "webhook" && r.id) claimedWebhookIds.add(r.id);

  const adoptions = assignInterruptedCreates(live.interrupted_creates);
  const changes: ResourceChange[] = [];
  const records: Plan["records"] = [];
  const drift: Plan["drift"] = [];
  for (const address of scope) {
    const res: ResourceState | undefined = state.resources[address];
    const destroying = opts.destroy === true;
    let out: DiffOutcome | undefined;
    switch (kindOf(address)) {
      case "chat": {
        let st = res?.kind === "chat" ? res : undefined;
        const d = declaredChats.get(address as Address);
        const id = imports.get(address as Address);
        const usedGeneration = state.generations?.[address] ?? 0;
        const imported =
          d && id !== undefined
            ? planChatImport({
                address: address as Address,
                id,
                desired: d,
                state: st,
                live: live.chats[id],
                managedBy: owners.get(`chat ${id}`),
                usedGeneration,
              })
            : undefined;
        if (imported?.kind === "error") {
          errors.push(imported.error);
          continue;
        }
        if (imported?.kind === "import") st = imported.state;
        out = diffChat({
          address: address as Address,
          desired: d,
          state: st,
          live: st?.id ? (live.chats[st.id] ?? null) : undefined,
          liveById: live.chats,
          destroying,
          usedGeneration,
          ...(adoptions.has(address) ? { interrupted: adoptions.get(address) ?? null } : {}),
        });
        out = afterImport(out, imported, address as Address, "chat");
        break;
      }
      case "webhook": {
        let st = res?.kind === "webhook" ? res : undefined;
        const d = declaredWebhooks.get(address as Address);
        const id = imports.get(address as Address);
        const imported =
          d && id !== undefined
            ? planWebhookImport({
                address: address as Address,
                id,
                desired: d,
                state: st,
                live: live.webhooks,
                managedBy: owners.get(`webhook ${id}`),
              })
            : undefined;
        if (imported?.kind === "error") {
          errors.push(imported.error);
          continue;
        }
        if (imported?.kind === "import") st = imported.state;
        out = diffWebhook({
          address: address as Address,
          desired: d,
          state: st,
          live: live.webhooks,
          claimed: new Set([...claimedWebhookIds].filter((id) => id !== st?.id)),
          secretFilePresent:
            d?.secret_file === undefined
              ? true
              : (live.secret_files_present[d.secret_file] ?? false),
          destroying,
          forceReplace: (opts.replace ?? []).includes(address),
          ...(isAbsolute(input.statePath) ? { stateDir: dirname(input.statePath) } : {}),
        });
        // An adopted subscription is claimed from now on, so a second declaration with the same URL cannot adopt it too.
        const adopted = out.change?.steps.find((s) => s.op === "adopt_webhook");
        if (adopted?.op === "adopt_webhook") claimedWebhookIds.add(adopted.webhook_id);
        out = afterImport(out, imported, address as Address, "webhook");
        break;
      }
      case "contact_card": {
        let st = res?.kind === "contact_card" ? res : undefined;
        const d = declaredCards.get(address as Address);
        const phone =
          d?.phone_number ?? st?.applied?.phone_number ?? address.slice("contact_card.".length);
        const liveCard = live.contact_cards.find((c) => c.phone_number === phone);
        const imported =
          d && imports.has(address as Address)
            ? planContactCardImport({
                address: address as Address,
                desired: d,
                state: st,
                live: liveCard,
              })
            : undefined;
        if (imported?.kind === "error") {
          errors.push(imported.error);
          continue;
        }
        if (imported?.kind === "import") st = imported.state;
        out = diffContactCard({
          address: address as Address,
          desired: d,
          state: st,
          live: liveCard,
          destroying,
        });
        out = afterImport(out, imported, address as Address, "contact_card");
        break;
      }
      default:
        warnings.push({
          message: `state holds an unknown address ${address}; it is left untouched`,
        });
    }
    if (!out) continue;
    const move = moves.moved.get(address);
    if (move) {
      const applied = res?.applied;
      out = withStateOnlyStep(out, moveStep(move), {
        address: address as Address,
        kind: kindOf(address) ?? "chat",
        action: "move",
        before: null,
        ...(res && "id" in res && res.id ? { liveId: res.id } : {}),
        after: applied ? ({ kind: res.kind, ...applied } as AppliedSpec) : null,
      });
    }
    if (out.change) changes.push(out.change);
    if (out.record) records.push(out.record);
    drift.push(...out.drift);
    warnings.push(...out.warnings);
    errors.push(...out.errors);
  }

  warnings.push(...warnLikelyRenames(changes, state, live.chats, declaredChats));

  // --- refresh-only: report, propose nothing ---
  const proposed = opts.refreshOnly ? [] : changes;

  // --- sanity-check the changes: say now what apply's removal guard will refuse ---
  for (const v of checkRemovals({ changes: proposed }, opts.removalGuard).violations) {
    warnings.push({
      ...(v.address ? { address: v.address } : {}),
      message: describeViolation(v, false),
      code: REMOVAL_GUARD_CODE,
      lifted_by: v.lifted_by,
    });
  }
  return {
    kind: PLAN_KIND,
    format_version: PLAN_FORMAT_VERSION,
    created_at: (input.now ?? new Date()).toISOString(),
    options: {
      refresh_only: opts.refreshOnly === true,
      destroy: opts.destroy === true,
      targets: [...targets],
      replace: [...(opts.replace ?? [])],
    },
    scope,
    state: { location: input.statePath, lineage: state.lineage, serial: state.serial },
    live_fingerprint: input.liveFingerprint,
    changes: proposed,
    records: opts.refreshOnly ? [] : records,
    drift,
    warnings,
    errors,
    summary: summarize(proposed),
  };
}
