/**
 * Participants and typing indicators through the official SDK (linq-api-v3.md §5.2, §5.3,
 * §6): queued add/remove, the "3 or more" group rules, and typing being DM-only.
 */
import { describe, expect, it, vi } from "vitest";
import { BadRequestError, ConflictError, PermissionDeniedError } from "@linqapp/sdk";
import type LinqAPIV3 from "@linqapp/sdk";
import { GroupRules } from "../../src/api-wire/index.js";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

async function activeHandles(sdk: LinqAPIV3, chatId: string): Promise<string[]> {
  const chat = await sdk.chats.retrieve(chatId);
  return chat.handles
    .filter((h) => h.status === undefined || h.status === null || h.status === "active")
    .map((h) => h.handle)
    .sort();
}

describe("conformance: POST /v3/chats/{chatId}/participants", () => {
  const ctx = useConformanceEmulator();

  it("adds to a group of three (yourself counted, GroupRules decision): 202 queued, then the roster shows them", async () => {
    expect(GroupRules.minParticipantsForAdd).toBe(3);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    const { data, response } = await sdk.chats.participants
      .add(group.id, { handle: recipient(3) })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ message: "Participant addition queued", status: "accepted" });
    expect(data.trace_id).toMatch(/^[0-9a-f]{32}$/);
    await vi.waitFor(async () => {
      expect(await activeHandles(sdk, group.id)).toEqual(
        [lineA, recipient(1), recipient(2), recipient(3)].sort(),
      );
    });
    const added = (await sdk.chats.retrieve(group.id)).handles.find(
      (h) => h.handle === recipient(3),
    );
    expect(added?.is_me).not.toBe(true);
  });

  it("adds an email participant to an iMessage group", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await sdk.chats.participants.add(group.id, { handle: "bob@example.com" });
    await vi.waitFor(async () => {
      expect(await activeHandles(sdk, group.id)).toContain("bob@example.com");
    });
  });

  it("refuses to add to a direct chat with 409/1006 (emulator decision; code UNSETTLED)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.participants.add(dm.id, { handle: recipient(2) }),
      ConflictError,
      409,
      1006,
    );
    expect((await sdk.chats.retrieve(dm.id)).is_group).toBe(false);
    expect(await activeHandles(sdk, dm.id)).toEqual([lineA, recipient(1)].sort());
  });

  it("refuses a handle that is neither E.164 nor an email with BadRequestError 400/1002", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(
      sdk.chats.participants.add(group.id, { handle: "4155550199" }),
      BadRequestError,
      400,
      1002,
    );
  });

  it("refuses a missing handle with 400/1001", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(
      sdk.chats.participants.add(group.id, {} as { handle: string }),
      BadRequestError,
      400,
      1001,
    );
  });

  it("refuses a cross-service add (SMS-only person into an iMessage group) with 409/2017 (emulator decision)", async () => {
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    expect((await sdk.chats.retrieve(group.id)).service).toBe("iMessage");
    await control.setHandleService(recipient(3), "SMS");
    await expectApiError(
      sdk.chats.participants.add(group.id, { handle: recipient(3) }),
      ConflictError,
      409,
      2017,
    );
    expect(await activeHandles(sdk, group.id)).not.toContain(recipient(3));
  });

  it("refuses to add someone already active with 409/2015 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(
      sdk.chats.participants.add(group.id, { handle: recipient(1) }),
      ConflictError,
      409,
      2015,
    );
  });
});

