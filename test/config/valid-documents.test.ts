/** The examples and the valid fixtures load into the expected desired state. */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";
import type {
  DesiredDirectChat,
  DesiredGroupChat,
} from "../../src/sync-engine/model/desired-state.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const validDir = join(root, "test/fixtures/valid");

describe("examples", () => {
  it("quickstart.yaml is valid, without warnings, with normalized handles", async () => {
    const r = await loadConfig(["examples/quickstart.yaml"], { cwd: root });
    expect(r.diagnostics).toEqual([]);
    const state = r.state!;
    expect(Object.keys(state.chats)).toEqual(["alice", "eng-oncall"]);
    const group = state.chats["eng-oncall"] as DesiredGroupChat;
    expect(group).toMatchObject({
      type: "group",
      from: "+12025550100",
      participants: ["+14155550101", "+14155550102", "alice@example.com"],
      roster: "authoritative",
      readd_left: false,
      on_delete: "forget",
      share_contact_card: true,
      prevent_destroy: false,
    });
    const direct = state.chats.alice as DesiredDirectChat;
    expect(direct).toMatchObject({
      type: "direct",
      to: "alice@example.com",
      location_request: true,
      on_delete: "forget",
    });
    expect(state.webhooks["location-events"]).toEqual({
      key: "location-events",
      target_url: "https://hooks.example.com/linq/location",
      events: ["location.sharing.started", "location.sharing.stopped"],
      phone_numbers: ["+12025550100"],
      active: true,
      secret_file: join(root, "examples/.chatsync/secrets/location-events.whsec"),
    });
    expect(Object.keys(state.contact_cards)).toEqual(["+12025550100"]);
  });

  it("the full example folder is valid and uses every feature", async () => {
    const r = await loadConfig(["examples/full"], { cwd: root });
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.slice(root.length))).toEqual([
      "examples/full/00-defaults.yaml",
      "examples/full/10-contact-cards.yaml",
      "examples/full/20-group-chats.yaml",
      "examples/full/30-direct-chats.yaml",
      "examples/full/40-webhooks.yaml",
    ]);
    const state = r.state!;
    expect(Object.keys(state.chats)).toEqual([
      "alice",
      "courier-dave",
      "eng-oncall",
      "sales-leads",
    ]);
    expect(Object.keys(state.contact_cards)).toEqual(["+12025550100", "+12025550109"]);
    expect(Object.keys(state.webhooks)).toEqual([
      "location-events",
      "paused-messages",
      "roster-audit",
    ]);
    // defaults from another file of the folder apply; "leave" becomes "forget" on direct chats
    expect(state.chats["eng-oncall"]).toMatchObject({
      on_delete: "leave",
      readd_left: true,
      prevent_destroy: true,
    });
    expect(state.chats.alice).toMatchObject({ on_delete: "forget", from: "+12025550100" });
    expect(state.chats["courier-dave"]).toMatchObject({ from: "+12025550109", to: "+12025550106" });
    expect(state.chats["sales-leads"]).toMatchObject({ roster: "additive", on_delete: "forget" });
    expect(state.webhooks["paused-messages"]).toMatchObject({ active: false, phone_numbers: [] });
    expect(state.webhooks["paused-messages"]?.secret_file).toBe(
      join(root, "examples/full/.chatsync/secrets/paused-messages.whsec"),
    );
  });

  it("the full example sets every property the schema defines", async () => {
    const { parse } = await import("yaml");
    const schema = JSON.parse(readFileSync(join(root, "schemas/chatsync.schema.json"), "utf8")) as {
      properties: Record<string, unknown>;
      $defs: Record<string, { properties: object }>;
    };
    const used: Record<string, Set<string>> = {
      top: new Set(),
      defaults: new Set(),
      chat: new Set(),
      webhook: new Set(),
      contact_card: new Set(),
    };
    const sections = { chats: "chat", webhooks: "webhook", contact_cards: "contact_card" };
    for (const name of readdirSync(join(root, "examples/full"))) {
      const doc = parse(readFileSync(join(root, "examples/full", name), "utf8")) as Record<
        string,
        Record<string, Record<string, unknown>>
      >;
      for (const [key, value] of Object.entries(doc)) {
        used.top!.add(key);
        if (key === "defaults") Object.keys(value).forEach((k) => used.defaults!.add(k));
        const kind = sections[key as keyof typeof sections];
        if (kind === undefined) continue;
        for (const entry of Object.values(value)) {
          Object.keys(entry).forEach((k) => used[kind]!.add(k));
        }
      }
    }
    // imports: and moved: name one account's ids and one state's history; the README shows them.
    const historyOnly = ["imports", "moved"];
    expect([...used.top!].sort()).toEqual(
      Object.keys(schema.properties)
        .filter((k) => !historyOnly.includes(k))
        .sort(),
    );
    for (const kind of ["defaults", "chat", "webhook", "contact_card"]) {
      expect([...used[kind]!].sort(), kind).toEqual(
        Object.keys(schema.$defs[kind]!.properties).sort(),
      );
    }
  });

  it("every example names the schema with the right relative path", () => {
    const files = [
      "examples/quickstart.yaml",
      ...readdirSync(join(root, "examples/full")).map((f) => `examples/full/${f}`),
    ];
    for (const file of files) {
      const first = readFileSync(join(root, file), "utf8").split("\n")[0]!;
      const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(match, file).not.toBeNull();
      const target = join(dirname(join(root, file)), match![1]!);
      expect(target).toBe(join(root, "schemas/chatsync.schema.json"));
    }
  });
});

