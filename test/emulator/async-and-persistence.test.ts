import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { startTestEmulator, useEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, call, createChat, type Json } from "./emulator-http.js";

describe("asyncMs: queued operations become visible later", () => {
  const emu = useEmulator({ asyncMs: 800 });
  const activeOthers = async (id: string) =>
    (await call(emu, "GET", `/v3/chats/${id}`)).json.handles
      .filter((h: Json) => !h.is_me && h.status === "active")
      .map((h: Json) => h.handle);

  it("a participant add is accepted at once but shows in reads only after asyncMs", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expect(
      (await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL })).status,
    ).toBe(202);
    expect(await activeOthers(group.id)).toEqual([ALICE, BOB]);
    await expect
      .poll(() => activeOthers(group.id), { timeout: 5_000 })
      .toEqual([ALICE, BOB, CAROL]);
  });

  it("a rename is pending until applied", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    await call(emu, "PUT", `/v3/chats/${group.id}`, { display_name: "Later" });
    expect((await call(emu, "GET", `/v3/chats/${group.id}`)).json.display_name).toBe(
      `${ALICE}, ${BOB}`,
    );
    const state: Json = await emu.control.state();
    expect(state.pending_operations).toHaveLength(1);
    await expect
      .poll(async () => (await call(emu, "GET", `/v3/chats/${group.id}`)).json.display_name, {
        timeout: 5_000,
      })
      .toBe("Later");
  });
});

describe("persistence with dataFile", () => {
  const dirs: string[] = [];
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), "chatsync-emu-"));
    dirs.push(dir);
    return join(dir, "account.json");
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("a second emulator on the same file sees the same account, token and lines", async () => {
    const dataFile = tempFile();
    const first = await startTestEmulator({ dataFile });
    const chat = await createChat(first, [ALICE, BOB]);
    const sub = await call(first, "POST", "/v3/webhook-subscriptions", {
      target_url: "https://h.example.com/p",
      subscribed_events: ["chat.created"],
    });
    await call(first, "POST", "/v3/contact_card", {
      phone_number: first.phoneNumbers[0],
      first_name: "Acme",
    });
    await first.close();

    const second = await startTestEmulator({ dataFile });
    try {
      expect(second.token).toBe(first.token);
      expect(second.phoneNumbers).toEqual(first.phoneNumbers);
      const got = await call(second, "GET", `/v3/chats/${chat.id}`);
      expect(got.status).toBe(200);
      expect(got.json.handles).toEqual(chat.handles);
      expect(
        (await call(second, "GET", `/v3/chats/${chat.id}/messages`)).json.messages,
      ).toHaveLength(1);
      expect((await call(second, "GET", `/v3/webhook-subscriptions/${sub.json.id}`)).status).toBe(
        200,
      );
      expect((await call(second, "GET", "/v3/contact_card")).json.contact_cards).toHaveLength(1);
      // Idempotency records survive too.
      const key = {
        from: second.phoneNumbers[0],
        to: [CAROL],
        message: { parts: [{ type: "text", value: "x" }], idempotency_key: "persist" },
      };
      const a = await call(second, "POST", "/v3/chats", key);
      await second.close();
      const third = await startTestEmulator({ dataFile });
      try {
        expect((await call(third, "POST", "/v3/chats", key)).json.chat.id).toBe(a.json.chat.id);
      } finally {
        await third.close();
      }
    } finally {
      await second.close();
    }
  });

  it("two emulators running at once on one file see each other's changes and lose none", async () => {
    const dataFile = tempFile();
    const a = await startTestEmulator({ dataFile });
    const b = await startTestEmulator({ dataFile });
    try {
      expect(b.token).toBe(a.token);
      const first = await createChat(a, [ALICE]);
      expect((await call(b, "GET", `/v3/chats/${first.id}`)).status).toBe(200);
      const second = await createChat(b, [BOB]);
      const third = await createChat(a, [CAROL]);
      const ids = [first.id, second.id, third.id];
      for (const emu of [a, b]) {
        const listed = (await call(emu, "GET", "/v3/chats")).json.chats.map((c: Json) => c.id);
        expect(listed).toEqual(ids);
      }
      const onDisk = JSON.parse(readFileSync(dataFile, "utf8"));
      expect(onDisk.chats.map((c: { id: string }) => c.id)).toEqual(ids);
      // Control reads see the other process's changes too.
      expect(((await b.control.state()).chats as Json[]).map((c) => c.id)).toEqual(ids);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("keeps serving from memory when another process leaves a broken data file", async () => {
    const dataFile = tempFile();
    const lines: string[] = [];
    const emu = await startTestEmulator({ dataFile, log: (l) => lines.push(l) });
    try {
      const chat = await createChat(emu, [ALICE]);
      writeFileSync(dataFile, "{not json");
      expect((await call(emu, "GET", `/v3/chats/${chat.id}`)).status).toBe(200);
      expect(lines.join("\n")).toMatch(/kept the in-memory account.*not valid JSON/);
    } finally {
      await emu.close();
    }
  });

  it("writes the file after each mutation (valid JSON, atomically replaced)", async () => {
    const dataFile = tempFile();
    const emu = await startTestEmulator({ dataFile });
    try {
      const chat = await createChat(emu, [ALICE]);
      const onDisk = JSON.parse(readFileSync(dataFile, "utf8"));
      expect(onDisk.chats.map((c: { id: string }) => c.id)).toEqual([chat.id]);
    } finally {
      await emu.close();
    }
  });

  it("creates the data file's folder when it does not exist yet", async () => {
    const dataFile = join(tempFile(), "..", "nested", "deeper", "account.json");
    const emu = await startTestEmulator({ dataFile });
    try {
      await createChat(emu, [ALICE]);
      expect(JSON.parse(readFileSync(dataFile, "utf8")).chats).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });

  it("refuses a data file that is not an emulator account, naming the file", async () => {
    const dataFile = tempFile();
    writeFileSync(dataFile, "{ nope");
    await expect(startEmulator({ port: 0, dataFile })).rejects.toThrow(dataFile);
    writeFileSync(dataFile, JSON.stringify({ hello: 1 }));
    await expect(startEmulator({ port: 0, dataFile })).rejects.toMatchObject({
      code: "EMULATOR_DATA_FILE",
    });
  });

  it("refuses a data file whose folder cannot be made, naming the file and the folder", async () => {
    const blocker = tempFile();
    writeFileSync(blocker, "a file, not a folder");
    const dataFile = join(blocker, "emulator.json");
    const failure = startEmulator({ port: 0, dataFile });
    await expect(failure).rejects.toMatchObject({ code: "EMULATOR_DATA_FILE" });
    await expect(failure).rejects.toThrow(`${dataFile}: cannot create its folder ${blocker}`);
  });

  it("applies queued operations that were pending when the previous process stopped", async () => {
    const dataFile = tempFile();
    const first = await startTestEmulator({ dataFile, asyncMs: 200 });
    const group = await createChat(first, [ALICE, BOB]);
    await call(first, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL });
    await first.close();
    const second = await startTestEmulator({ dataFile });
    try {
      await expect
        .poll(
          async () =>
            (await call(second, "GET", `/v3/chats/${group.id}`)).json.handles.map(
              (h: Json) => h.handle,
            ),
          { timeout: 5_000 },
        )
        .toContain(CAROL);
    } finally {
      await second.close();
    }
  });
});
