/**
 * The emulator's fault injection (SPEC §7 `PUT /__emulator/faults`) as the official SDK sees
 * it: injected statuses map to the SDK's error classes, and a write whose response was lost
 * is made safe by `message.idempotency_key` (SPEC §6).
 */
import { describe, expect, it } from "vitest";
import { APIConnectionError, InternalServerError } from "@linqapp/sdk";

import { chatsInState, useConformanceEmulator } from "./harness/conformance-emulator.js";
import { expectApiError } from "./harness/api-error-assertions.js";
import { recipient, TEXT } from "./harness/sample-values.js";

describe("conformance: injected faults", () => {
  const ctx = useConformanceEmulator();

  it("answers an injected 503 with InternalServerError and code 4004 (§2.3), then recovers with probability 0", async () => {
    const { sdk, control } = ctx();
    await control.faults({ probability: 1, statuses: [503] });
    await expectApiError(sdk.phoneNumbers.list(), InternalServerError, 503, 4004);
    await control.faults({ probability: 0 });
    await expect(sdk.phoneNumbers.list()).resolves.toHaveProperty("phone_numbers");
  });

  it("makes the SDK retry an injected 500 (3 attempts with maxRetries 2) before surfacing InternalServerError", async () => {
    const { control } = ctx();
    await control.faults({ probability: 1, statuses: [500] });
    const patient = ctx().sdkWith({ maxRetries: 2 });
    await expect(patient.phoneNumbers.list()).rejects.toBeInstanceOf(InternalServerError);
    const attempts = (await control.requests()).filter((r) => r.path.endsWith("/v3/phone_numbers"));
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 500]);
  });

  it("commits a create whose response was dropped; replaying the idempotency_key returns that chat and creates no second one", async () => {
    const { sdk, control, lineA } = ctx();
    const body = {
      from: lineA,
      to: [recipient(1), recipient(2)],
      message: { parts: [TEXT("Welcome")], idempotency_key: "lost-response-1" },
    };
    await control.faults({ probability: 1, drop_response_after_commit: true });
    await expect(sdk.chats.create(body)).rejects.toBeInstanceOf(APIConnectionError);
    await control.faults({ probability: 0 });

    const stored = chatsInState(await control.state());
    expect(stored).toHaveLength(1);
    const replay = await sdk.chats.create(body);
    expect(chatsInState(await control.state())).toHaveLength(1);
    const listed = await sdk.chats.listChats();
    expect(listed.chats.map((c) => c.id)).toEqual([replay.chat.id]);
  });

  it("answers a reset connection as APIConnectionError", async () => {
    const { sdk, control } = ctx();
    await control.faults({ probability: 1, reset_connection: true });
    await expect(sdk.phoneNumbers.list()).rejects.toBeInstanceOf(APIConnectionError);
  });
});
