import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Construct } from "constructs";
import {
  ChatSync,
  ChatSyncValidationError,
  ContactCard,
  DirectChat,
  GroupChat,
  Handle,
  InvalidHandleError,
  LocationSharingWebhook,
  ManagedObject,
  Team,
  WebhookEvents,
  WebhookSubscription,
  synthesizeDesiredState,
} from "../../src/constructs/index.js";
import { loadConfig } from "../../src/sync-engine/config/load-config.js";

const LINE = "+12025550100";

function root(): Construct {
  return new Construct(undefined as never, "");
}

function validationError(fn: () => unknown): ChatSyncValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChatSyncValidationError);
    return err as ChatSyncValidationError;
  }
  throw new Error("expected a ChatSyncValidationError");
}

/** The YAML path's diagnostics for one document written to a temp file. */
async function yamlMessages(yaml: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "chatsync-yaml-"));
  const file = join(dir, "chatsync.yaml");
  writeFileSync(file, yaml);
  const result = await loadConfig([file], { cwd: dir });
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
}

describe("construct model → desired state", () => {
  it("applies ChatSync defaults and normalizes handles like the YAML path", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", {
      from: "+1 (202) 555-0100",
      roster: "additive",
      onDelete: "leave",
    });
    new GroupChat(chats, "eng", {
      participants: ["+1 415 555 0102", "Bob@Example.com"],
      welcomeMessage: "Welcome",
    });
    new DirectChat(chats, "alice", { to: "alice@example.com", welcomeMessage: "Hi" });
    const { state } = synthesizeDesiredState(app);
    expect(state.chats.eng).toEqual({
      key: "eng",
      type: "group",
      from: LINE,
      participants: ["+14155550102", "bob@example.com"],
      roster: "additive",
      readd_left: false,
      welcome_message: "Welcome",
      share_contact_card: false,
      prevent_destroy: false,
      on_delete: "leave",
    });
    expect(state.chats.alice).toMatchObject({
      type: "direct",
      to: "alice@example.com",
      from: LINE,
    });
  });

  it("uses the construct id as the key unless key is given", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    const a = new GroupChat(chats, "eng", {
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "x",
    });
    const b = new GroupChat(chats, "Ops Team", {
      key: "ops",
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "x",
    });
    expect([a.address, b.address]).toEqual(["chat.eng", "chat.ops"]);
    expect(Object.keys(synthesizeDesiredState(app).state.chats)).toEqual(["eng", "ops"]);
  });

  it("reads a Team at synthesis, so members added later are in the roster", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    const team = new Team(app, "team", { members: ["+14155550101"] });
    const snapshot = new GroupChat(chats, "snapshot", {
      participants: [...team.members, "+14155550109"],
      welcomeMessage: "x",
    });
    new GroupChat(chats, "live", { participants: team, welcomeMessage: "x" });
    team.addMember("+14155550102", "carol@example.com");
    snapshot.addParticipant("+14155550108");
    const { state } = synthesizeDesiredState(app);
    expect(state.chats.live).toMatchObject({
      participants: ["+14155550101", "+14155550102", "carol@example.com"],
    });
    expect(state.chats.snapshot).toMatchObject({
      participants: ["+14155550101", "+14155550108", "+14155550109"],
    });
  });

  it("adds participant sources with addParticipant", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    const chat = new GroupChat(chats, "eng", { welcomeMessage: "x" });
    chat.addParticipant(new Team(app, "a", { members: ["+14155550101"] }), "+14155550102");
    expect(synthesizeDesiredState(app).state.chats.eng).toMatchObject({
      participants: ["+14155550101", "+14155550102"],
    });
  });

  it("declares webhooks, location webhooks and contact cards with their YAML defaults", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE, baseDir: "/srv/app" });
    new LocationSharingWebhook(chats, "location", { targetUrl: "https://hooks.example.com/loc" });
    new WebhookSubscription(chats, "messages", {
      targetUrl: "https://hooks.example.com/msg",
      events: WebhookEvents.MESSAGES,
      phoneNumbers: ["+1 202 555 0100"],
      active: false,
      secretFile: "/etc/chatsync/messages.whsec",
    });
    const card = new ContactCard(chats, "card", {
      phoneNumber: "+1 (202) 555-0100",
      firstName: "Acme",
    });
    const { state, objects } = synthesizeDesiredState(app);
    expect(state.webhooks.location).toEqual({
      key: "location",
      target_url: "https://hooks.example.com/loc",
      events: ["location.sharing.started", "location.sharing.stopped"],
      phone_numbers: [],
      active: true,
      secret_file: "/srv/app/.chatsync/secrets/location.whsec",
    });
    expect(state.webhooks.messages).toMatchObject({
      active: false,
      phone_numbers: [LINE],
      secret_file: "/etc/chatsync/messages.whsec",
    });
    expect(state.contact_cards[LINE]).toEqual({ phone_number: LINE, first_name: "Acme" });
    // The synthesized address is the normalized one, whatever spelling the props used.
    expect(objects.find((o) => o.construct === card)?.address).toBe(`contact_card.${LINE}`);
  });

  it("finds managed objects anywhere below the scope, in or out of a ChatSync", () => {
    const app = root();
    new ChatSync(app, "defaults", { from: LINE });
    const nested = new Construct(app, "team-a");
    const chat = new DirectChat(nested, "bob", { to: "bob@example.com", welcomeMessage: "Hi" });
    expect(ManagedObject.isManagedObject(chat)).toBe(true);
    expect(ManagedObject.isManagedObject(nested)).toBe(false);
    // The ChatSync's defaults apply to the whole tree, as a YAML file's do to a folder.
    expect(synthesizeDesiredState(app).state.chats.bob).toMatchObject({ from: LINE });
  });
});

