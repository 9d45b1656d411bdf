import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, DAVE, call, createChat, expectApiError } from "./emulator-http.js";

const emu = useEmulator();
const active = (chat: { handles: { handle: string; status: string; is_me: boolean }[] }) =>
  chat.handles.filter((h) => h.status === "active" && !h.is_me).map((h) => h.handle);

describe("participants", () => {
  it("adds to a group of 3 (202) and the new person shows up active", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    const r = await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ message: "Participant addition queued", status: "accepted" });
    expect(active((await call(emu, "GET", `/v3/chats/${group.id}`)).json)).toEqual([
      ALICE,
      BOB,
      CAROL,
    ]);
  });

  it("accepts an email handle, lower-cased", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expect(
      (await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: "Zoe@Example.com" }))
        .status,
    ).toBe(202);
    expect(active((await call(emu, "GET", `/v3/chats/${group.id}`)).json)).toContain(
      "zoe@example.com",
    );
  });

  it("refuses DMs (409/1006), bad handles (400/1002), a missing handle (400/1001), duplicates (409/2015)", async () => {
    const dm = await createChat(emu, [ALICE]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/participants`, { handle: BOB }),
      409,
      1006,
    );
    const group = await createChat(emu, [ALICE, BOB]);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: "555" }),
      400,
      1002,
    );
    expectApiError(await call(emu, "POST", `/v3/chats/${group.id}/participants`, {}), 400, 1001);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: ALICE }),
      409,
      2015,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats/00000000-0000-4000-8000-000000000000/participants", {
        handle: CAROL,
      }),
      404,
      2001,
    );
  });

  it("refuses a cross-service add (409/2017): an SMS-only person cannot join an iMessage group", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    await emu.control.setHandleService(DAVE, "SMS");
    expectApiError(
      await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: DAVE }),
      409,
      2017,
    );
  });

  it("refuses an add when fewer than 3 participants are active (409/2015)", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    await emu.control.simulate({ type: "participant.left", chat_id: group.id, handle: BOB });
    expectApiError(
      await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL }),
      409,
      2015,
    );
  });

  it("removes with a DELETE carrying a JSON body; the person stays in handles as removed", async () => {
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    const r = await call(emu, "DELETE", `/v3/chats/${group.id}/participants`, { handle: CAROL });
    expect(r.status).toBe(202);
    expect(r.json.message).toBe("Participant removal queued");
    const carol = (await call(emu, "GET", `/v3/chats/${group.id}`)).json.handles.find(
      (h: { handle: string }) => h.handle === CAROL,
    );
    expect(carol).toMatchObject({ status: "removed", left_at: expect.any(String) });
  });

  it("refuses a removal that would leave fewer than 3 (409/2015) and of someone not in the chat", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expectApiError(
      await call(emu, "DELETE", `/v3/chats/${group.id}/participants`, { handle: BOB }),
      409,
      2015,
    );
    const four = await createChat(emu, [ALICE, BOB, CAROL]);
    expectApiError(
      await call(emu, "DELETE", `/v3/chats/${four.id}/participants`, { handle: DAVE }),
      409,
      2015,
    );
    expectApiError(
      await call(emu, "DELETE", `/v3/chats/${four.id}/participants`, {
        handle: emu.phoneNumbers[0],
      }),
      409,
      2015,
    );
  });

  it("re-adding someone who was removed re-activates the same handle record", async () => {
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    await call(emu, "DELETE", `/v3/chats/${group.id}/participants`, { handle: CAROL });
    await call(emu, "POST", `/v3/chats/${group.id}/participants`, { handle: CAROL });
    const handles = (await call(emu, "GET", `/v3/chats/${group.id}`)).json.handles.filter(
      (h: { handle: string }) => h.handle === CAROL,
    );
    expect(handles).toHaveLength(1);
    expect(handles[0]).toMatchObject({ status: "active", left_at: null });
  });
});

describe("typing indicators", () => {
  it("answers 204 without a body on DMs, start and stop", async () => {
    const dm = await createChat(emu, [ALICE]);
    const start = await call(emu, "POST", `/v3/chats/${dm.id}/typing`, undefined, {
      headers: { accept: "*/*" },
    });
    const stop = await call(emu, "DELETE", `/v3/chats/${dm.id}/typing`, undefined, {
      headers: { accept: "*/*" },
    });
    expect([start.status, start.text, stop.status, stop.text]).toEqual([204, "", 204, ""]);
  });

  it("answers 403/2005 on groups", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expectApiError(await call(emu, "POST", `/v3/chats/${group.id}/typing`), 403, 2005);
    expectApiError(await call(emu, "DELETE", `/v3/chats/${group.id}/typing`), 403, 2005);
  });
});
