import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  call,
  createChat,
  expectApiError,
  text,
} from "./emulator-http.js";

const emu = useEmulator();
const from = () => emu.phoneNumbers[0] as string;

describe("POST /v3/chats", () => {
  it("creates a DM for one recipient with your line in handles as is_me", async () => {
    const chat = await createChat(emu, [ALICE]);
    expect(chat.is_group).toBe(false);
    expect(chat.service).toBe("iMessage");
    expect(chat.handles.map((h) => [h.handle, h.is_me, h.status])).toEqual([
      [from(), true, "active"],
      [ALICE, false, "active"],
    ]);
    expect(chat.message.parts[0]).toEqual({
      type: "text",
      value: "Welcome",
      reactions: null,
      text_decorations: null,
    });
  });

  it("creates a group for several recipients; unnamed groups read as the recipient list", async () => {
    const chat = await createChat(emu, [ALICE, BOB]);
    expect(chat.is_group).toBe(true);
    const got = await call(emu, "GET", `/v3/chats/${chat.id}`);
    expect(got.json.display_name).toBe(`${ALICE}, ${BOB}`);
    expect(got.json.health_status.status).toBe("HEALTHY");
    expect(got.json.is_archived).toBe(false);
  });

  it("needs from, to and message (400/1001)", async () => {
    expectApiError(
      await call(emu, "POST", "/v3/chats", { to: [ALICE], message: text("x") }),
      400,
      1001,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), message: text("x") }),
      400,
      1001,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: [], message: text("x") }),
      400,
      1001,
    );
    expectApiError(await call(emu, "POST", "/v3/chats", { from: from(), to: [ALICE] }), 400, 1001);
  });

  it("rejects a from that is not E.164 (400/1002) and a bad recipient handle (400/1002)", async () => {
    expectApiError(
      await call(emu, "POST", "/v3/chats", {
        from: "202-555-0100",
        to: [ALICE],
        message: text("x"),
      }),
      400,
      1002,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: ["(415) 555"], message: text("x") }),
      400,
      1002,
    );
  });

  it("rejects a from not owned (403/2006)", async () => {
    expectApiError(
      await call(emu, "POST", "/v3/chats", {
        from: "+19995550000",
        to: [ALICE],
        message: text("x"),
      }),
      403,
      2006,
    );
  });

  it("rejects more than 31 recipients (400/1005) and accepts 31", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `+1415555${String(1000 + i)}`);
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: many(32), message: text("x") }),
      400,
      1005,
    );
    expect(
      (await call(emu, "POST", "/v3/chats", { from: from(), to: many(31), message: text("x") }))
        .status,
    ).toBe(201);
  });

  it("rejects your own line among the recipients (400/1005)", async () => {
    expectApiError(
      await call(emu, "POST", "/v3/chats", {
        from: from(),
        to: [ALICE, from()],
        message: text("x"),
      }),
      400,
      1005,
    );
  });

  it("refuses a link part or a URL in text in the first message (400/1005)", async () => {
    const link = { parts: [{ type: "link", value: "https://example.com" }] };
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: [ALICE], message: link }),
      400,
      1005,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats", {
        from: from(),
        to: [ALICE],
        message: text("see https://x.io/a"),
      }),
      400,
      1005,
    );
    expectApiError(
      await call(emu, "POST", "/v3/chats", {
        from: from(),
        to: [ALICE],
        message: text("go to www.example.org"),
      }),
      400,
      1005,
    );
  });

  it("applies the §7 part rules (400/1004)", async () => {
    const twoTexts = {
      parts: [
        { type: "text", value: "a" },
        { type: "text", value: "b" },
      ],
    };
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: [ALICE], message: twoTexts }),
      400,
      1004,
    );
    const httpMedia = { parts: [{ type: "media", url: "http://example.com/a.png" }] };
    expectApiError(
      await call(emu, "POST", "/v3/chats", { from: from(), to: [ALICE], message: httpMedia }),
      400,
      1004,
    );
  });

  it("picks SMS when a recipient only has SMS, and RCS when all have at least RCS", async () => {
    await emu.control.setHandleService(BOB, "SMS");
    await emu.control.setHandleService(CAROL, "RCS");
    expect((await createChat(emu, [ALICE, BOB])).service).toBe("SMS");
    expect((await createChat(emu, [ALICE, CAROL])).service).toBe("RCS");
  });

  it("answers 422/4005 when preferred_service iMessage cannot reach a recipient", async () => {
    await emu.control.setHandleService(BOB, "SMS");
    const r = await call(emu, "POST", "/v3/chats", {
      from: from(),
      to: [BOB],
      message: text("x", { preferred_service: "iMessage" }),
    });
    expectApiError(r, 422, 4005);
  });
});

describe("GET /v3/chats/{id}", () => {
  it("answers 404/2001 for an unknown chat", async () => {
    expectApiError(
      await call(emu, "GET", "/v3/chats/00000000-0000-4000-8000-000000000000"),
      404,
      2001,
    );
  });
});

