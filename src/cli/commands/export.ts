/**
 * `chatsync export [--line E164]... [--out FILE|DIR]`: read the live account and write YAML
 * that declares it, with an `imports:` list (SPEC §3, §5a). Reads only; the file is written
 * once the whole export is known, and never over an existing file.
 */
import { Option, type Command } from "commander";
import { CliError } from "../cli-error.js";

interface ExportFlags {
  line?: string[];
  out?: string;
  endpoint?: string;
  emulator?: boolean;
  debug?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "read the live account and write YAML declaring it, with an imports: list (reads only)",
    )
    .option(
      "--line <e164>",
      "export the chats of this line (repeatable; default: every line)",
      collect,
    )
    .option(
      "--out <file|dir>",
      "write here (a folder gets chatsync.yaml) instead of stdout; never overwrites",
    )
    .option(
      "--endpoint <url>",
      "API base URL (env LINQ_API_BASE_URL or LINQ_API_V3_BASE_URL; default https://api.linqapp.com/api/partner)",
    )
    .option("--emulator", "read the embedded emulator's account (.chatsync/emulator.json)")
    .addOption(new Option("--debug", "stack traces and a request log on stderr").hideHelp())
    .action(async (flags: ExportFlags, command: Command) => {
      await runExportCommand({ ...flags, debug: command.optsWithGlobals().debug === true });
    });
}

async function checkLines(lines: readonly string[]): Promise<string[]> {
  const { normalizePhoneNumber } = await import("../../sync-engine/config/handle-normalization.js");
  return lines.map((l) => {
    const n = normalizePhoneNumber(l);
    if (!n.ok) throw new CliError(`--line ${JSON.stringify(l)}: ${n.reason}`);
    return n.value;
  });
}

/** FILE, or DIR/chatsync.yaml for a folder (existing, or written with a trailing slash). */
async function outputFile(out: string, cwd: string): Promise<string> {
  const [{ stat, mkdir }, { join, resolve, sep }] = await Promise.all([
    import("node:fs/promises"),
    import("node:path"),
  ]);
  const path = resolve(cwd, out);
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) return join(path, "chatsync.yaml");
  if (out.endsWith("/") || out.endsWith(sep)) {
    await mkdir(path, { recursive: true });
    return join(path, "chatsync.yaml");
  }
  return path;
}

async function runExportCommand(flags: ExportFlags): Promise<void> {
  const lines = await checkLines(flags.line ?? []);
  const cwd = process.cwd();
  const [{ openApiSession }, { join }] = await Promise.all([
    import("../api-session.js"),
    import("node:path"),
  ]);
  const [{ readLiveAccount }, { renderExport }] = await Promise.all([
    import("../../sync-engine/export/read-account.js"),
    import("../../sync-engine/export/render-export.js"),
  ]);
  const session = await openApiSession({
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    emulator: flags.emulator === true,
    emulatorDataFile: join(cwd, ".chatsync", "emulator.json"),
    lines,
    debug: flags.debug === true,
    log: (t) => process.stderr.write(t),
  });
  let account;
  try {
    account = await readLiveAccount(session.api, lines);
  } catch (err) {
    throw new CliError((err as Error).message);
  } finally {
    await session.close();
  }
  const text = renderExport(account);
  const counts = `${account.chats.length} chat(s) on ${account.lines.join(", ")}, ${account.webhooks.length} webhook subscription(s), ${account.contact_cards.length} contact card(s)`;
  if (!flags.out) {
    process.stdout.write(text);
    process.stderr.write(`Exported ${counts}.\n`);
    return;
  }
  const file = await outputFile(flags.out, cwd);
  const { writeFile } = await import("node:fs/promises");
  try {
    // "wx": an existing file (a configuration someone wrote) is never replaced.
    await writeFile(file, text, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      throw new CliError(
        `${file} already exists; export never overwrites a file: pass another --out, or move it away`,
      );
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
  process.stderr.write(
    `Exported ${counts} to ${file}. Review it, then run: chatsync plan ${flags.out}\n`,
  );
}
