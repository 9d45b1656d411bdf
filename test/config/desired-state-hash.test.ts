/**
 * The content hash of a desired state depends on what it means, not on how it was written:
 * key order at every level, the order of participants, events and lines, and the spelling of
 * phone numbers and emails must not change it. A change of meaning must.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";
import { contentHash } from "../../src/sync-engine/model/canonical.js";
import { stringify } from "yaml";
import { parseYamlSource } from "../../src/sync-engine/config/yaml-source.js";
import { propertyRuns } from "../support/property-runs.js";

/** Each person has several spellings that normalize to the same handle. */
const PEOPLE: string[][] = [
  ["+14155550101", "+1 (415) 555-0101", "+1-415-555-0101"],
  ["+14155550102", "+1 415 555 0102", "+1.415.555.0102"],
  ["+14155550103", "+1 (415) 5550103"],
  ["+442071234567", "+44 20 7123 4567"],
  ["alice@example.com", "Alice@Example.com", "ALICE@EXAMPLE.COM"],
  ["bob@example.com", "Bob@example.COM"],
];
const LINE = ["+12025550100", "+1 (202) 555-0100"];
const EVENTS = [
  "message.received",
  "chat.created",
  "participant.added",
  "location.sharing.started",
];

interface Shape {
  groups: { members: number[]; name?: string; additive: boolean }[];
  direct: number[];
  hooks: { events: number[]; active: boolean }[];
}

const shape: fc.Arbitrary<Shape> = fc.record({
  groups: fc.array(
    fc.record({
      members: fc.uniqueArray(fc.integer({ min: 0, max: PEOPLE.length - 1 }), {
        minLength: 2,
        maxLength: PEOPLE.length,
      }),
      name: fc.option(fc.constantFrom("Eng", "Ops On-Call", "Sales"), { nil: undefined }),
      additive: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  direct: fc.uniqueArray(fc.integer({ min: 0, max: PEOPLE.length - 1 }), { maxLength: 3 }),
  hooks: fc.array(
    fc.record({
      events: fc.uniqueArray(fc.integer({ min: 0, max: EVENTS.length - 1 }), {
        minLength: 1,
        maxLength: EVENTS.length,
      }),
      active: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
});

/** One way of writing the shape; `variant` picks key order, list order and spellings. */
function write(s: Shape, variant: number): Record<string, unknown> {
  const pick = <T>(list: T[], i: number): T => list[(variant + i) % list.length] as T;
  const order = <T>(list: T[]): T[] => (variant % 2 === 0 ? list : [...list].reverse());
  const entries = (pairs: [string, unknown][]): Record<string, unknown> =>
    Object.fromEntries(variant % 3 === 0 ? pairs : [...pairs].reverse());
  const chats: [string, unknown][] = [
    ...s.groups.map((g, i): [string, unknown] => [
      `group-${i}`,
      entries([
        ["type", "group"],
        ["participants", order(g.members.map((m, j) => pick(PEOPLE[m] as string[], j)))],
        ["welcome_message", `Welcome to group ${i}.`],
        ...(g.name !== undefined ? [["display_name", g.name] as [string, unknown]] : []),
        ["roster", g.additive ? "additive" : "authoritative"],
      ]),
    ]),
    ...s.direct.map((m, i): [string, unknown] => [
      `direct-${i}`,
      entries([
        ["type", "direct"],
        ["to", pick(PEOPLE[m] as string[], i)],
        ["welcome_message", "Hello."],
      ]),
    ]),
  ];
  const hooks = s.hooks.map((h, i): [string, unknown] => [
    `hook-${i}`,
    entries([
      ["target_url", `https://hooks.example.com/linq?hook=${i}`],
      ["events", order(h.events.map((e) => EVENTS[e]))],
      ["phone_numbers", [pick(LINE, i)]],
      ["active", h.active],
      ["secret_file", `/secrets/hook-${i}.whsec`],
    ]),
  ]);
  return entries([
    ["version", 1],
    ["defaults", entries([["from", pick(LINE, 0)]])],
    ["chats", entries(order(chats))],
    ["webhooks", entries(order(hooks))],
  ]);
}

function hashOf(value: unknown): string {
  const r = resolveDocuments([{ value, origin: "doc.yaml" }]);
  expect(r.diagnostics).toEqual([]);
  return contentHash(r.state);
}

describe("desired-state content hash", () => {
  it("is the same however the document orders keys and lists and spells handles (property)", () => {
    fc.assert(
      fc.property(shape, fc.nat(11), fc.nat(11), (s, a, b) => {
        expect(hashOf(write(s, a))).toBe(hashOf(write(s, b)));
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  it("is the same after a round trip through YAML text with reordered keys (property)", () => {
    fc.assert(
      fc.property(shape, fc.nat(11), (s, variant) => {
        const parsed = parseYamlSource(stringify(write(s, variant)), "doc.yaml");
        expect(parsed.diagnostics).toEqual([]);
        expect(hashOf(parsed.document!.value)).toBe(hashOf(write(s, 0)));
      }),
      { numRuns: propertyRuns(50) },
    );
  });

  it("changes when the meaning changes", () => {
    const base: Shape = { groups: [{ members: [0, 1], additive: false }], direct: [], hooks: [] };
    const h = hashOf(write(base, 0));
    expect(hashOf(write({ ...base, groups: [{ members: [0, 2], additive: false }] }, 0))).not.toBe(
      h,
    );
    expect(hashOf(write({ ...base, groups: [{ members: [0, 1], additive: true }] }, 0))).not.toBe(
      h,
    );
    expect(hashOf(write({ ...base, direct: [3] }, 0))).not.toBe(h);
  });
});
