/**
 * The schema is the single source of truth of the YAML format; the model types must not
 * drift from it. The field lists are proven equal to the types at compile time
 * (src/sync-engine/model/model-fields.ts); here they are compared with the schema.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { readFileSync } from "node:fs";
import { WEBHOOK_EVENT_TYPES } from "../../src/api-wire/event-types.js";
import {
  CHAT_TYPES,
  CONTACT_CARD_FIELDS,
  DIRECT_CHAT_FIELDS,
  FIELDS_FROM_MAP_KEY,
  GROUP_CHAT_FIELDS,
  ON_DELETE_CHOICES,
  ROSTER_POLICIES,
  WEBHOOK_FIELDS,
} from "../../src/sync-engine/model/model-fields.js";
import type {
  DesiredContactCard,
  DesiredDirectChat,
  DesiredGroupChat,
  DesiredWebhook,
} from "../../src/sync-engine/model/desired-state.js";
import { loadSchema } from "../../src/sync-engine/config/schema-validator.js";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";
import { BUILT_IN_DEFAULTS } from "../../src/sync-engine/config/resolve-defaults.js";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  allOf?: { if: JsonSchema; then: { properties?: Record<string, unknown> } }[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  additionalProperties?: unknown;
  type?: string;
  default?: unknown;
};

const schema = JSON.parse(
  readFileSync(new URL("../../schemas/chatsync.schema.json", import.meta.url), "utf8"),
) as JsonSchema;
const defs = schema.$defs!;

function schemaFields(name: string): string[] {
  return Object.keys(defs[name]!.properties!).sort();
}

function without(list: readonly string[], drop: readonly string[]): string[] {
  return list.filter((f) => !drop.includes(f)).sort();
}

/** Chat properties the schema forbids on one type (the `false` schemas of its if/then). */
function forbiddenOn(type: "group" | "direct"): string[] {
  const branch = defs.chat!.allOf!.find((b) => b.if.properties?.type?.const === type)!;
  return Object.entries(branch.then.properties ?? {})
    .filter(([, s]) => s === false)
    .map(([k]) => k)
    .sort();
}