describe("validation: the YAML path's rules and messages, naming the construct path", () => {
  it("refuses a URL in the welcome message with the YAML message, at construction", async () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    // The welcome message can never change: the constructor itself throws.
    const err = validationError(
      () =>
        new GroupChat(chats, "eng", {
          participants: ["+14155550101", "+14155550102"],
          welcomeMessage: "Runbook: https://wiki.example.com/oncall",
        }),
    );
    expect(err.code).toBe("CHATSYNC_INVALID_CONSTRUCT");
    const yaml = await yamlMessages(
      `version: 1\ndefaults: { from: "${LINE}" }\nchats:\n  eng:\n    type: group\n    participants: ["+14155550101", "+14155550102"]\n    welcome_message: "Runbook: https://wiki.example.com/oncall"\n`,
    );
    expect(yaml).toHaveLength(1);
    expect(err.diagnostics.map((d) => d.message)).toEqual(yaml);
    expect(err.diagnostics[0]?.file).toBe("chats/eng");
    expect(err.message).toContain("chats/eng");
    expect(err.message).toContain(yaml[0]);
  });

  it("refuses a bad participant and a missing sending line with the YAML messages", async () => {
    const app = root();
    new GroupChat(app, "eng", {
      participants: ["4155550101", "+14155550102"],
      welcomeMessage: "x",
    });
    const err = validationError(() => synthesizeDesiredState(app));
    const yaml = await yamlMessages(
      `version: 1\nchats:\n  eng:\n    type: group\n    participants: ["4155550101", "+14155550102"]\n    welcome_message: x\n`,
    );
    expect(yaml.length).toBeGreaterThan(0);
    expect(
      err.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => d.message)
        .sort(),
    ).toEqual([...yaml].sort());
  });

  it("refuses a schema violation (too few participants) with the YAML message", async () => {
    const app = root();
    new GroupChat(app, "eng", { from: LINE, participants: ["+14155550101"], welcomeMessage: "x" });
    const err = validationError(() => synthesizeDesiredState(app));
    const yaml = await yamlMessages(
      `version: 1\nchats:\n  eng:\n    type: group\n    from: "${LINE}"\n    participants: ["+14155550101"]\n    welcome_message: x\n`,
    );
    expect(err.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual(
      yaml,
    );
  });

  it("names both construct paths when a key is declared twice", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    new DirectChat(chats, "first", { key: "alice", to: "alice@example.com", welcomeMessage: "Hi" });
    new DirectChat(chats, "second", {
      key: "alice",
      to: "alice@example.com",
      welcomeMessage: "Hi",
    });
    const err = validationError(() => synthesizeDesiredState(app));
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]?.file).toBe("chats/second");
    expect(err.diagnostics[0]?.message).toContain("declared twice");
    expect(err.diagnostics[0]?.message).toContain("chats/first");
  });

  it("refuses two ChatSync containers with different defaults, naming both", () => {
    const app = root();
    new ChatSync(app, "a", { from: LINE });
    new ChatSync(app, "b", { from: "+12025550199" });
    const err = validationError(() => synthesizeDesiredState(app));
    expect(err.diagnostics[0]?.message).toMatch(/defaults differ/);
    expect(err.message).toContain("a (/defaults)");
    expect(err.diagnostics[0]?.file).toBe("b");
  });

  it("accepts identical defaults in several containers", () => {
    const app = root();
    new ChatSync(app, "a", { from: LINE });
    const b = new ChatSync(app, "b", { from: "+1 202 555 0100" });
    new DirectChat(b, "alice", { to: "alice@example.com", welcomeMessage: "Hi" });
    expect(synthesizeDesiredState(app).state.chats.alice).toMatchObject({ from: LINE });
  });
});

