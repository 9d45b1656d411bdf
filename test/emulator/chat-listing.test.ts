import { describe, expect, it } from "vitest";
import { useEmulator } from "../support/emulator.js";
import { ALICE, BOB, CAROL, call, createChat, expectApiError, type Json } from "./emulator-http.js";

const emu = useEmulator();

async function listAll(query = "", limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams(query);
    qs.set("limit", String(limit));
    if (cursor) qs.set("cursor", cursor);
    const page: Json = await call(emu, "GET", `/v3/chats?${qs}`);
    expect(page.status).toBe(200);
    ids.push(...page.json.chats.map((c: { id: string }) => c.id));
    cursor = page.json.next_cursor;
  } while (cursor);
  return ids;
}

describe("GET /v3/chats", () => {
  it("pages in creation order with opaque cursors and ends with next_cursor null", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createChat(emu, [`+1415555020${i}`])).id);
    expect(await listAll()).toEqual(created);
    const first = await call(emu, "GET", "/v3/chats?limit=2");
    expect(first.json.next_cursor).toEqual(expect.any(String));
    expect(first.json.next_cursor).not.toMatch(/^\d+$/);
  });

  it("defaults to 20 per page", async () => {
    for (let i = 0; i < 21; i++) await createChat(emu, [`+141555503${String(i).padStart(2, "0")}`]);
    const page = await call(emu, "GET", "/v3/chats");
    expect(page.json.chats).toHaveLength(20);
    const rest = await call(
      emu,
      "GET",
      `/v3/chats?cursor=${encodeURIComponent(page.json.next_cursor)}`,
    );
    expect(rest.json.chats).toHaveLength(1);
    expect(rest.json.next_cursor).toBeNull();
  });

  it("keeps pages stable when chats are created while paging", async () => {
    const a = await createChat(emu, [ALICE]);
    const b = await createChat(emu, [BOB]);
    const page1 = await call(emu, "GET", "/v3/chats?limit=1");
    const c = await createChat(emu, [CAROL]);
    const page2 = await call(
      emu,
      "GET",
      `/v3/chats?limit=5&cursor=${encodeURIComponent(page1.json.next_cursor)}`,
    );
    expect([...page1.json.chats, ...page2.json.chats].map((x: { id: string }) => x.id)).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
  });

  it("rejects a limit outside 1-100 and a foreign cursor (400/1005)", async () => {
    expectApiError(await call(emu, "GET", "/v3/chats?limit=0"), 400, 1005);
    expectApiError(await call(emu, "GET", "/v3/chats?limit=101"), 400, 1005);
    expectApiError(await call(emu, "GET", "/v3/chats?limit=abc"), 400, 1005);
    expectApiError(await call(emu, "GET", "/v3/chats?cursor=20"), 400, 1005);
    expect((await call(emu, "GET", "/v3/chats?limit=100")).status).toBe(200);
  });

  it("filters by from (E.164, owned) and by to (comma-joined or repeated)", async () => {
    const [l1, l2] = emu.phoneNumbers as [string, string];
    const x = await createChat(emu, [ALICE, BOB], undefined, l1);
    const y = await createChat(emu, [ALICE], undefined, l2);
    const z = await createChat(emu, [BOB, CAROL], undefined, l1);
    expect(await listAll(`from=${encodeURIComponent(l2)}`)).toEqual([y.id]);
    expect(await listAll(`to=${encodeURIComponent(ALICE)}`)).toEqual([x.id, y.id]);
    expect(await listAll(`to=${encodeURIComponent(`${ALICE},${BOB}`)}`)).toEqual([x.id]);
    expect(await listAll(`to=${encodeURIComponent(BOB)}&to=${encodeURIComponent(CAROL)}`)).toEqual([
      z.id,
    ]);
    expectApiError(await call(emu, "GET", "/v3/chats?from=12345"), 400, 1002);
    expectApiError(
      await call(emu, "GET", `/v3/chats?from=${encodeURIComponent("+19995550000")}`),
      403,
      2006,
    );
  });
});