describe("valid fixtures with warnings", () => {
  const cases: [string, { line: number; column: number; message: RegExp }[]][] = [
    [
      "direct-on-delete-leave.yaml",
      [
        {
          line: 8,
          column: 16,
          message: /cannot leave direct chats; removing this declaration will forget the chat/,
        },
      ],
    ],
    [
      "small-group-leave.yaml",
      [
        {
          line: 10,
          column: 16,
          message:
            /only leave groups with at least 4 members counting your line \(this one has 3\)/,
        },
      ],
    ],
    [
      "share-card-without-card.yaml",
      [{ line: 5, column: 3, message: /no contact card is declared for that line/ }],
    ],
    [
      "unassigned-number.yaml",
      [
        {
          line: 7,
          column: 36,
          message:
            /"\+1 111 555 0101" has a possible length but is not an assigned number for country code \+1/,
        },
      ],
    ],
    [
      "webhook-payload-version.yaml",
      [
        {
          line: 4,
          column: 17,
          message: /message\.edited is only delivered to 2026-02-03 subscriptions/,
        },
        {
          line: 7,
          column: 17,
          message:
            /unknown payload version "2026-02-30"; the known versions are 2025-01-01 and 2026-02-03/,
        },
      ],
    ],
  ];

  it.each(cases)("%s loads, with its warnings", async (name, warnings) => {
    const r = await loadConfig([name], { cwd: validDir });
    expect(r.state).toBeDefined();
    expect(r.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(r.diagnostics).toHaveLength(warnings.length);
    warnings.forEach((w, i) => {
      const d = r.diagnostics[i]!;
      expect({ file: d.file, line: d.line, column: d.column }).toEqual({
        file: name,
        line: w.line,
        column: w.column,
      });
      expect(d.message).toMatch(w.message);
    });
  });

  it("a possible but unassigned number is kept, normalized", async () => {
    const r = await loadConfig(["unassigned-number.yaml"], { cwd: validDir });
    expect((r.state!.chats.eng as DesiredGroupChat).participants).toEqual([
      "+11115550101",
      "+14155550101",
    ]);
  });
});

describe("merging a folder", () => {
  it("identical defaults in two files are accepted", async () => {
    const r = await loadConfig(["same-defaults"], { cwd: validDir });
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.state!.chats)).toEqual(["a", "b"]);
  });

  it("a file named directly and through its folder is read once", async () => {
    const r = await loadConfig(["same-defaults", "same-defaults/a.yaml"], { cwd: validDir });
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toHaveLength(2);
  });
});

describe("default paths", () => {
  it("reports a clear error when a path does not exist", async () => {
    const r = await loadConfig(["nope.yaml"], { cwd: validDir });
    expect(r.state).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: "error", file: "nope.yaml", message: "no such file or folder", path: "" },
    ]);
  });
});
