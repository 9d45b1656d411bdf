import { describe, expect, it } from "vitest";
import type { AddressInfo, Socket } from "node:net";
import { AccountStore } from "../../src/emulator/account-store.js";
import { isLoopbackPeer } from "../../src/emulator/control-access.js";
import { EmulatorServer } from "../../src/emulator/server.js";
import { useEmulator } from "../support/emulator.js";
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

describe("who may call the control API", () => {
  it("isLoopbackPeer accepts the loopback range in both families and nothing else", () => {
    for (const a of ["127.0.0.1", "127.10.0.3", "::1", "::ffff:127.0.0.1", "::FFFF:127.1.2.3"])
      expect(isLoopbackPeer(a), a).toBe(true);
    for (const a of [
      undefined,
      "",
      "10.0.0.1",
      "192.0.2.1",
      "::ffff:192.0.2.1",
      "fe80::1",
      "128.0.0.1",
      "localhost",
    ])
      expect(isLoopbackPeer(a), String(a)).toBe(false);
  });

  it("a request whose socket reports a non-loopback peer gets 403 on control routes while the API answers", async () => {
    // Traffic stays on loopback: the server's own sockets are told they came from a
    // documentation-range address (RFC 5737), so the same server code path sees a remote peer.
    const store = AccountStore.open({});
    const server = new EmulatorServer({
      store,
      asyncMs: 0,
      allowInsecureWebhooks: false,
      chatCreateDedup: true,
    });
    let pretendRemote = true;
    server.http.prependListener("connection", (socket: Socket) => {
      if (pretendRemote) Object.defineProperty(socket, "remoteAddress", { value: "192.0.2.44" });
    });
    await new Promise<void>((resolve) => server.http.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.http.address() as AddressInfo;
      const origin = `http://127.0.0.1:${port}`;
      const noKeepAlive = { connection: "close" };
      const control = await fetch(`${origin}/__emulator/state`, { headers: noKeepAlive });
      expect(control.status).toBe(403);
      expect(await control.text()).toContain("loopback clients only");
      const api = await fetch(`${origin}/api/partner/v3/phone_numbers`, {
        headers: { ...noKeepAlive, authorization: `Bearer ${[...store.state.tokens][0]}` },
      });
      expect(api.status).toBe(200);
      pretendRemote = false;
      expect((await fetch(`${origin}/__emulator/state`, { headers: noKeepAlive })).status).toBe(
        200,
      );
    } finally {
      await server.close();
    }
  });
});
