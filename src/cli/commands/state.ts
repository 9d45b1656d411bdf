/**
 * `chatsync state list|show|rm|mv|pull|push` (SPEC §6a): read and edit the state without
 * touching the account, on whichever backend `--state` names. Edits take the lock and bump
 * the serial; reads take no lock (every backend reads a consistent snapshot plus journal).
 */
import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { StateBackend } from "../../sync-engine/state/state-backend.js";
import type { StateDocument } from "../../sync-engine/state/state-types.js";
import { CliError } from "../cli-error.js";
import { parseDuration } from "../engine-options.js";
import { explicitStateSpec, openStateBackend } from "../state-location.js";

interface StateFlags {
  state?: string;
  lockTimeout?: string;
}

const ADDRESS = /^(chat|webhook|contact_card)\.[^\s]+$/;

function checkAddress(a: string): string {
  if (!ADDRESS.test(a))
    throw new CliError(
      `${JSON.stringify(a)} is not an address; addresses look like chat.<key>, webhook.<key> or contact_card.<phone>`,
    );
  return a;
}

function withStateOptions(cmd: Command): Command {
  return cmd
    .option(
      "--state <file|url>",
      "state file or postgres://user@host:5432/db?name=STATE (env CHATSYNC_STATE; default .chatsync/state.json)",
    )
    .option("--lock-timeout <duration>", "wait this long for a held lock, e.g. 60s");
}

async function openBackend(flags: StateFlags): Promise<StateBackend> {
  const spec = explicitStateSpec(flags.state) ?? ".chatsync/state.json";
  return openStateBackend(spec, process.cwd());
}

/** Opens, runs `fn`, closes; a missing state is an error for every subcommand but push. */
async function withStore<T>(
  flags: StateFlags,
  edit: string | undefined,
  fn: (store: import("../../sync-engine/state/state-store.js").StateStore) => Promise<T>,
): Promise<T> {
  const { StateStore } = await import("../../sync-engine/state/state-store.js");
  const backend = await openBackend(flags);
  try {
    const lock = edit
      ? await backend.lock({
          operation: edit,
          timeoutMs: parseDuration("--lock-timeout", flags.lockTimeout),
        })
      : undefined;
    try {
      const store = await StateStore.open(backend);
      return await fn(store);
    } finally {
      await lock?.release();
    }
  } finally {
    await backend.close();
  }
}

function requireExisting(store: { isNew: boolean; location: string }): void {
  if (store.isNew)
    throw new CliError(
      `there is no state at ${store.location}; pass --state (or CHATSYNC_STATE) with the state's location`,
    );
}

function idOf(r: StateDocument["resources"][string]): string {
  if (r.kind === "chat") return r.id ?? (r.intents.length ? "(create in progress)" : "(none)");
  if (r.kind === "webhook") return r.id ?? (r.pending_create ? "(create in progress)" : "(none)");
  return r.applied?.phone_number ?? "";
}