describe("validation at construction: what can no longer change throws where it is declared", () => {
  /** The YAML path's error messages for `chats.<key>` / `webhooks.<key>` / ... written as YAML. */
  async function yamlErrors(yaml: string): Promise<string[]> {
    return yamlMessages(`version: 1\n${yaml}`);
  }

  it("a chat key that is not address-safe (the construct id) throws with the YAML message", async () => {
    const chats = new ChatSync(root(), "chats", { from: LINE });
    const err = validationError(
      () => new DirectChat(chats, "Alice Smith", { to: "alice@example.com", welcomeMessage: "Hi" }),
    );
    const yaml = await yamlErrors(
      `defaults: { from: "${LINE}" }\nchats:\n  "Alice Smith": { type: direct, to: alice@example.com, welcome_message: Hi }\n`,
    );
    expect(yaml).toHaveLength(1);
    expect(err.diagnostics.map((d) => d.message)).toEqual(yaml);
    expect(err.diagnostics[0]?.file).toBe("chats/Alice Smith");
    expect(err.message).toContain("chats/Alice Smith (/chats/Alice Smith): error:");
  });

  it("a direct chat's bad `to`, a webhook's http target and a card's bad line throw with the YAML messages", async () => {
    const chats = new ChatSync(root(), "chats", { from: LINE });
    const to = validationError(
      () => new DirectChat(chats, "bob", { to: "555-0101", welcomeMessage: "Hi" }),
    );
    expect(to.diagnostics.map((d) => d.message)).toEqual(
      await yamlErrors(
        `defaults: { from: "${LINE}" }\nchats:\n  bob: { type: direct, to: "555-0101", welcome_message: Hi }\n`,
      ),
    );
    const hook = validationError(
      () =>
        new WebhookSubscription(chats, "plain-http", {
          targetUrl: "http://hooks.example.com/x",
          events: WebhookEvents.MESSAGES,
        }),
    );
    const hookYaml = await yamlErrors(
      `webhooks:\n  plain-http: { target_url: "http://hooks.example.com/x", events: [${WebhookEvents.MESSAGES.join(", ")}] }\n`,
    );
    expect(hookYaml.length).toBeGreaterThan(0);
    expect(hook.diagnostics.map((d) => d.message)).toEqual(hookYaml);
    expect(hook.diagnostics[0]?.file).toBe("chats/plain-http");
    const card = validationError(
      () => new ContactCard(chats, "card", { phoneNumber: "12025550100", firstName: "Acme" }),
    );
    expect(card.diagnostics.map((d) => d.message)).toEqual(
      await yamlErrors(`contact_cards:\n  "12025550100": { first_name: Acme }\n`),
    );
  });

  it("names an unresolved CDK token as the cause instead of judging its placeholder text", () => {
    const token = "${TfToken[TOKEN.7]}";
    const chats = new ChatSync(root(), "chats", { from: LINE });
    const err = validationError(
      () => new DirectChat(chats, "bob", { to: token, welcomeMessage: "Hi" }),
    );
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ file: "chats/bob", path: "/chats/bob/to" });
    expect(err.diagnostics[0]?.message).toContain(
      `chats.bob.to: "${token}" is an unresolved CDK token`,
    );
    expect(() => new ChatSync(root(), "defaults", { from: token })).toThrow(
      /defaults\.from: "\$\{TfToken\[TOKEN\.7\]\}" is an unresolved CDK token/,
    );
  });

  it("reports a token that reaches a roster through a Team at synthesis", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    const team = new Team(app, "team", { members: ["+14155550101", "+14155550102"] });
    new GroupChat(chats, "eng", { participants: team, welcomeMessage: "Hi" });
    team.addMember("#{TfToken[TOKEN.9]}");
    const err = validationError(() => synthesizeDesiredState(app));
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({
      file: "chats/eng",
      path: "/chats/eng/participants/2",
    });
    expect(err.diagnostics[0]?.message).toMatch(/is an unresolved CDK token/);
  });

  it("a ChatSync with a bad default line throws with the YAML defaults message", async () => {
    const err = validationError(() => new ChatSync(root(), "chats", { from: "2025550100" }));
    const yaml = await yamlErrors(`defaults: { from: "2025550100" }\n`);
    expect(yaml).toHaveLength(1);
    expect(err.diagnostics.map((d) => d.message)).toEqual(yaml);
    expect(err.diagnostics[0]?.file).toBe("chats");
  });

  it("leaves the roster to synthesis: a group may start short and grow", () => {
    const app = root();
    const chats = new ChatSync(app, "chats", { from: LINE });
    const team = new Team(app, "team");
    const chat = new GroupChat(chats, "eng", { participants: team, welcomeMessage: "Hi" });
    team.addMember("+14155550101");
    chat.addParticipant("+14155550102");
    expect(synthesizeDesiredState(app).state.chats.eng).toMatchObject({
      participants: ["+14155550101", "+14155550102"],
    });
  });

  it("leaves the sending line to synthesis when a container outside the scope may supply it", () => {
    const app = root();
    const team = new Construct(app, "team");
    // No line known here, and the key is bad: the object-level check waits for synthesis ...
    new DirectChat(team, "alice", { to: "alice@example.com", welcomeMessage: "Hi" });
    new DirectChat(team, "Bob", { to: "bob@example.com", welcomeMessage: "Hi" });
    new ChatSync(app, "defaults", { from: LINE });
    // ... where the line is found, and the bad key is still refused.
    const err = validationError(() => synthesizeDesiredState(app));
    expect(err.diagnostics.filter((d) => d.severity === "error").map((d) => d.file)).toEqual([
      "team/Bob",
    ]);
    expect(err.diagnostics[0]?.message).toContain('chat key "Bob" is not address-safe');
  });
});

