import { describe, expect, it } from "vitest";
import { networkInterfaces } from "node:os";
import { startTestEmulator, useEmulator } from "../support/emulator.js";
import { ALICE, BOB, call, createChat, type Json } from "./emulator-http.js";

const emu = useEmulator();

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.origin}/__emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe("control API", () => {
  it("GET /__emulator/state lists attachments with their upload status", async () => {
    const created = await call(emu, "POST", "/v3/attachments", {
      filename: "a.pdf",
      content_type: "application/pdf",
      size_bytes: 3,
    });
    expect(created.status).toBe(200);
    const { json } = await control("GET", "state");
    expect(json.attachments).toEqual([
      expect.objectContaining({
        id: created.json.attachment_id,
        filename: "a.pdf",
        size_bytes: 3,
        uploaded_at: null,
      }),
    ]);
  });

  it("records API requests as {seq, method, path, status} and not its own calls", async () => {
    await call(emu, "GET", "/v3/chats?limit=5");
    await call(emu, "GET", "/v3/chats", undefined, { token: "wrong" });
    await emu.control.state();
    const log = await emu.control.requests();
    expect(log).toEqual([
      {
        seq: expect.any(Number),
        method: "GET",
        path: "/api/partner/v3/chats",
        status: 200,
        query: "limit=5",
      },
      { seq: expect.any(Number), method: "GET", path: "/api/partner/v3/chats", status: 401 },
    ]);
    expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq);
  });

  it("shows the whole account in state and empties it on reset, keeping tokens and lines", async () => {
    const chat = await createChat(emu, [ALICE, BOB]);
    const state: Json = await emu.control.state();
    expect(state.chats.map((c: Json) => c.id)).toEqual([chat.id]);
    expect(state.chats[0].line).toBe(emu.phoneNumbers[0]);
    expect(state.messages).toHaveLength(1);
    expect(state.tokens).toEqual([emu.token]);
    await emu.control.reset();
    const after: Json = await emu.control.state();
    expect(after.chats).toEqual([]);
    expect(after.messages).toEqual([]);
    expect(after.lines.map((l: Json) => l.phone_number)).toEqual(emu.phoneNumbers);
    expect(await emu.control.requests()).toEqual([]);
    expect((await call(emu, "GET", "/v3/chats")).status).toBe(200);
  });

  it("sets chat health through simulate chat.health (e.g. OPTED_OUT)", async () => {
    const chat = await createChat(emu, [ALICE]);
    await emu.control.simulate({ type: "chat.health", chat_id: chat.id, status: "OPTED_OUT" });
    expect((await call(emu, "GET", `/v3/chats/${chat.id}`)).json.health_status.status).toBe(
      "OPTED_OUT",
    );
  });

  it("marks a simulated leaver as left and keeps them in handles", async () => {
    const chat = await createChat(emu, [ALICE, BOB]);
    await emu.control.simulate({ type: "participant.left", chat_id: chat.id, handle: BOB });
    const bob = (await call(emu, "GET", `/v3/chats/${chat.id}`)).json.handles.find(
      (h: Json) => h.handle === BOB,
    );
    expect(bob).toMatchObject({ status: "left", left_at: expect.any(String) });
  });

  it("rejects unknown simulate types, unknown chats, bad services and unknown routes", async () => {
    const chat = await createChat(emu, [ALICE]);
    expect((await control("POST", "simulate", { type: "meteor", chat_id: chat.id })).status).toBe(
      400,
    );
    expect(
      (
        await control("POST", "simulate", {
          type: "participant.left",
          chat_id: "nope",
          handle: ALICE,
        })
      ).status,
    ).toBe(404);
    expect((await control("PUT", "handles", { handle: ALICE, service: "Pigeon" })).status).toBe(
      400,
    );
    expect((await control("GET", "nothing-here")).status).toBe(404);
    expect((await control("GET", "reset")).status).toBe(405);
  });
});

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === "IPv4" && !i.internal)?.address;

describe.skipIf(externalAddress === undefined)("control API on a non-loopback listener", () => {
  it("refuses control calls that do not come from loopback, while the API still answers", async () => {
    const emu2 = await startTestEmulator({ host: "0.0.0.0" });
    try {
      const port = new URL(emu2.origin).port;
      const remote = await fetch(`http://${externalAddress}:${port}/__emulator/state`);
      expect(remote.status).toBe(403);
      const api = await fetch(`http://${externalAddress}:${port}/api/partner/v3/phone_numbers`, {
        headers: emu2.auth(),
      });
      expect(api.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/__emulator/state`)).status).toBe(200);
    } finally {
      await emu2.close();
    }
  });
});
