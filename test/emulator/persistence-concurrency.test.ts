/**
 * Several processes on one `--data` file: each request's reload → handle → commit holds the
 * data file's cross-process lock, so concurrent writers never lose each other's commits.
 *
 * The race needs real processes: inside one process a request's read-modify-write is
 * synchronous, so two in-process emulators can never interleave. The first suite therefore
 * spawns `node dist/cli/main.js emulator` twice (built by `npm test`'s pretest).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import lockfile from "proper-lockfile";
import { afterEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { AccountStore } from "../../src/emulator/account-store.js";
import { DataFileLock, DataFileLockedError } from "../../src/emulator/data-file-lock.js";
import { EmulatorServer } from "../../src/emulator/server.js";
import { startTestEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, call, createChat, expectApiError, type Json } from "./emulator-http.js";

const bin = new URL("../../dist/cli/main.js", import.meta.url).pathname;

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDataFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "chatsync-emu-lock-"));
  dirs.push(dir);
  return join(dir, "account.json");
}
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface CliEmulator {
  baseUrl: string;
  origin: string;
  token: string;
  phoneNumbers: string[];
}

async function startCliEmulator(dataFile: string): Promise<CliEmulator> {
  const child = spawn(process.execPath, [bin, "emulator", "--port", "0", "--data", dataFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) =>
      reject(new Error(`emulator exited with ${code} before printing: ${stderr}`)),
    );
  });
  const started = JSON.parse(line) as { base_url: string; token: string; phone_numbers: string[] };
  return {
    baseUrl: started.base_url,
    origin: new URL(started.base_url).origin,
    token: started.token,
    phoneNumbers: started.phone_numbers,
  };
}

/** A distinct recipient per (process, request): +1415556PNNN. */
const recipient = (p: number, i: number) => `+1415556${p}${String(i).padStart(3, "0")}`;