describe("conformance: DELETE /v3/chats/{chatId}/participants", () => {
  const ctx = useConformanceEmulator();

  it("removes from a group of four: 202 queued (DELETE with a JSON body), then they are no longer active", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    const { data, response } = await sdk.chats.participants
      .remove(group.id, { handle: recipient(3) })
      .withResponse();
    expect(response.status).toBe(202);
    expect(data).toMatchObject({ message: "Participant removal queued", status: "accepted" });
    await vi.waitFor(async () => {
      expect(await activeHandles(sdk, group.id)).toEqual(
        [lineA, recipient(1), recipient(2)].sort(),
      );
    });
    // §4.3: a removed person either drops out or stays with status "removed" (UNSETTLED).
    const kept = (await sdk.chats.retrieve(group.id)).handles.find(
      (h) => h.handle === recipient(3),
    );
    if (kept !== undefined) expect(kept.status).toBe("removed");
  });

  it("refuses a removal that would leave fewer than 3 participants with 409/2015 (emulator decision)", async () => {
    expect(GroupRules.minParticipantsAfterRemove).toBe(3);
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(
      sdk.chats.participants.remove(group.id, { handle: recipient(2) }),
      ConflictError,
      409,
      2015,
    );
    expect(await activeHandles(sdk, group.id)).toEqual([lineA, recipient(1), recipient(2)].sort());
  });

  it("refuses to remove from a direct chat with 409/1006 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await expectApiError(
      sdk.chats.participants.remove(dm.id, { handle: recipient(1) }),
      ConflictError,
      409,
      1006,
    );
    expect(await activeHandles(sdk, dm.id)).toEqual([lineA, recipient(1)].sort());
  });

  it("refuses to remove someone who is not an active member with 409/2015 (emulator decision)", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await expectApiError(
      sdk.chats.participants.remove(group.id, { handle: recipient(9) }),
      ConflictError,
      409,
      2015,
    );
  });

  it("re-adding someone who left re-activates their participant record (emulator decision)", async () => {
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    const before = (await sdk.chats.retrieve(group.id)).handles.find(
      (h) => h.handle === recipient(3),
    )!;
    await control.simulate({ type: "participant.left", chat_id: group.id, handle: recipient(3) });
    expect(await activeHandles(sdk, group.id)).not.toContain(recipient(3));
    await sdk.chats.participants.add(group.id, { handle: recipient(3) });
    await vi.waitFor(async () => {
      const again = (await sdk.chats.retrieve(group.id)).handles.filter(
        (h) => h.handle === recipient(3),
      );
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ id: before.id, status: "active" });
    });
  });

  it("refuses a bad handle format with 400/1002", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    await expectApiError(
      sdk.chats.participants.remove(group.id, { handle: "not a handle" }),
      BadRequestError,
      400,
      1002,
    );
  });

  it("lets a group grown by add shrink again by remove, never below 3", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await sdk.chats.participants.add(group.id, { handle: recipient(3) });
    await vi.waitFor(async () =>
      expect(await activeHandles(sdk, group.id)).toContain(recipient(3)),
    );
    await sdk.chats.participants.remove(group.id, { handle: recipient(1) });
    await vi.waitFor(async () =>
      expect(await activeHandles(sdk, group.id)).not.toContain(recipient(1)),
    );
    await expectApiError(
      sdk.chats.participants.remove(group.id, { handle: recipient(2) }),
      ConflictError,
      409,
      2015,
    );
  });
});

describe("conformance: typing indicators", () => {
  const ctx = useConformanceEmulator();

  it("starts and stops typing in a direct chat: 204 each", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const started = await sdk.chats.typing.start(dm.id).asResponse();
    expect(started.status).toBe(204);
    const stopped = await sdk.chats.typing.stop(dm.id).asResponse();
    expect(stopped.status).toBe(204);
  });

  it("refuses typing in a group with PermissionDeniedError 403/2005 (code: emulator decision) on start and stop", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(sdk.chats.typing.start(group.id), PermissionDeniedError, 403, 2005);
    await expectApiError(sdk.chats.typing.stop(group.id), PermissionDeniedError, 403, 2005);
  });
});

describe("conformance: queued operations before they are processed (emulator asyncMs)", () => {
  // Long enough that nothing queued is applied during the test; reads must not show it yet
  // (emulator decision, queued-operations.ts, §12 q11).
  const ctx = useConformanceEmulator({ asyncMs: 600_000 });

  it("acknowledges add/remove/rename at once and keeps reads on the old state until applied", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2), recipient(3)]);
    const before = await activeHandles(sdk, group.id);
    const nameBefore = (await sdk.chats.retrieve(group.id)).display_name;

    expect(
      (await sdk.chats.participants.add(group.id, { handle: recipient(4) }).asResponse()).status,
    ).toBe(202);
    expect(
      (await sdk.chats.participants.remove(group.id, { handle: recipient(1) }).asResponse()).status,
    ).toBe(202);
    expect(await sdk.chats.update(group.id, { display_name: "Later" })).toMatchObject({
      status: "pending",
    });

    expect(await activeHandles(sdk, group.id)).toEqual(before);
    expect((await sdk.chats.retrieve(group.id)).display_name).toBe(nameBefore);
  });
});
