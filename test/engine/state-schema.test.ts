/**
 * Issue 10 item 5: a malformed state is a clear error naming the field (schemas/
 * chatsync-state.schema.json), never a TypeError or a silently empty state.
 */
import { describe, expect, it } from "vitest";
import {
  StateSchemaError,
  validateStateDocument,
} from "../../src/sync-engine/state/state-schema.js";

const VALID = {
  format: "chatsync-state",
  version: 1,
  lineage: "0b0e0c1e-5a7a-4f6e-9a55-2b1b8d7e6f01",
  serial: 7,
  updated_at: "2026-12-01T12:00:00.000Z",
  account: {
    endpoint: "https://api.linqapp.com/api/partner",
    lines: ["+12025550100"],
    recorded_at: "2026-12-01T11:00:00.000Z",
  },
  resources: {
    "chat.alice": {
      kind: "chat",
      id: "7d3c1e2a-0000-4000-8000-000000000001",
      from: "+12025550100",
      generation: 1,
      applied: {
        type: "direct",
        from: "+12025550100",
        to: "alice@example.com",
        on_delete: "leave",
        prevent_destroy: false,
      },
      intents: [
        {
          purpose: "rename_chat",
          generation: 1,
          detail: "Eng",
          started_at: "2026-12-01T11:59:00.000Z",
        },
      ],
      markers: { location_requested: "2026-12-01T11:00:00.000Z" },
      retired: [{ id: "old-chat", on_delete: "forget", retired_at: "2026-11-01T00:00:00.000Z" }],
    },
    "webhook.loc": {
      kind: "webhook",
      id: "sub-1",
      applied: {
        target_url: "https://hooks.example.com/x",
        events: ["location.sharing.started"],
        phone_numbers: [],
        active: true,
        secret_file: ".chatsync/secrets/loc.whsec",
      },
      secret: "written",
    },
    "contact_card.+12025550100": {
      kind: "contact_card",
      applied: { phone_number: "+12025550100", first_name: "Acme" },
    },
  },
  generations: { "chat.alice": 1 },
};

function problemWith(doc: unknown): StateSchemaError {
  try {
    validateStateDocument(doc, ".chatsync/state.json");
  } catch (e) {
    return e as StateSchemaError;
  }
  throw new Error("expected the document to be refused");
}

const withResources = (resources: unknown) => ({ ...VALID, resources });

describe("validateStateDocument", () => {
  it("accepts a state with every kind of resource and the account binding", () => {
    expect(validateStateDocument(structuredClone(VALID), "x")).toEqual(VALID);
  });

  it("refuses a null resource, naming its address", () => {
    const err = problemWith(withResources({ "chat.alice": null }));
    expect(err).toBeInstanceOf(StateSchemaError);
    expect(err.code).toBe("STATE_UNREADABLE");
    expect(err.message).toContain('resources["chat.alice"] must be an object');
    expect(err.message).toContain(".chatsync/state.json");
    expect(err.message).toMatch(/Restore it from backup/);
  });

  it("refuses resources given as an array instead of reading it as empty", () => {
    expect(problemWith(withResources([])).message).toContain("resources must be an object");
  });

  it("names a field deep inside a resource", () => {
    const chat = structuredClone(VALID.resources["chat.alice"]) as Record<string, unknown>;
    chat.intents = [{ generation: 1, started_at: "t" }];
    const err = problemWith(withResources({ "chat.alice": chat }));
    expect(err.field).toBe('resources["chat.alice"].intents[0]');
    expect(err.message).toContain('lacks the field "purpose"');
  });

  it("names an unknown kind and a missing top-level field", () => {
    expect(problemWith(withResources({ "x.y": { kind: "robot" } })).message).toContain(
      'resources["x.y"].kind must be one of "chat", "webhook", "contact_card"',
    );
    const noLineage: Record<string, unknown> = structuredClone(VALID);
    delete noLineage.lineage;
    expect(problemWith(noLineage).message).toContain('(document) lacks the field "lineage"');
  });
});

