import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import {
  AnnotationMetadataEntryType,
  App,
  TerraformStack,
  TerraformVariable,
  Testing,
} from "cdktf";
import type { Construct } from "constructs";
import { NullProvider } from "@cdktf/provider-null/lib/provider/index.js";
import {
  ChatSync,
  ChatSyncValidationError,
  GroupChat,
  LocationSharingWebhook,
  ContactCard,
  Team,
  synthesizeManifest,
} from "../../src/constructs/index.js";
import {
  ChatSyncTerraformBridge,
  shellQuote,
  terraformLiteral,
  triggerSpec,
} from "../../src/constructs/terraform-bridge.js";
import { canonicalJson, contentHash } from "../../src/sync-engine/model/canonical.js";
import { resolveDocuments } from "../../src/sync-engine/config/resolve-document.js";

const LINE = "+12025550100";

interface NullResourceJson {
  triggers: Record<string, string>;
  provisioner: { "local-exec": { command: string; when?: string } }[];
  depends_on?: string[];
  lifecycle?: { ignore_changes?: string[] };
}
interface TerraformJson {
  provider: Record<string, unknown[]>;
  resource: { null_resource: Record<string, NullResourceJson> };
}

function declare(scope: Construct): { chat: GroupChat } {
  const chats = new ChatSync(scope, "chats", { from: LINE, baseDir: "/srv/app" });
  const chat = new GroupChat(chats, "eng-oncall", {
    participants: ["+14155550101", "+14155550102"],
    welcomeMessage: "Welcome to ${team}",
  });
  new LocationSharingWebhook(chats, "location-events", {
    targetUrl: "https://hooks.example.com/loc",
  });
  new ContactCard(chats, "card", { phoneNumber: "+1 202 555 0100", firstName: "Acme" });
  return { chat };
}

function byAddress(
  json: TerraformJson,
  address: string,
): { apply: NullResourceJson; teardown: NullResourceJson } {
  const entries = Object.entries(json.resource.null_resource).filter(
    ([, r]) => r.triggers.address === address,
  );
  const apply = entries.find(([, r]) => r.triggers.apply_command !== undefined);
  const teardown = entries.find(([, r]) => r.triggers.destroy_command !== undefined);
  if (!apply || !teardown || entries.length !== 2)
    throw new Error(`expected two resources for ${address}`);
  return { apply: apply[1], teardown: teardown[1] };
}

function idOf(json: TerraformJson, resource: NullResourceJson): string {
  const entry = Object.entries(json.resource.null_resource).find(([, r]) => r === resource);
  if (!entry) throw new Error("resource not in the synthesized JSON");
  return entry[0];
}

