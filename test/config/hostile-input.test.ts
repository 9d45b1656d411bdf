/** Hostile or pathological input is refused cleanly, before it can cost time or memory. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";
import {
  MAX_CONFIG_FILE_BYTES,
  MAX_NESTING_DEPTH,
  parseYamlSource,
} from "../../src/sync-engine/config/yaml-source.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "chatsync-hostile-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hostile input", () => {
  it("refuses a file over the size cap without parsing it", async () => {
    // Unparseable content: if it were parsed, the error would be a YAML error instead.
    writeFileSync(join(dir, "big.yaml"), `version: [\n${"#".repeat(MAX_CONFIG_FILE_BYTES)}`);
    const r = await loadConfig(["big.yaml"], { cwd: dir });
    expect(r.state).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file: "big.yaml", severity: "error" });
    expect(r.diagnostics[0]!.message).toMatch(
      /^the file is 5\.0 MiB; chatsync files may be at most 5 MiB/,
    );
  });

  it("accepts a file just under the cap (comments only beyond the document)", async () => {
    const head = "version: 1\n";
    writeFileSync(
      join(dir, "ok.yaml"),
      head + "#".repeat(MAX_CONFIG_FILE_BYTES - head.length - 1) + "\n",
    );
    const r = await loadConfig(["ok.yaml"], { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.state).toEqual({ version: 1, chats: {}, webhooks: {}, contact_cards: {} });
  });

  it("never pollutes Object.prototype through __proto__ keys", () => {
    const parsed = parseYamlSource(
      "version: 1\nchats:\n  __proto__:\n    polluted: true\n",
      "p.yaml",
    );
    expect(parsed.document).toBeUndefined();
    expect(parsed.diagnostics[0]).toMatchObject({ line: 3, column: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not expand YAML merge keys: << is an unknown key", async () => {
    writeFileSync(
      join(dir, "m.yaml"),
      'version: 1\ndefaults: { from: "+12025550100" }\nchats:\n  a:\n    <<: { type: group }\n    type: direct\n    to: "+14155550101"\n    welcome_message: Hi.\n',
    );
    const r = await loadConfig(["m.yaml"], { cwd: dir });
    expect(r.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [
        5,
        5,
        'unknown key "<<" in chat "a"; allowed keys: type, from, display_name, icon, participants, to, roster, readd_left, welcome_message, share_contact_card, location_request, prevent_destroy, on_delete',
      ],
    ]);
  });

  it.each([70, 1000, 20000])(
    "refuses lists nested %i levels deep with one clear message",
    (depth) => {
      const parsed = parseYamlSource(
        `version: 1\nchats: ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
        "deep.yaml",
      );
      expect(parsed.document).toBeUndefined();
      expect(parsed.diagnostics).toHaveLength(1);
      expect(parsed.diagnostics[0]!.message).toBe(
        `the YAML nests lists and mappings more than ${MAX_NESTING_DEPTH} levels deep; a chatsync file needs only a few levels — check for unbalanced brackets`,
      );
      expect(parsed.diagnostics[0]!.line).toBe(2);
    },
  );

  it("accepts nesting up to the limit", () => {
    // The document itself is level 1, "chats" holds level 2, and so on.
    const depth = MAX_NESTING_DEPTH - 1;
    const parsed = parseYamlSource(
      `version: 1\nx: ${"[".repeat(depth)}${"]".repeat(depth)}\n`,
      "ok.yaml",
    );
    expect(parsed.document).toBeDefined();
  });

  it("keeps diagnostics short for binary or huge values", async () => {
    const bytes = Buffer.alloc(4000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    writeFileSync(join(dir, "bin.yaml"), bytes);
    writeFileSync(
      join(dir, "long.yaml"),
      `version: 1\nchats:\n  a:\n    type: direct\n    to: "+1${"5".repeat(100000)}"\n    welcome_message: hi\n`,
    );
    for (const name of ["bin.yaml", "long.yaml"]) {
      const r = await loadConfig([name], { cwd: dir });
      expect(r.state, name).toBeUndefined();
      expect(r.diagnostics.length, name).toBeGreaterThan(0);
      for (const d of r.diagnostics) expect(d.message.length, name).toBeLessThan(400);
    }
  });

  it("refuses duplicate keys in flow mappings too, naming the first", () => {
    const parsed = parseYamlSource(
      'version: 1\ncontact_cards: { "+12025550100": { first_name: A, first_name: B } }\n',
      "dup.yaml",
    );
    expect(parsed.document).toBeUndefined();
    expect(parsed.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [
        2,
        51,
        'duplicate key "first_name" in a mapping (first at line 2, column 36): each key may appear once (YAML would otherwise keep only one of them silently)',
      ],
    ]);
  });

  it("allows a few honest aliases", async () => {
    writeFileSync(
      join(dir, "a.yaml"),
      'version: 1\ndefaults: { from: "+12025550100" }\nchats:\n  a:\n    type: group\n    participants: &team ["+14155550101", "+14155550102"]\n    welcome_message: Hi.\n  b:\n    type: group\n    participants: *team\n    welcome_message: Hi.\n',
    );
    const r = await loadConfig(["a.yaml"], { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.state!.chats)).toEqual(["a", "b"]);
  });

  it("refuses an empty folder with a clear message", async () => {
    const r = await loadConfig(["."], { cwd: dir });
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        file: dir,
        message: "this folder has no .yaml or .yml files to load",
        path: "",
      },
    ]);
  });

  it("strips a byte-order mark", async () => {
    writeFileSync(join(dir, "bom.yaml"), "\uFEFFversion: 1\n");
    const r = await loadConfig(["bom.yaml"], { cwd: dir });
    expect(r.diagnostics).toEqual([]);
  });
});

describe("folders", () => {
  it("loads files linked into the folder, and names a dangling link", async () => {
    const { mkdirSync, symlinkSync } = await import("node:fs");
    mkdirSync(join(dir, "shared"));
    mkdirSync(join(dir, "cfg"));
    writeFileSync(
      join(dir, "shared", "team.yaml"),
      'version: 1\ndefaults: { from: "+12025550100" }\nchats:\n  a: { type: direct, to: "+14155550101", welcome_message: Hi }\n',
    );
    symlinkSync(join("..", "shared", "team.yaml"), join(dir, "cfg", "team.yaml"));
    const linked = await loadConfig(["cfg"], { cwd: dir });
    expect(linked.diagnostics).toEqual([]);
    expect(Object.keys(linked.state!.chats)).toEqual(["a"]);

    symlinkSync("gone.yaml", join(dir, "cfg", "old.yaml"));
    const dangling = await loadConfig(["cfg"], { cwd: dir });
    expect(dangling.state).toBeUndefined();
    expect(dangling.diagnostics).toEqual([
      {
        severity: "error",
        file: join("cfg", "old.yaml"),
        message: "this symbolic link points to nothing; fix or delete the link",
        path: "",
      },
    ]);
  });
});

describe("subfolders", () => {
  it("warns about YAML files in a subfolder, which are not read", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "cfg", "teams"), { recursive: true });
    mkdirSync(join(dir, "cfg", "notes"));
    writeFileSync(join(dir, "cfg", "main.yaml"), "version: 1\n");
    writeFileSync(join(dir, "cfg", "teams", "eng.yaml"), "version: 1\n");
    writeFileSync(join(dir, "cfg", "notes", "readme.txt"), "no yaml here");
    const r = await loadConfig(["cfg"], { cwd: dir });
    expect(r.state).toBeDefined();
    expect(r.files).toEqual([join(dir, "cfg", "main.yaml")]);
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        file: join("cfg", "teams"),
        path: "",
        message: `this subfolder has 1 YAML file that is not read (folders are read one level deep); to include it, also pass "${join("cfg", "teams")}" as a PATH`,
      },
    ]);
    const both = await loadConfig(["cfg", join("cfg", "teams")], { cwd: dir });
    expect(both.files).toHaveLength(2);
    expect(both.diagnostics).toEqual([]);
  });
});

describe("default PATH", () => {
  it("uses ./chatsync.yaml first", async () => {
    writeFileSync(join(dir, "chatsync.yaml"), "version: 1\n");
    const r = await loadConfig([], { cwd: dir });
    expect(r.files).toEqual([join(dir, "chatsync.yaml")]);
    expect(r.state).toBeDefined();
  });

  it("falls back to ./chatsync/", async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "chatsync"));
    writeFileSync(join(dir, "chatsync", "b.yml"), "version: 1\n");
    writeFileSync(join(dir, "chatsync", "a.yaml"), "version: 1\n");
    writeFileSync(join(dir, "chatsync", "notes.txt"), "not yaml");
    writeFileSync(join(dir, "chatsync", ".hidden.yaml"), "garbage: [");
    const r = await loadConfig([], { cwd: dir });
    expect(r.files).toEqual([join(dir, "chatsync", "a.yaml"), join(dir, "chatsync", "b.yml")]);
    expect(r.diagnostics).toEqual([]);
  });

  it("says what it looked for when neither exists", async () => {
    const r = await loadConfig([], { cwd: dir });
    expect(r.state).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toBe(
      `no chatsync.yaml or chatsync/ folder in ${dir}; pass a file or folder, e.g. "chatsync validate examples/quickstart.yaml"`,
    );
  });
});

describe("credentials and invisible characters in declarations (issue 10, items 11 and 12)", () => {
  it("refuses a target_url with user:password@, without repeating the password", async () => {
    writeFileSync(
      join(dir, "c.yaml"),
      [
        "version: 1",
        "webhooks:",
        "  hook:",
        "    target_url: https://user:S3cretPass@hooks.example.com/x?token=abc",
        "    events: [location.sharing.started]",
      ].join("\n"),
    );
    const r = await loadConfig(["c.yaml"], { cwd: dir });
    expect(r.state).toBeUndefined();
    const messages = r.diagnostics.map((d) => d.message).join("\n");
    expect(messages).toMatch(/webhooks\.hook\.target_url: .* carries a user name or password/);
    expect(messages).not.toContain("S3cretPass");
    expect(messages).not.toContain("token=abc");
  });

  it("refuses an email participant holding an OSC 8 link, shown escaped", async () => {
    writeFileSync(
      join(dir, "c.yaml"),
      [
        "version: 1",
        "chats:",
        "  alice:",
        "    type: direct",
        "    from: '+12025550100'",
        '    to: "\\e]8;;https://attacker.example\\aalice@example.com"',
        "    welcome_message: Hi",
      ].join("\n"),
    );
    const r = await loadConfig(["c.yaml"], { cwd: dir });
    expect(r.state).toBeUndefined();
    const message = r.diagnostics.map((d) => d.message).join("\n");
    expect(message).toMatch(/invisible or control character U\+001B/);
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });
});
