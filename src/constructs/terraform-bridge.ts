/**
 * The cdktf bridge: the one module of the construct library that imports cdktf. It turns the
 * managed objects of a stack into `null_resource`s whose provisioners run the chatsync engine,
 * so a Terraform/OpenTofu pipeline drives the same engine, state file and safety rules as
 * `chatsync apply`. HashiCorp deprecated cdktf in December 2025; keeping it behind this module
 * means the construct model and the manifest path work without it.
 *
 * Per managed object (decision, see "CDK usage" in README.md):
 * - `Resource` (also `node.defaultChild`): triggers = address + canonical spec + its hash + the
 *   apply command; a create-time `local-exec` runs
 *   `chatsync apply <manifest> --target <address> --auto-approve`. A spec change replaces it,
 *   which re-runs the apply — its destroy does nothing, so a change never removes anything.
 * - `Teardown`: triggers = address + the destroy command, with `ignore_changes = [triggers]`;
 *   a destroy-time `local-exec` runs `self.triggers.destroy_command`
 *   (`chatsync apply <manifest> --destroy --target <address> --auto-approve`). It is never
 *   replaced by a spec change, so only a real destroy (`terraform destroy`, `-target`) removes
 *   the object. One resource carrying both provisioners would leave and re-create a chat (new
 *   chat, second welcome message) on every roster edit, because null_resource changes are
 *   replacements.
 *
 * The objects are chained with `depends_on` (contact cards, webhooks, chats), so provisioners
 * run one at a time: they share one chatsync state file and its lock.
 */
import { writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { Construct, type IConstruct } from "constructs";
import {
  Annotations,
  App,
  Aspects,
  Manifest,
  TerraformProvider,
  TerraformStack,
  type IAspect,
  type ISynthesisSession,
} from "cdktf";
import { provider as nullProvider, resource as nullResource } from "@cdktf/provider-null";
import { canonicalJson, contentHash } from "../sync-engine/model/canonical.js";
import { manifestJson } from "../sync-engine/model/manifest.js";
import { formatDiagnostic } from "../sync-engine/config/diagnostics.js";
import { ChatSync } from "./chat-sync.js";
import type { ManagedObject } from "./managed-object.js";
import type { WarningSink } from "./manifest-output.js";
import {
  synthesizeDesiredState,
  type SynthesisResult,
  type SynthesizedObject,
} from "./synthesize-desired-state.js";

export type NullResource = nullResource.Resource;

export interface ChatSyncTerraformBridgeProps {
  /**
   * The part of the tree whose managed objects become resources.
   * @default - the whole stack
   */
  readonly source?: IConstruct;
  /**
   * Shell command that runs chatsync in the provisioners, e.g. `npx --no-install chatsync`.
   * Ignored when `chatsyncEntryPoint` is set.
   * @default "chatsync" (found on PATH; `npx cdktf deploy` puts node_modules/.bin there)
   */
  readonly chatsyncCommand?: string;
  /**
   * Path of chatsync's `dist/cli/main.js`, run with `node`. A relative path is taken from the
   * directory synthesis runs in and written relative to the stack's working directory.
   * @default - use `chatsyncCommand`
   */
  readonly chatsyncEntryPoint?: string;
  /**
   * File name of the manifest written next to `cdk.tf.json` at synthesis; the provisioners
   * read it from Terraform's working directory.
   * @default "chatsync.manifest.json"
   */
  readonly manifestFileName?: string;
  /**
   * chatsync state file. It must outlive `cdktf.out`, which synthesis rewrites. A relative path
   * is taken from the directory synthesis runs in (the project root) and written relative to
   * the stack's working directory.
   * @default ".chatsync/state.json"
   */
  readonly stateFile?: string;
  /**
   * Where the rules' warnings are printed, one line each, besides the cdktf warning
   * annotations. The cdktf CLI shows annotations itself; a plain `node app.js` (as
   * `npm run synth` runs the example) would otherwise show nothing.
   * @default - stderr when the cdktf CLI does not run the app (`CDKTF_OUTDIR` unset), else nowhere
   */
  readonly warn?: WarningSink;
}

/**
 * The spec as the triggers show it. A `secret_file` inside the app's base folder is written
 * relative to it: the model holds absolute paths, and a checkout at another path (another CI
 * runner, a colleague's clone) would otherwise show every webhook as changed in `terraform
 * plan`. Paths outside it (e.g. /etc/…) stay absolute, since they do not move with the code.
 */
export function triggerSpec(spec: unknown, baseDir: string): unknown {
  if (typeof spec !== "object" || spec === null) return spec;
  const file = (spec as { secret_file?: unknown }).secret_file;
  if (typeof file !== "string" || !isAbsolute(file)) return spec;
  const rel = relative(baseDir, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return spec;
  return { ...spec, secret_file: rel.split(sep).join("/") };
}

export class ChatSyncTerraformBridgeError extends Error {
  readonly code = "CHATSYNC_TERRAFORM_BRIDGE";
  constructor(message: string) {
    super(message);
    this.name = "ChatSyncTerraformBridgeError";
  }
}

/** POSIX-shell quoting (local-exec runs `/bin/sh -c` on Unix). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:+=@%,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Terraform reads every JSON string as a template: a literal `${` or `%{` (say, in a welcome
 * message) must be doubled or Terraform would try to evaluate it.
 */
export function terraformLiteral(text: string): string {
  // Replacement functions, not strings: in a replacement string "$$" means one "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

const KIND_ORDER = ["contact_card", "webhook", "chat"];

/** Contact cards, then webhooks, then chats; by address within a kind. */
function bySynthesisOrder(a: SynthesizedObject, b: SynthesizedObject): number {
  const kind = (o: SynthesizedObject) => KIND_ORDER.indexOf(o.address.split(".")[0] ?? "");
  return kind(a) - kind(b) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
}

export class ChatSyncTerraformBridge extends Construct {
  /** Resolution result of the last synthesis (undefined before the stack is synthesized). */
  synthesized?: SynthesisResult;
  private readonly stack: TerraformStack;
  private readonly props: ChatSyncTerraformBridgeProps;

  constructor(scope: Construct, id: string, props: ChatSyncTerraformBridgeProps = {}) {
    super(scope, id);
    this.stack = TerraformStack.of(this);
    this.props = { ...props };
    if (props.chatsyncCommand !== undefined && props.chatsyncCommand.trim() === "") {
      throw new ChatSyncTerraformBridgeError(
        `${this.node.path}: chatsyncCommand is empty; give the command that runs chatsync (e.g. "npx --no-install chatsync") or leave it out`,
      );
    }

    // Resources are added at synthesis (first aspect visit), not now, so objects declared after
    // the bridge are included and the rules run once over the finished tree.
    let materialized = false;
    const aspect: IAspect = {
      visit: () => {
        if (materialized) return;
        materialized = true;
        this.materialize();
      },
    };
    Aspects.of(this.stack).add(aspect);
    this.writeManifestAtSynthesis();
  }

  /** The `Resource` (apply) null_resource of a managed object, once synthesized. */
  resourceFor(obj: ManagedObject): NullResource | undefined {
    return obj.node.tryFindChild("Resource") as NullResource | undefined;
  }

  /** The `Teardown` (destroy-time) null_resource of a managed object, once synthesized. */
  teardownFor(obj: ManagedObject): NullResource | undefined {
    return obj.node.tryFindChild("Teardown") as NullResource | undefined;
  }

  get manifestFileName(): string {
    return this.props.manifestFileName ?? "chatsync.manifest.json";
  }

  /** Terraform's working directory for this stack (where provisioners run). */
  private workingDirectory(): string {
    return resolve(App.of(this.stack).outdir, Manifest.stacksFolder, this.stack.node.id);
  }

  /**
   * Absolute paths are kept (the user chose a fixed place); relative ones are taken from the
   * directory synthesis runs in and rewritten relative to Terraform's working directory, so the
   * synthesized config does not depend on where the repository is checked out.
   */
  private fromWorkingDirectory(path: string): string {
    if (isAbsolute(path)) return path;
    return relative(this.workingDirectory(), resolve(process.cwd(), path)) || ".";
  }

  private chatsyncInvocation(): string {
    if (this.props.chatsyncEntryPoint !== undefined) {
      return `node ${shellQuote(this.fromWorkingDirectory(this.props.chatsyncEntryPoint))}`;
    }
    return this.props.chatsyncCommand ?? "chatsync";
  }

  /** The engine invocation for one address; `destroy` adds `--destroy`. */
  commandFor(address: string, opts: { destroy?: boolean } = {}): string {
    const words = [
      "apply",
      this.manifestFileName,
      "--state",
      this.fromWorkingDirectory(this.props.stateFile ?? join(".chatsync", "state.json")),
      ...(opts.destroy ? ["--destroy"] : []),
      "--target",
      address,
      "--auto-approve",
    ];
    return `${this.chatsyncInvocation()} ${words.map(shellQuote).join(" ")}`;
  }

  private materialize(): void {
    const source = this.props.source ?? this.stack;
    const result = synthesizeDesiredState(source);
    this.synthesized = result;
    // One `null` provider per stack: reuse the app's own if it declared one (a second
    // unaliased configuration is a Terraform error).
    const hasNullProvider = this.stack.node
      .findAll()
      .some((c) => c instanceof TerraformProvider && c.terraformResourceType === "null");
    if (!hasNullProvider) new nullProvider.NullProvider(this, "null");
    const warn =
      this.props.warn ??
      (process.env.CDKTF_OUTDIR === undefined
        ? (line: string) => process.stderr.write(line)
        : undefined);
    for (const warning of result.warnings) {
      const at = source.node.findAll().find((c) => c.node.path === warning.file) ?? this;
      Annotations.of(at).addWarning(formatDiagnostic(warning));
      warn?.(`${formatDiagnostic(warning)}\n`);
    }
    // Serialized: every provisioner runs `chatsync apply` on the same state file, whose lock
    // makes a concurrent second run fail fast; Terraform would otherwise run up to 10 at once.
    // Cards first and chats last, so a chat sharing a card finds it; destroys run in reverse.
    let previous: { apply: NullResource; teardown: NullResource } | undefined;
    for (const { construct, address, spec } of [...result.objects].sort(bySynthesisOrder)) {
      if (construct.node.tryFindChild("Resource") || construct.node.tryFindChild("Teardown")) {
        throw new ChatSyncTerraformBridgeError(
          `${construct.node.path}: already has a child named "Resource" or "Teardown"; two bridges cover this object — give each bridge a separate "source"`,
        );
      }
      const teardown = new nullResource.Resource(construct, "Teardown", {
        triggers: {
          address: terraformLiteral(address),
          destroy_command: terraformLiteral(this.commandFor(address, { destroy: true })),
        },
        lifecycle: { ignoreChanges: ["triggers"] },
        ...(previous ? { dependsOn: [previous.teardown] } : {}),
        provisioners: [
          { type: "local-exec", when: "destroy", command: "${self.triggers.destroy_command}" },
        ],
      });
      const shown = triggerSpec(spec, ChatSync.of(construct)?.props.baseDir ?? process.cwd());
      const apply = new nullResource.Resource(construct, "Resource", {
        triggers: {
          address: terraformLiteral(address),
          spec_hash: contentHash(shown),
          spec: terraformLiteral(canonicalJson(shown)),
          apply_command: terraformLiteral(this.commandFor(address)),
        },
        dependsOn: previous ? [teardown, previous.apply] : [teardown],
        provisioners: [{ type: "local-exec", command: "${self.triggers.apply_command}" }],
      });
      previous = { apply, teardown };
    }
  }

  /** Wraps the stack's synthesizer so the manifest lands next to cdk.tf.json. */
  private writeManifestAtSynthesis(): void {
    const inner = this.stack.synthesizer;
    this.stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        inner.synthesize(session);
        if (!this.synthesized) return;
        const dir = join(session.outdir, session.manifest.forStack(this.stack).workingDirectory);
        writeFileSync(join(dir, this.manifestFileName), manifestJson(this.synthesized.state));
      },
    };
  }
}