describe("value helpers", () => {
  it("Handle.phone normalizes to E.164 and Handle.email lower-cases", () => {
    expect(Handle.phone("+1 (415) 555-0101")).toBe("+14155550101");
    expect(Handle.email(" Alice@Example.COM ")).toBe("alice@example.com");
  });

  it("Handle helpers throw InvalidHandleError with the YAML path's reason", () => {
    const phone = (() => {
      try {
        Handle.phone("415 555 0101");
      } catch (err) {
        return err;
      }
    })();
    expect(phone).toBeInstanceOf(InvalidHandleError);
    expect((phone as InvalidHandleError).code).toBe("CHATSYNC_INVALID_HANDLE");
    expect((phone as Error).message).toMatch(
      /^Handle\.phone: "415 555 0101" is not in international format/,
    );
    expect(() => Handle.email("not-an-email")).toThrow(
      /Handle\.email: "not-an-email" is not a valid email address/,
    );
    expect(() => Handle.phone("${TfToken[TOKEN.3]}")).toThrow(
      /Handle\.phone: "\$\{TfToken\[TOKEN\.3\]\}" is an unresolved CDK token/,
    );
  });

  it("WebhookEvents groups name catalogue events only", () => {
    expect(WebhookEvents.LOCATION).toEqual([
      "location.sharing.started",
      "location.sharing.stopped",
    ]);
    expect(WebhookEvents.PARTICIPANTS).toEqual(["participant.added", "participant.removed"]);
    expect(WebhookEvents.ALL).toHaveLength(27);
    for (const e of [...WebhookEvents.MESSAGES, ...WebhookEvents.CHATS, ...WebhookEvents.CALLS]) {
      expect(WebhookEvents.ALL).toContain(e);
    }
  });
});

