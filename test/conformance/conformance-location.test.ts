/**
 * Location through the official SDK (linq-api-v3.md §5.6): request sharing (1:1 iMessage
 * only: 2016 in groups, 2017 on SMS/RCS) and read the `{success, data}` FeatureCollection,
 * driven by the emulator's simulated location.sharing.* events.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "@linqapp/sdk";
import { useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient, UNKNOWN_UUID } from "./harness/sample-values.js";
import { createChat } from "./harness/chat-factory.js";

describe("conformance: POST /v3/chats/{chatId}/location/request", () => {
  const ctx = useConformanceEmulator();

  it("requests location in a 1:1 iMessage chat: {success: true, message}", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    expect(dm.service).toBe("iMessage");
    const { data, response } = await sdk.chats.location.request(dm.id).withResponse();
    // Success status is UNSETTLED (200 likely); the emulator chose 200.
    expect(response.status).toBe(200);
    expect(data).toEqual({ success: true, message: "Location request sent" });
  });

  it("refuses a group chat with ConflictError 409/2016", async () => {
    const { sdk, lineA } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await expectApiError(sdk.chats.location.request(group.id), ConflictError, 409, 2016);
  });

  it("refuses a 1:1 SMS chat with ConflictError 409/2017", async () => {
    const { sdk, lineA, control } = ctx();
    await control.setHandleService(recipient(1), "SMS");
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    expect(dm.service).toBe("SMS");
    await expectApiError(sdk.chats.location.request(dm.id), ConflictError, 409, 2017);
  });

  it("refuses a 1:1 RCS chat with ConflictError 409/2017", async () => {
    const { sdk, lineA, control } = ctx();
    await control.setHandleService(recipient(1), "RCS");
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    expect(dm.service).toBe("RCS");
    await expectApiError(sdk.chats.location.request(dm.id), ConflictError, 409, 2017);
  });

  it("answers an unknown chat with NotFoundError 404/2001", async () => {
    await expectApiError(ctx().sdk.chats.location.request(UNKNOWN_UUID), NotFoundError, 404, 2001);
  });
});

describe("conformance: GET /v3/chats/{chatId}/location", () => {
  const ctx = useConformanceEmulator();

  it("answers {success: true, data: empty FeatureCollection} when nobody shares", async () => {
    const { sdk, lineA } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    const { data, response } = await sdk.chats.location.retrieve(dm.id).withResponse();
    expect(response.status).toBe(200);
    expect(data).toEqual({ success: true, data: { type: "FeatureCollection", features: [] } });
  });

  it("shows one Point feature per sharer after location.sharing.started, and none after stopped", async () => {
    const { sdk, lineA, control } = ctx();
    const dm = await createChat(sdk, lineA, [recipient(1)]);
    await control.simulate({
      type: "location.sharing.started",
      chat_id: dm.id,
      handle: recipient(1),
      coordinates: [-122.42, 37.77],
    });
    const sharing = await sdk.chats.location.retrieve(dm.id);
    expect(sharing.success).toBe(true);
    expect(sharing.data.type).toBe("FeatureCollection");
    expect(sharing.data.features).toHaveLength(1);
    const feature = sharing.data.features[0]!;
    expect(feature.type).toBe("Feature");
    expect(feature.geometry).toEqual({ type: "Point", coordinates: [-122.42, 37.77] });
    expect(feature.properties.handle).toBe(recipient(1));

    await control.simulate({
      type: "location.sharing.stopped",
      chat_id: dm.id,
      handle: recipient(1),
    });
    expect((await sdk.chats.location.retrieve(dm.id)).data.features).toEqual([]);
  });

  it("works in groups: one feature per participant sharing", async () => {
    const { sdk, lineA, control } = ctx();
    const group = await createChat(sdk, lineA, [recipient(1), recipient(2)]);
    await control.simulate({
      type: "location.sharing.started",
      chat_id: group.id,
      handle: recipient(1),
      coordinates: [2.35, 48.85],
    });
    await control.simulate({
      type: "location.sharing.started",
      chat_id: group.id,
      handle: recipient(2),
      coordinates: [13.4, 52.52],
    });
    const { data } = await sdk.chats.location.retrieve(group.id);
    const byHandle = Object.fromEntries(
      data.features.map((f) => [f.properties.handle, f.geometry.coordinates]),
    );
    expect(byHandle).toEqual({ [recipient(1)]: [2.35, 48.85], [recipient(2)]: [13.4, 52.52] });
  });

  it("answers an unknown chat with NotFoundError 404/2001", async () => {
    await expectApiError(ctx().sdk.chats.location.retrieve(UNKNOWN_UUID), NotFoundError, 404, 2001);
  });
});