describe("schema ↔ model", () => {
  it("the field lists are exactly the keys of the model types (type level)", () => {
    expectTypeOf<(typeof GROUP_CHAT_FIELDS)[number]>().toEqualTypeOf<keyof DesiredGroupChat>();
    expectTypeOf<(typeof DIRECT_CHAT_FIELDS)[number]>().toEqualTypeOf<keyof DesiredDirectChat>();
    expectTypeOf<(typeof WEBHOOK_FIELDS)[number]>().toEqualTypeOf<keyof DesiredWebhook>();
    expectTypeOf<(typeof CONTACT_CARD_FIELDS)[number]>().toEqualTypeOf<keyof DesiredContactCard>();
  });

  it("every chat property of the schema is a model field, and vice versa", () => {
    const model = without(
      [...new Set([...GROUP_CHAT_FIELDS, ...DIRECT_CHAT_FIELDS])],
      FIELDS_FROM_MAP_KEY.chat,
    );
    expect(schemaFields("chat")).toEqual(model);
  });

  it("group-only and direct-only fields match the schema's type branches", () => {
    const groupOnly = GROUP_CHAT_FIELDS.filter(
      (f) => !(DIRECT_CHAT_FIELDS as readonly string[]).includes(f),
    ).sort();
    const directOnly = DIRECT_CHAT_FIELDS.filter(
      (f) => !(GROUP_CHAT_FIELDS as readonly string[]).includes(f),
    ).sort();
    expect(forbiddenOn("direct")).toEqual(groupOnly);
    expect(forbiddenOn("group")).toEqual(directOnly);
  });

  it("webhook and contact-card properties match their model fields", () => {
    expect(schemaFields("webhook")).toEqual(without(WEBHOOK_FIELDS, FIELDS_FROM_MAP_KEY.webhook));
    expect(schemaFields("contact_card")).toEqual(
      without(CONTACT_CARD_FIELDS, FIELDS_FROM_MAP_KEY.contact_card),
    );
  });

  it("every defaults property is a chat field it provides a default for", () => {
    const chatFields = schemaFields("chat");
    for (const f of schemaFields("defaults")) expect(chatFields).toContain(f);
  });

  it("the event enum is the API's event list", () => {
    expect(defs.webhook!.properties!.events!.items!.enum).toEqual([...WEBHOOK_EVENT_TYPES]);
  });

  it("every property has a description and every object is closed", () => {
    const walk = (s: unknown, where: string): void => {
      if (s === null || typeof s !== "object") return;
      const node = s as JsonSchema;
      if (node.type === "object") {
        expect(node.additionalProperties, `${where} must set additionalProperties`).toBeDefined();
        if (node.properties)
          expect(
            node.additionalProperties === false || typeof node.additionalProperties === "object",
            where,
          ).toBe(true);
      }
      for (const [name, prop] of Object.entries(node.properties ?? {})) {
        if (prop === (false as unknown)) continue;
        const p = prop as JsonSchema & { $ref?: string };
        expect(
          p.description ?? (p.$ref ? defs[p.$ref.split("/").pop()!]?.description : undefined),
          `${where}.${name}`,
        ).toBeTruthy();
        walk(p, `${where}.${name}`);
      }
      for (const [name, def] of Object.entries(node.$defs ?? {})) walk(def, `$defs.${name}`);
    };
    walk(schema, "schema");
  });

  it("the enumerations are the model's unions", () => {
    expect(defs.chat!.properties!.type!.enum).toEqual([...CHAT_TYPES]);
    expect(defs.roster!.enum).toEqual([...ROSTER_POLICIES]);
    expect(defs.on_delete!.enum).toEqual([...ON_DELETE_CHOICES]);
  });

  it("the documented defaults of `defaults` are the built-in defaults", () => {
    const documented = Object.entries(defs.defaults!.properties!).filter(
      ([, p]) => p.default !== undefined,
    );
    expect(documented.map(([k]) => k).sort()).toEqual(
      Object.keys(BUILT_IN_DEFAULTS)
        .filter((k) => k !== "fromInvalid")
        .sort(),
    );
    for (const [key, p] of documented) {
      expect(p.default, `defaults.${key}`).toEqual(
        BUILT_IN_DEFAULTS[key as keyof typeof BUILT_IN_DEFAULTS],
      );
    }
  });

  it("what the loader fills in for a left-out property is the schema's documented default", () => {
    const r = resolveDocuments([
      {
        origin: "defaults.yaml",
        value: {
          version: 1,
          defaults: { from: "+12025550100" },
          chats: {
            g: {
              type: "group",
              participants: ["+14155550101", "+14155550102"],
              welcome_message: "Hi.",
            },
            d: { type: "direct", to: "+14155550103", welcome_message: "Hi." },
          },
          webhooks: { h: { target_url: "https://hooks.example.com/x", events: ["chat.created"] } },
        },
      },
    ]);
    expect(r.diagnostics).toEqual([]);
    const resolved: Record<string, Record<string, unknown>> = {
      "chat (group)": r.state!.chats.g as unknown as Record<string, unknown>,
      "chat (direct)": r.state!.chats.d as unknown as Record<string, unknown>,
      webhook: r.state!.webhooks.h as unknown as Record<string, unknown>,
    };
    const schemaOf = { "chat (group)": "chat", "chat (direct)": "chat", webhook: "webhook" };
    let compared = 0;
    for (const [label, model] of Object.entries(resolved)) {
      const props = defs[schemaOf[label as keyof typeof schemaOf]]!.properties!;
      for (const [key, p] of Object.entries(props)) {
        // secret_file's documented default is a pattern (<key>); it is checked elsewhere.
        if (p.default === undefined || key === "secret_file" || !(key in model)) continue;
        expect(model[key], `${label}.${key}`).toEqual(p.default);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(7);
  });

  it("every pattern has a message for editors (patternErrorMessage)", () => {
    const patterns: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== "object") return;
      const n = node as Record<string, unknown>;
      if (typeof n.pattern === "string") {
        patterns.push(where);
        expect(n.patternErrorMessage, where).toMatch(/\w/);
      }
      for (const [k, v] of Object.entries(n)) walk(v, `${where}/${k}`);
    };
    walk(schema, "");
    expect(patterns.length).toBeGreaterThanOrEqual(8);
  });

  it("the validator uses this very file", () => {
    expect(loadSchema()).toEqual(schema);
  });
});
