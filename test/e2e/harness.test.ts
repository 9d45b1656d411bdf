/**
 * The end-to-end suites judge the engine by what the emulator saw and holds, so the reading
 * side must be right first: request log slicing, write detection, paginated reads, and the
 * CLI runner's environment scrubbing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeParticipants, apiPath, isWrite, messageText } from "../support/emulator-control.js";
import { cliEnv } from "../support/cli.js";
import { startE2eEmulator, type E2eEmulator } from "../support/e2e-emulator.js";

describe("end-to-end harness", () => {
  let emu: E2eEmulator;
  const post = (path: string, body: unknown) =>
    fetch(`${emu.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    emu = await startE2eEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it("reads more than one page of chats and each chat's messages", async () => {
    const start = await emu.control.lastSeq();
    for (let i = 0; i < 105; i++) {
      const n = String(i).padStart(4, "0");
      const res = await post("/v3/chats", {
        from: emu.phoneNumbers[0],
        to: [`+1415600${n}`, `+1415700${n}`],
        message: { parts: [{ type: "text", value: `hello ${i}` }] },
      });
      expect(res.status).toBe(201);
    }
    const chats = await emu.control.listChats();
    expect(chats).toHaveLength(105);
    const first = chats.find((c) => activeParticipants(c).includes("+14156000000"))!;
    expect(activeParticipants(first)).toEqual(["+14156000000", "+14157000000"]);
    expect((await emu.control.listMessages(first.id)).map(messageText)).toEqual(["hello 0"]);

    const since = await emu.control.requestsSince(start);
    const writes = await emu.control.writesSince(start);
    expect(writes).toHaveLength(105);
    expect(writes.every((w) => apiPath(w) === "/v3/chats" && isWrite(w))).toBe(true);
    expect(since.length).toBeGreaterThan(writes.length); // the reads above are logged too, as GETs
    expect(since.filter((r) => !isWrite(r)).every((r) => r.method === "GET")).toBe(true);
  });

  it("simulated drift shows up in reads", async () => {
    const [chat] = await emu.control.listChats();
    await emu.control.simulate({
      type: "participant.left",
      chat_id: chat!.id,
      handle: activeParticipants(chat!)[0]!,
    });
    expect(activeParticipants(await emu.control.getChat(chat!.id))).toHaveLength(1);
  });

  it("reset empties the account", async () => {
    await emu.control.reset();
    expect(await emu.control.listChats()).toEqual([]);
  });

  it("child CLI environments never inherit a real API endpoint or token", () => {
    const saved = { ...process.env };
    try {
      process.env.LINQ_API_TOKEN = "real-token";
      process.env.LINQ_API_BASE_URL = "https://api.linqapp.com/api/partner";
      process.env.LINQ_API_V3_API_KEY = "real-key";
      const env = cliEnv({ LINQ_API_TOKEN: "emulator-token" });
      expect(env.LINQ_API_TOKEN).toBe("emulator-token");
      expect(env.LINQ_API_BASE_URL).toBeUndefined();
      expect(env.LINQ_API_V3_API_KEY).toBeUndefined();
      expect(env.NO_COLOR).toBe("1");
    } finally {
      process.env = saved;
    }
  });
});
