/** Whatever comes in, validation answers with diagnostics, never with an exception. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";
import { parseYamlSource } from "../../src/sync-engine/config/yaml-source.js";
import { stringify } from "yaml";
import { propertyRuns } from "../support/property-runs.js";

const scalar = fc.oneof(
  fc.constantFrom(
    "group",
    "direct",
    "leave",
    "forget",
    "+14155550101",
    "+1 202 555 0100",
    "a@example.com",
    "https://x.example.com/a",
    "message.sent",
    "",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const chatKeys = [
  "type",
  "from",
  "to",
  "participants",
  "display_name",
  "icon",
  "welcome_message",
  "on_delete",
  "roster",
  "readd_left",
  "location_request",
  "share_contact_card",
  "prevent_destroy",
  "bogus",
];
const entry = fc.dictionary(
  fc.constantFrom(
    ...chatKeys,
    "target_url",
    "events",
    "phone_numbers",
    "active",
    "secret_file",
    "first_name",
    "image_url",
  ),
  fc.oneof(scalar, fc.array(scalar, { maxLength: 4 })),
);
const nearlyValid = fc.record({
  version: fc.oneof(fc.constant(1), scalar),
  defaults: fc.option(fc.dictionary(fc.constantFrom("from", "roster", "on_delete", "x"), scalar), {
    nil: undefined,
  }),
  chats: fc.option(fc.dictionary(fc.constantFrom("a", "b", "Bad", "c-1"), entry), {
    nil: undefined,
  }),
  webhooks: fc.option(fc.dictionary(fc.constantFrom("h", "i"), entry), { nil: undefined }),
  contact_cards: fc.option(
    fc.dictionary(fc.constantFrom("+12025550100", "+1 (202) 555-0100", "x"), entry),
    { nil: undefined },
  ),
});

describe("robustness", () => {
  it("resolveDocuments never throws and gives a state exactly when there is no error (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(nearlyValid, fc.jsonValue({ maxDepth: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (values) => {
          const r = resolveDocuments(values.map((value, i) => ({ value, origin: `doc${i}` })));
          const errors = r.diagnostics.filter((d) => d.severity === "error");
          expect(r.state === undefined).toBe(errors.length > 0);
          for (const d of r.diagnostics) expect(d.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });

  it("every diagnostic about a YAML file has a line and a column (property)", () => {
    fc.assert(
      fc.property(fc.array(nearlyValid, { minLength: 1, maxLength: 2 }), (values) => {
        const docs = values.map((value, i) => {
          const parsed = parseYamlSource(stringify(value), `doc${i}.yaml`);
          for (const d of parsed.diagnostics) expect(d.line, d.message).toBeDefined();
          return parsed.document;
        });
        const r = resolveDocuments(docs.filter((d) => d !== undefined));
        for (const d of r.diagnostics) {
          expect(d.line, d.message).toBeGreaterThanOrEqual(1);
          expect(d.column, d.message).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  it("parseYamlSource never throws on arbitrary text (property)", () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 200,
          unit: fc.constantFrom(
            "a",
            ":",
            " ",
            "\n",
            "-",
            "[",
            "]",
            "{",
            "}",
            "&",
            "*",
            "!",
            "#",
            '"',
            "'",
            "|",
            ">",
            "+",
            "1",
            "\t",
            "?",
            ",",
          ),
        }),
        (text) => {
          const r = parseYamlSource(text, "f.yaml");
          expect(r.document !== undefined || r.diagnostics.length > 0).toBe(true);
          for (const d of r.diagnostics) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});

describe("normalization is idempotent at the document level", () => {
  it("a resolved state, written back as a document, resolves to itself", async () => {
    const { loadConfig } = await import("../../src/sync-engine/config/load-config.js");
    const { canonicalJson } = await import("../../src/sync-engine/model/canonical.js");
    const first = (
      await loadConfig(["examples/full"], { cwd: new URL("../../", import.meta.url).pathname })
    ).state!;
    const strip = (o: object, drop: string): Record<string, unknown> =>
      Object.fromEntries(Object.entries(o).filter(([k]) => k !== drop));
    const doc = {
      version: 1,
      chats: Object.fromEntries(Object.entries(first.chats).map(([k, c]) => [k, strip(c, "key")])),
      webhooks: Object.fromEntries(
        Object.entries(first.webhooks).map(([k, w]) => [k, strip(w, "key")]),
      ),
      contact_cards: Object.fromEntries(
        Object.entries(first.contact_cards).map(([k, c]) => [k, strip(c, "phone_number")]),
      ),
    };
    const again = resolveDocuments([{ value: doc, origin: "roundtrip" }]);
    expect(again.diagnostics).toEqual([]);
    expect(canonicalJson(again.state)).toBe(canonicalJson(first));
  });
});