describe("what a damaged state's message says, exactly", () => {
  const tail =
    ". Restore it from backup or version control (or correct that field by hand); deleting the state makes chatsync forget every managed object.";

  it("names the source, the field and the problem in one sentence, with the way back", () => {
    const err = problemWith({ ...VALID, format: "other" });
    expect(err.name).toBe("StateSchemaError");
    expect(err.field).toBe("format");
    expect(err.message).toBe(
      `State .chatsync/state.json is damaged: format must be "chatsync-state"${tail}`,
    );
  });

  it("says the limits: a negative serial, an empty lineage, a wrong version", () => {
    expect(problemWith({ ...VALID, serial: -1 }).message).toContain("serial must be at least 0.");
    expect(problemWith({ ...VALID, lineage: "" }).message).toContain("lineage must not be empty.");
    expect(problemWith({ ...VALID, version: 2 }).message).toContain("version must be 1.");
    expect(problemWith({ ...VALID, serial: 1.5 }).message).toContain("serial must be an integer.");
  });

  it("names every JSON type in words", () => {
    expect(problemWith({ ...VALID, updated_at: 5 }).message).toContain(
      "updated_at must be a string.",
    );
    expect(problemWith({ ...VALID, account: { ...VALID.account, lines: "x" } }).message).toContain(
      "account.lines must be an array.",
    );
    const chat = {
      ...VALID.resources["chat.alice"],
      applied: { ...VALID.resources["chat.alice"].applied, prevent_destroy: "no" },
    };
    expect(problemWith(withResources({ "chat.alice": chat })).message).toContain(
      'resources["chat.alice"].applied.prevent_destroy must be true or false.',
    );
    expect(problemWith(withResources({ "chat.alice": { ...chat, applied: 3 } })).message).toContain(
      'resources["chat.alice"].applied must be an object.',
    );
  });

  it("reports the deepest problem, not the wrapper around it", () => {
    // A chat with a bad intent and a missing top-level field of the state: the intent's own
    // field is what the reader must fix, and is named, not "must match then schema".
    const chat = structuredClone(VALID.resources["chat.alice"]) as Record<string, unknown>;
    chat.intents = [{ purpose: "rename_chat", generation: -3, started_at: "t" }];
    const doc: Record<string, unknown> = withResources({ "chat.alice": chat });
    delete doc.lineage;
    const err = problemWith(doc);
    expect(err.field).toBe('resources["chat.alice"].intents[0].generation');
    expect(err.message).toContain("must be at least 0");
    expect(err.message).not.toContain("then");
  });

  it("counts a missing field as deep as the fields beside it", () => {
    // A chat without `generation` whose `markers` is also wrong: both are fields of the chat,
    // equally deep, so the first found (the missing one) is reported.
    const chat = structuredClone(VALID.resources["chat.alice"]) as Record<string, unknown>;
    delete chat.generation;
    chat.markers = 5;
    const err = problemWith(withResources({ "chat.alice": chat }));
    expect(err.field).toBe('resources["chat.alice"]');
    expect(err.message).toContain('lacks the field "generation"');
    // Alone, the wrong field is reported.
    chat.generation = 1;
    expect(problemWith(withResources({ "chat.alice": chat })).message).toContain(
      'resources["chat.alice"].markers must be an object.',
    );
  });

  it("writes a path the way a reader types it: indexes, dotted names, quoted keys", () => {
    const chat = structuredClone(VALID.resources["chat.alice"]) as Record<string, unknown>;
    chat.intents = Array.from({ length: 12 }, () =>
      structuredClone(VALID.resources["chat.alice"].intents[0]),
    );
    (chat.intents as Array<Record<string, unknown>>)[11]!.generation = "x";
    const err = problemWith(withResources({ "chat/a~b": chat }));
    expect(err.field).toBe('resources["chat/a~b"].intents[11].generation');
  });
});