export function registerState(program: Command): void {
  const state = program
    .command("state")
    .description("inspect and edit the state without touching the account");

  withStateOptions(
    state.command("list").description("every managed address with its live id"),
  ).action(async (flags: StateFlags) => {
    await withStore(flags, undefined, async (store) => {
      requireExisting(store);
      const rows = Object.entries(store.doc.resources).sort(([a], [b]) => (a < b ? -1 : 1));
      for (const [address, r] of rows) process.stdout.write(`${address}\t${idOf(r)}\n`);
    });
  });

  withStateOptions(
    state
      .command("show")
      .description("one address as JSON")
      .argument("<address>", "e.g. chat.eng-oncall"),
  ).action(async (address: string, flags: StateFlags) => {
    checkAddress(address);
    await withStore(flags, undefined, async (store) => {
      requireExisting(store);
      const r = store.resource(address);
      if (!r) throw new CliError(`${address} is not in the state at ${store.location}`);
      process.stdout.write(`${JSON.stringify({ address, ...r }, null, 2)}\n`);
    });
  });

  withStateOptions(
    state
      .command("rm")
      .description("forget addresses: the live objects stay as they are, unmanaged")
      .argument("<address...>", "addresses to forget"),
  ).action(async (addresses: string[], flags: StateFlags) => {
    addresses.forEach(checkAddress);
    await withStore(flags, "chatsync state rm", async (store) => {
      requireExisting(store);
      const missing = addresses.filter((a) => !store.resource(a));
      if (missing.length)
        throw new CliError(
          `not in the state at ${store.location}: ${missing.join(", ")}; nothing was removed`,
        );
      for (const a of addresses) store.remove(a);
      await store.commit(addresses);
      await store.compact();
      process.stderr.write(
        `Removed ${addresses.length} address(es) from ${store.location} (serial ${store.serial}); their live objects were not touched.\n`,
      );
    });
  });

  withStateOptions(
    state
      .command("mv")
      .description("re-key an address (the live object keeps its id)")
      .argument("<from>", "current address")
      .argument("<to>", "new address"),
  ).action(async (from: string, to: string, flags: StateFlags) => {
    checkAddress(from);
    checkAddress(to);
    await withStore(flags, "chatsync state mv", async (store) => {
      requireExisting(store);
      try {
        store.move(from, to);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      await store.commit([from, to]);
      await store.compact();
      process.stderr.write(
        `Moved ${from} → ${to} in ${store.location} (serial ${store.serial}).\n`,
      );
    });
  });

  withStateOptions(
    state
      .command("pull")
      .description("the whole state as JSON on stdout (a backup, or the input of push)")
      .option("--serial <n>", "an older version (the PostgreSQL backend keeps every serial)"),
  ).action(async (flags: StateFlags & { serial?: string }) => {
    const backend = await openBackend(flags);
    try {
      let doc: StateDocument;
      if (flags.serial !== undefined) {
        const n = Number(flags.serial);
        if (!Number.isInteger(n) || n < 1)
          throw new CliError(
            `--serial needs a whole number ≥ 1 (got ${JSON.stringify(flags.serial)})`,
          );
        doc = await backend.readVersion(n);
      } else {
        const { StateStore } = await import("../../sync-engine/state/state-store.js");
        const store = await StateStore.open(backend);
        requireExisting(store);
        doc = store.doc;
      }
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } finally {
      await backend.close();
    }
  });

  withStateOptions(
    state
      .command("push")
      .description("replace the state with FILE (e.g. move a local state into PostgreSQL)")
      .argument("<file>", "a state JSON file (from state pull, or a .chatsync/state.json)")
      .option("--force", "replace even a state of another lineage"),
  ).action(async (file: string, flags: StateFlags & { force?: boolean }) => {
    const pushed = await readPushedState(file);
    await withStore(flags, "chatsync state push", async (store) => {
      if (!store.isNew && store.lineage !== pushed.lineage && !flags.force)
        throw new CliError(
          `${file} has lineage ${pushed.lineage}, but the state at ${store.location} has lineage ${store.lineage}: they are different states (pushing would make chatsync forget what ${store.location} manages). Pass --force to replace it anyway.`,
        );
      if (
        !store.isNew &&
        store.lineage === pushed.lineage &&
        pushed.serial < store.serial &&
        !flags.force
      )
        throw new CliError(
          `${file} is serial ${pushed.serial}, older than serial ${store.serial} at ${store.location}; pushing it would undo later changes. Pass --force to replace it anyway.`,
        );
      const serial = Math.max(store.serial, pushed.serial) + 1;
      await store.replaceWith({ ...pushed, serial, updated_at: new Date().toISOString() });
      process.stderr.write(
        `Pushed ${file} to ${store.location} (lineage ${pushed.lineage}, serial ${serial}).\n`,
      );
    });
  });
}

/** A pushed file is read through the file backend, so its own journal is included. */
async function readPushedState(file: string): Promise<StateDocument> {
  const { FileStateBackend } = await import("../../sync-engine/state/backends/file.js");
  const { StateStore } = await import("../../sync-engine/state/state-store.js");
  const backend = new FileStateBackend(resolve(process.cwd(), file));
  try {
    await readFile(backend.path).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(
        `cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`,
      );
    });
    const store = await StateStore.open(backend);
    return structuredClone(store.doc);
  } finally {
    await backend.close();
  }
}