describe("PUT /v3/chats/{id}", () => {
  it("refuses to rename a DM (409/1006)", async () => {
    const dm = await createChat(emu, [ALICE]);
    expectApiError(await call(emu, "PUT", `/v3/chats/${dm.id}`, { display_name: "x" }), 409, 1006);
  });

  it("renames a group and sets its icon, answering pending", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    const r = await call(emu, "PUT", `/v3/chats/${group.id}`, {
      display_name: "Eng",
      group_chat_icon: "https://cdn.example.com/i.png",
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ chat_id: group.id, status: "pending" });
    const got = await call(emu, "GET", `/v3/chats/${group.id}`);
    expect(got.json.display_name).toBe("Eng");
    expect(got.json.group_chat_icon).toBe("https://cdn.example.com/i.png");
  });

  it("clears a name with an empty string, falling back to the participant list", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    await call(emu, "PUT", `/v3/chats/${group.id}`, { display_name: "Eng" });
    await call(emu, "PUT", `/v3/chats/${group.id}`, { display_name: "" });
    expect((await call(emu, "GET", `/v3/chats/${group.id}`)).json.display_name).toBe(
      `${ALICE}, ${BOB}`,
    );
  });

  it("rejects a body without name or icon (400/1001) and a non-https icon (400/1005)", async () => {
    const group = await createChat(emu, [ALICE, BOB]);
    expectApiError(await call(emu, "PUT", `/v3/chats/${group.id}`, {}), 400, 1001);
    expectApiError(
      await call(emu, "PUT", `/v3/chats/${group.id}`, { group_chat_icon: "http://x.com/i.png" }),
      400,
      1005,
    );
  });
});

describe("POST /v3/chats/{id}/leave", () => {
  it("leaves an iMessage group of 4, marks you left, and refuses every interaction after (409/2013)", async () => {
    const group = await createChat(emu, [ALICE, BOB, CAROL]);
    const r = await call(emu, "POST", `/v3/chats/${group.id}/leave`);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ message: "Leave group chat queued", status: "accepted" });
    expect(r.json.trace_id).toBe(r.headers.get("x-trace-id"));
    const got = await call(emu, "GET", `/v3/chats/${group.id}`);
    const me = got.json.handles.find((h: { is_me: boolean }) => h.is_me);
    expect(me.status).toBe("left");
    expect(me.left_at).toEqual(expect.any(String));
    const id = group.id;
    expectApiError(
      await call(emu, "POST", `/v3/chats/${id}/messages`, { message: text("x") }),
      409,
      2013,
    );
    expectApiError(await call(emu, "POST", `/v3/chats/${id}/read`), 409, 2013);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${id}/participants`, { handle: DAVE }),
      409,
      2013,
    );
    expectApiError(
      await call(emu, "DELETE", `/v3/chats/${id}/participants`, { handle: ALICE }),
      409,
      2013,
    );
    expectApiError(await call(emu, "PUT", `/v3/chats/${id}`, { display_name: "x" }), 409, 2013);
    expectApiError(await call(emu, "POST", `/v3/chats/${id}/location/request`), 409, 2013);
    expectApiError(await call(emu, "POST", `/v3/chats/${id}/leave`), 409, 2013);
    expectApiError(await call(emu, "POST", `/v3/chats/${id}/share_contact_card`), 409, 2013);
  });

  it("refuses a DM (409/1006), a group below 4 (409/2015) and a non-iMessage group (409/2017)", async () => {
    const dm = await createChat(emu, [ALICE]);
    expectApiError(await call(emu, "POST", `/v3/chats/${dm.id}/leave`), 409, 1006);
    const three = await createChat(emu, [ALICE, BOB]);
    expectApiError(await call(emu, "POST", `/v3/chats/${three.id}/leave`), 409, 2015);
    await emu.control.setHandleService(DAVE, "SMS");
    const sms = await createChat(emu, [ALICE, BOB, DAVE]);
    expectApiError(await call(emu, "POST", `/v3/chats/${sms.id}/leave`), 409, 2017);
  });
});

describe("share contact card and voice memo", () => {
  it("needs a card for the chat's line (404/2012), then answers 204", async () => {
    const dm = await createChat(emu, [ALICE]);
    expectApiError(await call(emu, "POST", `/v3/chats/${dm.id}/share_contact_card`), 404, 2012);
    await call(emu, "POST", "/v3/contact_card", { phone_number: from(), first_name: "Acme" });
    const r = await call(emu, "POST", `/v3/chats/${dm.id}/share_contact_card`, undefined, {
      headers: { accept: "*/*" },
    });
    expect(r.status).toBe(204);
    expect(r.text).toBe("");
  });

  it("sends a voice memo from an https audio url (202) and validates the body", async () => {
    const dm = await createChat(emu, [ALICE]);
    const r = await call(emu, "POST", `/v3/chats/${dm.id}/voicememo`, {
      voice_memo_url: "https://cdn.example.com/memo.m4a",
    });
    expect(r.status).toBe(202);
    expect(r.json.voice_memo.voice_memo).toMatchObject({
      filename: "memo.m4a",
      mime_type: "audio/x-m4a",
    });
    expect(r.json.voice_memo.to).toEqual([ALICE]);
    expectApiError(await call(emu, "POST", `/v3/chats/${dm.id}/voicememo`, {}), 400, 1001);
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/voicememo`, {
        voice_memo_url: "https://x.com/a.png",
      }),
      400,
      5004,
    );
    expectApiError(
      await call(emu, "POST", `/v3/chats/${dm.id}/voicememo`, {
        voice_memo_url: "https://x.com/a.mp3",
        attachment_id: "a",
      }),
      400,
      1005,
    );
  });
});
