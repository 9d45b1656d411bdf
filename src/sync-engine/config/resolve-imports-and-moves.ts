/**
 * The `imports:` and `moved:` lists (SPEC §5a), checked across every document once the
 * declarations are known: what can be told without the state or the account is an error here,
 * at the entry's position. What needs them (the id exists, is free, is on the line; `from` is
 * in the state) is the plan's to say.
 */
import type { DocumentContext } from "./document-context.js";
import type { DocPath } from "./json-pointer.js";
import { normalizePhoneNumber } from "./handle-normalization.js";
import type { Address, DesiredImport, DesiredMove } from "../model/desired-state.js";

/** One document's raw list, with the context that positions its diagnostics. */
export interface ListSource {
  ctx: DocumentContext;
  entries: unknown[];
}

interface Seen {
  ctx: DocumentContext;
  path: DocPath;
}

function kindOf(address: string): string {
  return address.slice(0, address.indexOf("."));
}

/** `contact_card.<phone>` with the phone in E.164, so spelling differences do not count. */
function normalizeAddress(address: string): string {
  if (!address.startsWith("contact_card.")) return address;
  const n = normalizePhoneNumber(address.slice("contact_card.".length));
  return n.ok ? `contact_card.${n.value}` : address;
}

const isEntry = (v: unknown): v is Record<string, string> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export function resolveImports(
  sources: readonly ListSource[],
  declared: ReadonlySet<string>,
): DesiredImport[] {
  const byTo = new Map<string, Seen>();
  const byId = new Map<string, Seen & { to: string }>();
  const out: DesiredImport[] = [];
  for (const { ctx, entries } of sources) {
    entries.forEach((raw, i) => {
      if (!isEntry(raw) || typeof raw.to !== "string" || typeof raw.id !== "string") return;
      const path = ["imports", i];
      const to = normalizeAddress(raw.to);
      let id = raw.id;
      if (!declared.has(to)) {
        ctx.error(
          [...path, "to"],
          `imports[${i}].to: ${to} is not declared; an import records a live object for a declaration, so declare it first (under ${kindOf(to) === "contact_card" ? "contact_cards" : `${kindOf(to)}s`}:)`,
        );
        return;
      }
      if (kindOf(to) === "contact_card") {
        // A line has one card: the card's id is the line itself.
        const n = normalizePhoneNumber(id);
        if (!n.ok || `contact_card.${n.value}` !== to) {
          ctx.error(
            [...path, "id"],
            `imports[${i}].id: a contact card is imported by its line; for ${to} the id is ${to.slice("contact_card.".length)}`,
          );
          return;
        }
        id = n.value;
      }
      const firstTo = byTo.get(to);
      if (firstTo) {
        ctx.error(
          [...path, "to"],
          `imports[${i}].to: ${to} is imported twice: here and at ${firstTo.ctx.placeOf([...firstTo.path, "to"], "value")}; keep one entry`,
        );
        return;
      }
      const idKey = `${kindOf(to)} ${id}`;
      const firstId = byId.get(idKey);
      if (firstId) {
        ctx.error(
          [...path, "id"],
          `imports[${i}].id: ${id} is imported twice, as ${to} here and as ${firstId.to} at ${firstId.ctx.placeOf([...firstId.path, "id"], "value")}; one live object belongs to one address`,
        );
        return;
      }
      byTo.set(to, { ctx, path });
      byId.set(idKey, { ctx, path, to });
      out.push({ to: to as Address, id });
    });
  }
  return out.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

export function resolveMoves(
  sources: readonly ListSource[],
  declared: ReadonlySet<string>,
): DesiredMove[] {
  const byFrom = new Map<string, Seen>();
  const byTo = new Map<string, Seen>();
  const all: Array<DesiredMove & Seen> = [];
  for (const { ctx, entries } of sources) {
    entries.forEach((raw, i) => {
      if (!isEntry(raw) || typeof raw.from !== "string" || typeof raw.to !== "string") return;
      const path = ["moved", i];
      const from = normalizeAddress(raw.from);
      const to = normalizeAddress(raw.to);
      const at = (field: string, message: string) =>
        ctx.error([...path, field], `moved[${i}].${field}: ${message}`);
      if (from === to) return at("to", `${to} is the same address as from; remove this entry`);
      if (kindOf(from) !== kindOf(to))
        return at("to", `${from} cannot move to ${to}: a move keeps the kind of object`);
      if (kindOf(to) === "contact_card")
        return at(
          "from",
          `${from} cannot move: a contact card's address is its line, and a card cannot change line`,
        );
      const dupFrom = byFrom.get(from);
      if (dupFrom)
        return at(
          "from",
          `${from} is moved twice: here and at ${dupFrom.ctx.placeOf([...dupFrom.path, "from"], "value")}; keep one entry`,
        );
      const dupTo = byTo.get(to);
      if (dupTo)
        return at(
          "to",
          `two addresses move to ${to}: here and at ${dupTo.ctx.placeOf([...dupTo.path, "to"], "value")}; one state entry can become ${to}`,
        );
      byFrom.set(from, { ctx, path });
      byTo.set(to, { ctx, path });
      all.push({ from: from as Address, to: to as Address, ctx, path });
    });
  }
  // A chain (a → b, b → c) or a cycle: each move must name the final address directly.
  const ok: DesiredMove[] = [];
  for (const m of all) {
    const next = byFrom.get(m.to);
    if (next) {
      m.ctx.error(
        [...m.path, "to"],
        `moved: ${m.from} → ${m.to} chains into the move of ${m.to} at ${next.ctx.placeOf([...next.path, "from"], "value")}; chains and cycles are not allowed — move each old address directly to its final one`,
      );
      continue;
    }
    const at = (field: string, message: string) =>
      m.ctx.error([...m.path, field], `moved[${String(m.path[1])}].${field}: ${message}`);
    if (declared.has(m.from)) {
      at(
        "from",
        `${m.from} is still declared; a moved address must no longer be declared (rename its key to ${m.to.slice(m.to.indexOf(".") + 1)})`,
      );
      continue;
    }
    if (!declared.has(m.to)) {
      at("to", `${m.to} is not declared; declare the new key, then move the old one to it`);
      continue;
    }
    ok.push({ from: m.from, to: m.to });
  }
  return ok.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}