/** The YAML path's errors for the group `eng` declared with these values (the shared resolver). */
function yamlGroupErrors(participants: string[], welcomeMessage: string) {
  return resolveDocuments([
    {
      origin: "chatsync.yaml",
      value: {
        version: 1,
        chats: {
          eng: { type: "group", from: LINE, participants, welcome_message: welcomeMessage },
        },
      },
    },
  ]).diagnostics.filter((d) => d.severity === "error");
}
describe("ChatSyncTerraformBridge synthesis", () => {
  const synthesized = Testing.synthScope((stack) => {
    declare(stack);
    new ChatSyncTerraformBridge(stack, "bridge", {
      chatsyncCommand: "npx --no-install chatsync",
      stateFile: "/var/lib/chatsync/state.json",
    });
  });
  const json = JSON.parse(synthesized) as TerraformJson;

  it("declares the null provider and two null_resources per managed object", () => {
    expect(Testing.toHaveProvider(synthesized, "null")).toBe(true);
    expect(json.provider.null).toHaveLength(1);
    expect(Object.keys(json.resource.null_resource)).toHaveLength(6);
    for (const address of ["chat.eng-oncall", "webhook.location-events", `contact_card.${LINE}`]) {
      expect(() => byAddress(json, address)).not.toThrow();
    }
  });

  it("puts the address and the canonical spec with its hash into the apply resource's triggers", () => {
    const { apply } = byAddress(json, "chat.eng-oncall");
    const spec = {
      key: "eng-oncall",
      type: "group",
      from: LINE,
      participants: ["+14155550101", "+14155550102"],
      roster: "authoritative",
      readd_left: false,
      welcome_message: "Welcome to ${team}",
      share_contact_card: false,
      prevent_destroy: false,
      on_delete: "forget",
    };
    expect(apply.triggers.spec_hash).toBe(contentHash(spec));
    // Terraform reads "$${" as a literal "${", so the spec survives template evaluation.
    expect(apply.triggers.spec).toBe(terraformLiteral(canonicalJson(spec)));
    expect(apply.triggers.spec).toContain("Welcome to $${team}");
    expect(
      Testing.toHaveResourceWithProperties(synthesized, "null_resource", {
        triggers: { address: "webhook.location-events" },
      }),
    ).toBe(true);
  });

  it("shows a secret_file inside the app's base folder relative to it, so another checkout path shows no change", () => {
    const { apply } = byAddress(json, "webhook.location-events");
    const spec = JSON.parse(apply.triggers.spec!.replaceAll("$${", "${")) as {
      secret_file: string;
    };
    expect(spec.secret_file).toBe(".chatsync/secrets/location-events.whsec");
    expect(apply.triggers.spec_hash).toBe(contentHash(spec));
  });

  it("keeps a secret_file outside the base folder absolute (it does not move with the code)", () => {
    expect(triggerSpec({ secret_file: "/etc/chatsync/a.whsec" }, "/srv/app")).toEqual({
      secret_file: "/etc/chatsync/a.whsec",
    });
    expect(triggerSpec({ secret_file: "/srv/app/s/a.whsec" }, "/srv/app")).toEqual({
      secret_file: "s/a.whsec",
    });
    expect(triggerSpec({ key: "x" }, "/srv/app")).toEqual({ key: "x" });
  });

  it("applies the address through the engine at create time", () => {
    const { apply, teardown } = byAddress(json, "chat.eng-oncall");
    expect(apply.provisioner).toEqual([
      { "local-exec": { command: "${self.triggers.apply_command}" } },
    ]);
    expect(apply.triggers.apply_command).toBe(
      "npx --no-install chatsync apply chatsync.manifest.json --state /var/lib/chatsync/state.json --target chat.eng-oncall --auto-approve",
    );
    // Created after (and destroyed before) its own teardown resource.
    expect(apply.depends_on).toContain(`null_resource.${idOf(json, teardown)}`);
    expect(teardown.triggers).not.toHaveProperty("spec");
  });

  it("chains the objects so provisioners run one at a time: cards, webhooks, then chats", () => {
    const order = [`contact_card.${LINE}`, "webhook.location-events", "chat.eng-oncall"];
    order.forEach((address, i) => {
      const { apply, teardown } = byAddress(json, address);
      const before = i === 0 ? undefined : byAddress(json, order[i - 1] as string);
      const expectedApply = [`null_resource.${idOf(json, teardown)}`];
      if (before) expectedApply.push(`null_resource.${idOf(json, before.apply)}`);
      expect([...(apply.depends_on ?? [])].sort()).toEqual(expectedApply.sort());
      expect(teardown.depends_on).toEqual(
        before ? [`null_resource.${idOf(json, before.teardown)}`] : undefined,
      );
    });
  });

  it("removes the address at destroy time, using only self.triggers, and is never replaced by a spec change", () => {
    const { teardown } = byAddress(json, `contact_card.${LINE}`);
    expect(teardown.provisioner).toEqual([
      { "local-exec": { command: "${self.triggers.destroy_command}", when: "destroy" } },
    ]);
    expect(teardown.triggers.destroy_command).toBe(
      `npx --no-install chatsync apply chatsync.manifest.json --state /var/lib/chatsync/state.json --destroy --target 'contact_card.+12025550100' --auto-approve`.replace(
        "'contact_card.+12025550100'",
        shellQuote(`contact_card.${LINE}`),
      ),
    );
    expect(teardown.lifecycle?.ignore_changes).toEqual(["triggers"]);
  });

  it("exposes the apply resource as construct.resource and node.defaultChild", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const { chat } = declare(stack);
    const bridge = new ChatSyncTerraformBridge(stack, "bridge");
    expect(chat.resource).toBeUndefined();
    Testing.synth(stack);
    const resource = bridge.resourceFor(chat);
    expect(resource).toBeDefined();
    expect(chat.resource).toBe(resource);
    expect(chat.node.defaultChild).toBe(resource);
    expect(bridge.teardownFor(chat)?.node.id).toBe("Teardown");
    // The escape hatch reaches the synthesized resource.
    resource?.addOverride("provisioner.0.local-exec.environment", { CHATSYNC_PROFILE: "ci" });
    const again = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const { apply } = byAddress(again, "chat.eng-oncall");
    expect(apply.provisioner[0]?.["local-exec"]).toMatchObject({
      environment: { CHATSYNC_PROFILE: "ci" },
    });
  });

  it("reuses a null provider the app declared itself", () => {
    const out = JSON.parse(
      Testing.synthScope((stack) => {
        new ChatSyncTerraformBridge(stack, "bridge");
        new NullProvider(stack, "own-null", {});
        declare(stack);
      }),
    ) as TerraformJson;
    expect(out.provider.null).toHaveLength(1);
  });

  it("covers only the objects under `source` when given", () => {
    const out = JSON.parse(
      Testing.synthScope((stack) => {
        const chats = new ChatSync(stack, "chats", { from: LINE });
        const team = new GroupChat(chats, "bridged", {
          participants: ["+14155550101", "+14155550102"],
          welcomeMessage: "x",
        });
        new GroupChat(stack, "elsewhere", {
          from: LINE,
          participants: ["+14155550101", "+14155550102"],
          welcomeMessage: "x",
        });
        new ChatSyncTerraformBridge(stack, "bridge", { source: team });
      }),
    ) as TerraformJson;
    const addresses = Object.values(out.resource.null_resource).map((r) => r.triggers.address);
    expect(addresses).toEqual(["chat.bridged", "chat.bridged"]);
  });

  it("includes objects declared after the bridge", () => {
    const out = JSON.parse(
      Testing.synthScope((stack) => {
        new ChatSyncTerraformBridge(stack, "bridge");
        new GroupChat(stack, "late", {
          from: LINE,
          participants: ["+14155550101", "+14155550102"],
          welcomeMessage: "x",
        });
      }),
    ) as TerraformJson;
    expect(byAddress(out, "chat.late").apply.triggers.apply_command).toMatch(/^chatsync apply /);
  });

  it("reports the rules' warnings as cdktf warning annotations on the construct", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const printed: string[] = [];
    new ChatSyncTerraformBridge(stack, "bridge", { warn: (line) => printed.push(line) });
    const chat = new GroupChat(stack, "eng", {
      from: LINE,
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "x",
      shareContactCard: true,
    });
    Testing.synth(stack);
    const warnings = chat.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.data)).toContain(
      `chat "eng" shares the contact card of ${LINE}, but no contact card is declared for that line`,
    );
    // Printed as well: without the cdktf CLI nobody shows the annotations.
    expect(printed).toEqual([`${String(warnings[0]?.data)}\n`]);
  });

  it("prints warnings on stderr by default unless the cdktf CLI runs the app (needs npm run build)", () => {
    const dir = mkdtempSync(join(tmpdir(), "chatsync-bridge-warn-"));
    const url = (p: string) =>
      JSON.stringify(pathToFileURL(fileURLToPath(new URL(`../../${p}`, import.meta.url))).href);
    const app = [
      `const { App, TerraformStack } = await import("cdktf");`,
      `const { GroupChat } = await import(${url("dist/constructs/index.js")});`,
      `const { ChatSyncTerraformBridge } = await import(${url("dist/constructs/terraform-bridge.js")});`,
      `const app = new App({ outdir: ${JSON.stringify(join(dir, "out"))} });`,
      `const stack = new TerraformStack(app, "s");`,
      `new GroupChat(stack, "eng", { from: "${LINE}", participants: ["+14155550101", "+14155550102"], welcomeMessage: "x", shareContactCard: true });`,
      `new ChatSyncTerraformBridge(stack, "bridge");`,
      `app.synth();`,
    ].join("\n");
    const synth = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ["--input-type=module", "-e", app], {
        encoding: "utf8",
        env,
        cwd: fileURLToPath(new URL("../../", import.meta.url)), // where "cdktf" resolves
      });
    const plain = { ...process.env };
    delete plain.CDKTF_OUTDIR;
    const byNode = synth(plain);
    expect(byNode.status, byNode.stderr).toBe(0);
    expect(byNode.stderr).toContain(
      `s/eng (/chats/eng): warning: chat "eng" shares the contact card`,
    );
    const byCli = synth({ ...plain, CDKTF_OUTDIR: join(dir, "out") });
    expect(byCli.status, byCli.stderr).toBe(0);
    expect(byCli.stderr).not.toContain("warning:");
  });

  it("fails synthesis on invalid props with the YAML path's message naming the construct", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new ChatSyncTerraformBridge(stack, "bridge");
    let error: unknown;
    try {
      // A prop that can no longer change fails as soon as it is declared, i.e. during the
      // app run that `cdktf synth` starts.
      new GroupChat(stack, "eng", {
        from: LINE,
        participants: ["+14155550101", "+14155550102"],
        welcomeMessage: "see www.example.com",
      });
      Testing.synth(stack);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChatSyncValidationError);
    // The YAML path's message for the same declaration, from the shared resolver.
    const yaml = yamlGroupErrors(["+14155550101", "+14155550102"], "see www.example.com");
    expect(yaml).toHaveLength(1);
    expect(yaml[0]?.message).toMatch(/may not contain a URL \(found "www\.example\.com"\)/i);
    expect((error as ChatSyncValidationError).diagnostics).toEqual([{ ...yaml[0], file: "s/eng" }]);
    expect((error as Error).message).toContain(
      `s/eng (/chats/eng/welcome_message): error: ${yaml[0]?.message}`,
    );
  });

  it("fails synthesis on a roster that only synthesis can check, with the YAML message", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    new ChatSyncTerraformBridge(stack, "bridge");
    const team = new Team(stack, "team", { members: ["+14155550101"] });
    new GroupChat(stack, "eng", { from: LINE, participants: team, welcomeMessage: "Hi" });
    // Valid so far; the member added later is not a phone number in international format.
    team.addMember("4155550102");
    let error: unknown;
    try {
      Testing.synth(stack);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChatSyncValidationError);
    const yaml = yamlGroupErrors(["+14155550101", "4155550102"], "Hi");
    expect(yaml).toHaveLength(1);
    expect((error as ChatSyncValidationError).diagnostics).toEqual([{ ...yaml[0], file: "s/eng" }]);
  });

  it("refuses a Terraform variable as a prop, naming the token as the cause", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const person = new TerraformVariable(stack, "person", { type: "string" });
    const urls = new TerraformVariable(stack, "urls", { type: "list(string)" });
    expect(
      () =>
        new GroupChat(stack, "eng", {
          from: LINE,
          participants: urls.listValue,
          welcomeMessage: "x",
        }),
    ).not.toThrow(); // the roster is checked at synthesis ...
    let error: unknown;
    try {
      new ChatSyncTerraformBridge(stack, "bridge");
      Testing.synth(stack);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChatSyncValidationError);
    expect((error as Error).message).toMatch(/participants\[0\]: ".*" is an unresolved CDK token/);
    // ... a contact card's name at construction.
    expect(
      () => new ContactCard(stack, "card", { phoneNumber: LINE, firstName: person.stringValue }),
    ).toThrow(/first_name: ".*TfToken.*" is an unresolved CDK token/);
  });

  it("writes chatsync.manifest.json next to cdk.tf.json; relative paths are rewritten for Terraform's working directory", () => {
    const outdir = mkdtempSync(join(tmpdir(), "chatsync-synth-"));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "chats");
    declare(stack);
    new ChatSyncTerraformBridge(stack, "bridge", {
      chatsyncEntryPoint: join("dist", "cli", "main.js"),
      stateFile: join(outdir, "state", "state.json"),
    });
    app.synth();
    const dir = join(outdir, "stacks", "chats");
    expect(existsSync(join(dir, "cdk.tf.json"))).toBe(true);
    const manifest = readFileSync(join(dir, "chatsync.manifest.json"), "utf8");
    expect(manifest).toBe(synthesizeManifest(stack));
    const tf = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TerraformJson;
    const command = byAddress(tf, "chat.eng-oncall").apply.triggers.apply_command ?? "";
    const match =
      /^node (\S+) apply chatsync\.manifest\.json --state (\S+) --target chat\.eng-oncall --auto-approve$/.exec(
        command,
      );
    expect(match).not.toBeNull();
    // The relative entry point, seen from the stack's working directory, is the same file.
    expect(isAbsolute(match?.[1] ?? "")).toBe(false);
    expect(resolve(dir, match?.[1] ?? "")).toBe(resolve("dist", "cli", "main.js"));
    // An absolute state file stays absolute.
    expect(match?.[2]).toBe(join(outdir, "state", "state.json"));
  });
});

describe("shell and Terraform quoting", () => {
  it("quotes words the shell would split or expand", () => {
    expect(shellQuote("chat.eng-oncall")).toBe("chat.eng-oncall");
    expect(shellQuote("my dir/state.json")).toBe("'my dir/state.json'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("$(rm -rf /)")).toBe("'$(rm -rf /)'");
  });

  it("doubles template sequences so Terraform keeps them literal", () => {
    expect(terraformLiteral("a ${b} %{c} $d")).toBe("a $${b} %%{c} $d");
  });
});
