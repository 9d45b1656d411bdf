/**
 * `chatsync import ADDRESS ID [PATH...]`: record an existing live object under a declared
 * address, like an `imports:` entry applied on its own. Reads the account, writes only the
 * state (SPEC §3, §5a); exit 1 with the plan's reason when the id cannot be imported.
 */
import type { Command } from "commander";
import { addEngineOptions, useColor, type EngineFlags } from "../engine-options.js";
import { CliError } from "../cli-error.js";

export function registerImport(program: Command): void {
  const cmd = program
    .command("import")
    .description(
      "record an existing live object (chat id, webhook subscription id, or for contact_card.<line> the line) under a declared address; no API write",
    )
    .argument("<address>", "a declared address: chat.<key>, webhook.<key> or contact_card.<line>")
    .argument("<id>", "the live id (see chatsync export)")
    .argument(
      "[paths...]",
      "YAML files or folders, or one .json manifest (default: ./chatsync.yaml, else ./chatsync/)",
    );
  addEngineOptions(cmd).action(
    async (address: string, id: string, paths: string[], flags: EngineFlags, command: Command) => {
      await runImportCommand(address, id, paths, {
        ...flags,
        debug: command.optsWithGlobals().debug === true,
      });
    },
  );
}

/** ADDRESS and ID as the configuration spells them (a contact card's line in E.164). */
async function checkArguments(
  address: string,
  id: string,
): Promise<{ address: string; id: string }> {
  const [{ loadSchema }, { normalizePhoneNumber }] = await Promise.all([
    import("../../sync-engine/config/schema-validator.js"),
    import("../../sync-engine/config/handle-normalization.js"),
  ]);
  // The schema is the one place these formats are defined.
  const defs = loadSchema().$defs as Record<
    string,
    { pattern?: string; properties?: Record<string, { pattern?: string }> }
  >;
  let addr = address;
  if (addr.startsWith("contact_card.")) {
    const n = normalizePhoneNumber(addr.slice("contact_card.".length));
    if (n.ok) addr = `contact_card.${n.value}`;
  }
  if (!new RegExp(defs.address?.pattern ?? "^$").test(addr))
    throw new CliError(
      `${JSON.stringify(address)} is not an address; addresses look like chat.<key>, webhook.<key> or contact_card.<E.164 line>`,
    );
  let liveId = id;
  if (addr.startsWith("contact_card.")) {
    const n = normalizePhoneNumber(id);
    liveId = n.ok ? n.value : id;
  }
  if (!new RegExp(defs.import?.properties?.id?.pattern ?? "^$").test(liveId))
    throw new CliError(
      `${JSON.stringify(id)} is not a live id: ids are letters, digits and - _ . : + as the API shows them (chatsync export lists them)`,
    );
  return { address: addr, id: liveId };
}

async function runImportCommand(
  rawAddress: string,
  rawId: string,
  paths: string[],
  flags: EngineFlags,
): Promise<void> {
  if (flags.target?.length || flags.destroy || flags.replace?.length)
    throw new CliError(
      "--target, --destroy and --replace shape a plan; import records one ADDRESS",
    );
  const { address, id } = await checkArguments(rawAddress, rawId);
  const { withEngineSession } = await import("../engine-run.js");
  const engine = await import("../../sync-engine/index.js");
  let result;
  try {
    result = await withEngineSession(
      paths,
      flags,
      { cwd: process.cwd(), color: useColor(flags, process.stderr), command: "chatsync import" },
      (input, session) =>
        engine.runImport({
          desired: input.desired!,
          api: session.api,
          stateBackend: input.backend,
          endpoint: session.endpoint,
          stateHints: input.stateHints,
          lockHeld: true,
          address: address as `chat.${string}`,
          id,
        }),
    );
  } catch (err) {
    if (err instanceof engine.PlanHasErrorsError)
      throw new CliError(
        `cannot import ${address}:\n${err.errors.map((e) => `  - ${e.message}`).join("\n")}`,
      );
    throw err;
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ format_version: engine.PLAN_FORMAT_VERSION, status: result.change ? "imported" : "already_managed", address, id, remaining_steps: result.remaining }, null, 2)}\n`,
    );
    return;
  }
  if (!result.change) {
    process.stdout.write(`${address} already manages ${id}; nothing to import.\n`);
    return;
  }
  process.stdout.write(
    `Imported ${id} as ${address} in the state at ${result.stateLocation}; nothing was sent to the API.\n` +
      (result.remaining > 0
        ? `The live object still differs from the declaration (${result.remaining} step(s)); run chatsync plan to review them.\n`
        : "It matches the declaration.\n"),
  );
}