describe("independence from cdktf", () => {
  it("the manifest path runs with cdktf made unloadable (needs npm run build)", () => {
    // A module-resolution hook that fails any import of cdktf or @cdktf/*.
    const hook = `export async function resolve(s, c, next) { if (s === "cdktf" || s.startsWith("@cdktf/")) throw new Error("cdktf was imported: " + s); return next(s, c); }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const index = pathToFileURL(
      fileURLToPath(new URL("../../dist/constructs/index.js", import.meta.url)),
    ).href;
    const app = [
      `const { Construct } = await import("constructs");`,
      `const c = await import(${JSON.stringify(index)});`,
      `const root = new Construct(undefined, "");`,
      `const chats = new c.ChatSync(root, "chats", { from: "${LINE}" });`,
      `new c.GroupChat(chats, "eng", { participants: ["+14155550101", "+14155550102"], welcomeMessage: "Hi" });`,
      `process.stdout.write(c.synthesizeManifest(root));`,
    ].join("\n");
    const withHook = (code: string) =>
      spawnSync(
        process.execPath,
        [
          "--import",
          `data:text/javascript,${encodeURIComponent(register)}`,
          "--input-type=module",
          "-e",
          code,
        ],
        {
          encoding: "utf8",
          cwd: fileURLToPath(new URL("../../", import.meta.url)),
        },
      );
    const ok = withHook(app);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)).toMatchObject({
      manifest_version: 1,
      desired: { chats: { eng: { type: "group" } } },
    });
    // The hook does bite: the bridge cannot load under it.
    const bridge = pathToFileURL(
      fileURLToPath(new URL("../../dist/constructs/terraform-bridge.js", import.meta.url)),
    ).href;
    const blocked = withHook(`await import(${JSON.stringify(bridge)});`);
    expect(blocked.status).not.toBe(0);
    // The bridge imports cdktf and @cdktf/provider-null; the loader resolves them concurrently,
    // so either may be the one refused first.
    expect(blocked.stderr).toMatch(/cdktf was imported: (cdktf|@cdktf\/)/);
  });

  it("no construct-model module imports cdktf; only terraform-bridge.ts does", () => {
    const dir = new URL("../../src/constructs/", import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && f !== "terraform-bridge.ts")
      .filter((f) =>
        /from\s+["'](cdktf|@cdktf\/[^"']+|\.\/terraform-bridge\.js)["']/.test(
          readFileSync(new URL(f, dir), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
    expect(readFileSync(new URL("terraform-bridge.ts", dir), "utf8")).toMatch(/from "cdktf"/);
  });
});