describe.skipIf(!existsSync(bin))("two emulator processes writing one data file at once", () => {
  it("keeps every one of 2×40 concurrent chat creates, in the file and in both processes", async () => {
    const dataFile = tempDataFile();
    const a = await startCliEmulator(dataFile);
    // Started second, it reuses the first one's token and lines from the file.
    const b = await startCliEmulator(dataFile);
    expect(b.token).toBe(a.token);
    const perProcess = 40;
    const creates = [a, b].flatMap((emu, p) =>
      Array.from({ length: perProcess }, async (_, i) => {
        const res = await fetch(`${emu.baseUrl}/v3/chats`, {
          method: "POST",
          headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
          body: JSON.stringify({
            from: emu.phoneNumbers[0],
            to: [recipient(p, i)],
            message: { parts: [{ type: "text", value: `hello ${p}/${i}` }] },
          }),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as Json).chat.id as string;
      }),
    );
    const ids = new Set(await Promise.all(creates));
    expect(ids.size).toBe(2 * perProcess);

    const onDisk = JSON.parse(readFileSync(dataFile, "utf8")) as Json;
    expect(new Set(onDisk.chats.map((c: Json) => c.id))).toEqual(ids);
    expect(onDisk.chats).toHaveLength(2 * perProcess);
    for (const emu of [a, b]) {
      const res = await fetch(`${emu.baseUrl}/v3/chats?limit=100`, {
        headers: { authorization: `Bearer ${emu.token}` },
      });
      expect(res.status).toBe(200);
      const listed = ((await res.json()) as Json).chats.map((c: Json) => c.id);
      expect(listed).toHaveLength(2 * perProcess);
      expect(new Set(listed)).toEqual(ids);
    }
    expect(existsSync(`${dataFile}.lock`)).toBe(false);
  }, 60_000);
});

describe("the data file lock inside one emulator", () => {
  /** Holds the data file's lock as another process would (proper-lockfile, `<file>.lock`). */
  const holdLock = (dataFile: string) =>
    lockfile.lock(dataFile, { realpath: false, stale: 10_000, onCompromised: () => undefined });

  it("an API mutation waits while another process holds the lock, then commits", async () => {
    const dataFile = tempDataFile();
    const emu = await startTestEmulator({ dataFile });
    try {
      const release = await holdLock(dataFile);
      let answered = false;
      const pending = createChat(emu, [ALICE]).then((chat) => {
        answered = true;
        return chat;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      await release();
      const chat = await pending;
      const onDisk = JSON.parse(readFileSync(dataFile, "utf8")) as Json;
      expect(onDisk.chats.map((c: Json) => c.id)).toEqual([chat.id]);
    } finally {
      await emu.close();
    }
  });

  it("a control-API mutation waits for the lock too", async () => {
    const dataFile = tempDataFile();
    const emu = await startTestEmulator({ dataFile });
    try {
      const release = await holdLock(dataFile);
      let answered = false;
      const pending = emu.control.setHandleService(BOB, "SMS").then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      await release();
      await pending;
      expect(JSON.parse(readFileSync(dataFile, "utf8")).handle_services).toEqual({ [BOB]: "SMS" });
    } finally {
      await emu.close();
    }
  });

  it("a queued operation falling due is applied only once the lock is free", async () => {
    const dataFile = tempDataFile();
    const emu = await startTestEmulator({ dataFile, asyncMs: 100 });
    try {
      const group = await createChat(emu, [ALICE, BOB]);
      expect(
        (await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL })).status,
      ).toBe(202);
      const release = await holdLock(dataFile);
      await new Promise((r) => setTimeout(r, 400));
      const pendingOnDisk = () =>
        (JSON.parse(readFileSync(dataFile, "utf8")) as Json).pending_operations.length;
      expect(pendingOnDisk()).toBe(1);
      await release();
      await expect.poll(pendingOnDisk, { timeout: 5_000 }).toBe(0);
      const chat = (JSON.parse(readFileSync(dataFile, "utf8")) as Json).chats[0];
      expect(chat.handles.map((h: Json) => h.handle)).toContain(CAROL);
    } finally {
      await emu.close();
    }
  });

  it("a lock left behind by a killed process is taken over instead of wedging the emulator", async () => {
    const dataFile = tempDataFile();
    const lockDir = `${dataFile}.lock`;
    // What a killed holder leaves: the lock folder, no longer refreshed (older than `stale`).
    const leaveStaleLock = () => {
      mkdirSync(lockDir);
      const longAgo = new Date(Date.now() - 60_000);
      utimesSync(lockDir, longAgo, longAgo);
    };
    const started = Date.now();
    leaveStaleLock();
    const emu = await startTestEmulator({ dataFile });
    try {
      leaveStaleLock();
      const chat = await createChat(emu, [ALICE]);
      expect(Date.now() - started).toBeLessThan(5_000);
      const onDisk = JSON.parse(readFileSync(dataFile, "utf8")) as Json;
      expect(onDisk.chats.map((c: Json) => c.id)).toEqual([chat.id]);
      expect(existsSync(lockDir)).toBe(false);
    } finally {
      await emu.close();
    }
  });

  it("answers 503/4004 naming the lock when another process holds it past the wait", async () => {
    const dataFile = tempDataFile();
    const store = AccountStore.open({ dataFile, lockWaitMs: 200 });
    const server = new EmulatorServer({
      store,
      asyncMs: 0,
      allowInsecureWebhooks: false,
      chatCreateDedup: true,
    });
    await new Promise<void>((r) => server.http.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${(server.http.address() as AddressInfo).port}`;
    const release = await holdLock(dataFile);
    try {
      const answer = await fetch(`${origin}/api/partner/v3/chats`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${store.state.tokens[0]}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          from: store.state.lines[0]?.phone_number,
          to: [ALICE],
          message: { parts: [{ type: "text", value: "hi" }] },
        }),
      });
      const text = await answer.text();
      const res = { status: answer.status, headers: answer.headers, text, json: JSON.parse(text) };
      expectApiError(res, 503, 4004);
      expect(res.json.error.message).toContain(`${dataFile}.lock`);
      expect(res.headers.get("retry-after")).toBeNull();
      expect(res.json.error.retry_after).toBeUndefined();
    } finally {
      await release();
      await server.close();
    }
  });

  it("gives up after its wait with an error naming the file, the lock and the fix", async () => {
    const dataFile = tempDataFile();
    const release = await holdLock(dataFile);
    try {
      const lock = new DataFileLock(dataFile, { waitMs: 200 });
      const attempt = lock.run(() => "ran");
      await expect(attempt).rejects.toBeInstanceOf(DataFileLockedError);
      await expect(attempt).rejects.toMatchObject({ code: "EMULATOR_DATA_FILE_LOCKED" });
      await expect(attempt).rejects.toThrow(`${dataFile}.lock`);
      await expect(attempt).rejects.toThrow(/delete/);
      expect(() => lock.runSync(() => "ran")).toThrow(DataFileLockedError);
    } finally {
      await release();
    }
  });
});
