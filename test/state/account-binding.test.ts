import { describe, expect, it } from "vitest";
import {
  EMBEDDED_EMULATOR_ENDPOINT,
  accountRecord,
  checkAccountBinding,
  endpointKind,
  normalizeEndpoint,
} from "../../src/sync-engine/state/account-binding.js";

const LIVE = "https://api.linqapp.com/api/partner";
const rec = (endpoint: string, lines: string[]) => accountRecord({ endpoint, lines }, new Date(0));

describe("account binding", () => {
  it("a state with no account yet is recorded, whatever the account", () => {
    expect(checkAccountBinding(undefined, { endpoint: LIVE, lines: ["+1"] }, "s")).toEqual({
      ok: true,
      record: true,
    });
  });

  it("no line in common is refused naming both accounts' endpoints and lines", () => {
    const v = checkAccountBinding(
      rec(LIVE, ["+12025550100"]),
      { endpoint: LIVE, lines: ["+12025550177"] },
      "st.json",
    );
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toContain("st.json");
      expect(v.error).toContain("+12025550100");
      expect(v.error).toContain("+12025550177");
    }
  });

  it("one shared line is enough; a changed line set is re-recorded silently", () => {
    const v = checkAccountBinding(
      rec(LIVE, ["+1", "+2"]),
      { endpoint: LIVE, lines: ["+2", "+3"] },
      "s",
    );
    expect(v).toEqual({ ok: true, record: true });
    expect(
      checkAccountBinding(
        rec(LIVE, ["+1", "+2"]),
        { endpoint: `${LIVE}/`, lines: ["+2", "+1"] },
        "s",
      ),
    ).toEqual({
      ok: true,
      record: false,
    });
  });

  it("same lines, another endpoint of the same kind: a warning; of another kind: refused", () => {
    const moved = checkAccountBinding(
      rec(LIVE, ["+1"]),
      { endpoint: "https://eu.linqapp.com/api/partner", lines: ["+1"] },
      "s",
    );
    expect(moved).toMatchObject({
      ok: true,
      record: true,
      warning: expect.stringContaining("eu.linqapp.com"),
    });
    for (const other of [EMBEDDED_EMULATOR_ENDPOINT, "http://127.0.0.1:4010/api/partner"]) {
      const v = checkAccountBinding(rec(LIVE, ["+1"]), { endpoint: other, lines: ["+1"] }, "s");
      expect(v.ok, other).toBe(false);
    }
    const standalone = checkAccountBinding(
      rec("http://127.0.0.1:4010/api/partner", ["+1"]),
      { endpoint: EMBEDDED_EMULATOR_ENDPOINT, lines: ["+1"] },
      "s",
    );
    expect(standalone.ok).toBe(false);
  });

  it("endpoints are compared without credentials, query or trailing slash", () => {
    expect(normalizeEndpoint("https://u:p@api.linqapp.com/api/partner/?x=1")).toBe(LIVE);
    expect(endpointKind("http://localhost:1/x")).toBe("loopback");
    expect(endpointKind("http://[::1]:1/x")).toBe("loopback");
    expect(endpointKind("http://127.9.9.9/x")).toBe("loopback");
    expect(endpointKind("http://127.0.0.1.example.com/x")).toBe("remote");
    expect(accountRecord({ endpoint: LIVE, lines: ["+2", "+1"] }, new Date(0)).lines).toEqual([
      "+1",
      "+2",
    ]);
  });
});

describe("account binding: the sentences a refused or warned user reads", () => {
  const FIX =
    "Point --state (or CHATSYNC_STATE) at the state of this account, or use --emulator, which keeps its own state.";

  it("another account: both endpoints and line sets, and 'no lines' for an account without any", () => {
    const v = checkAccountBinding(
      rec(LIVE, ["+1", "+2"]),
      { endpoint: `${LIVE}/`, lines: [] },
      "st.json",
    );
    expect(v).toEqual({
      ok: false,
      error: `The state at st.json belongs to another account: it was written for ${LIVE} with lines +1, +2, but ${LIVE} has lines no lines — no line in common. Planning against it would treat every managed chat as gone and create it again. ${FIX}`,
    });
  });

  it("a live API state used against an emulator, and the other way round, name both kinds", () => {
    const loop = "http://127.0.0.1:4010/api/partner";
    expect(checkAccountBinding(rec(LIVE, ["+1"]), { endpoint: loop, lines: ["+1"] }, "s")).toEqual({
      ok: false,
      error: `The state at s was written for ${LIVE} (a live API), but this run targets ${loop} (an emulator on loopback); an emulator and a live account are never the same account, even with the same lines. ${FIX}`,
    });
    expect(
      checkAccountBinding(
        rec(EMBEDDED_EMULATOR_ENDPOINT, ["+1"]),
        { endpoint: LIVE, lines: ["+1"] },
        "s",
      ),
    ).toEqual({
      ok: false,
      error: `The state at s was written for embedded-emulator (an embedded emulator), but this run targets ${LIVE} (a live API); an emulator and a live account are never the same account, even with the same lines. ${FIX}`,
    });
  });

  it("the same lines on another endpoint of the same kind: recorded, with a warning naming both", () => {
    const eu = "https://eu.linqapp.com/api/partner";
    expect(
      checkAccountBinding(rec(LIVE, ["+1", "+2"]), { endpoint: eu, lines: ["+2", "+9"] }, "s"),
    ).toEqual({
      ok: true,
      record: true,
      warning: `the state at s was written for ${LIVE}; this run uses ${eu} (the same lines +2). If the account moved, this is fine and the new endpoint is recorded on the next apply.`,
    });
  });

  it("the same endpoint: re-recorded when a line is added or dropped, not when only the order differs", () => {
    const same = (lines: string[]) =>
      checkAccountBinding(rec(LIVE, ["+1", "+2"]), { endpoint: LIVE, lines }, "s");
    expect(same(["+1", "+2", "+3"])).toEqual({ ok: true, record: true });
    expect(same(["+1"])).toEqual({ ok: true, record: true });
    expect(same(["+2", "+1"])).toEqual({ ok: true, record: false });
  });

  it("endpoints: the embedded emulator is its own kind and spelled as is; what is no URL is remote", () => {
    expect(endpointKind(EMBEDDED_EMULATOR_ENDPOINT)).toBe("embedded emulator");
    expect(normalizeEndpoint(EMBEDDED_EMULATOR_ENDPOINT)).toBe(EMBEDDED_EMULATOR_ENDPOINT);
    expect(endpointKind("not a url")).toBe("remote");
    expect(normalizeEndpoint("not a url")).toBe("not a url");
    expect(endpointKind("https://api.linqapp.com")).toBe("remote");
    expect(normalizeEndpoint("https://api.linqapp.com/x//#frag")).toBe("https://api.linqapp.com/x");
    expect(accountRecord({ endpoint: `${LIVE}/?k=1`, lines: ["+1"] }, new Date(0))).toEqual({
      endpoint: LIVE,
      lines: ["+1"],
      recorded_at: "1970-01-01T00:00:00.000Z",
    });
  });

  it("loopback is localhost, ::1 and all of 127.0.0.0/8, spelled with any number of digits", () => {
    for (const url of [
      "http://localhost:4010",
      "http://[::1]:4010/api",
      "http://127.0.0.1:1",
      "http://127.10.0.1",
      "http://127.0.20.1",
      "http://127.0.0.30",
    ])
      expect(endpointKind(url), url).toBe("loopback");
    // A name that merely starts like a loopback address is somebody's server.
    expect(endpointKind("https://127.0.0.1.example.com")).toBe("remote");
    expect(endpointKind("https://[2001:db8::1]/")).toBe("remote");
  });

  it("names each kind of the two endpoints in the refusal", () => {
    const loop = "http://127.0.0.1:4010/api/partner";
    expect(checkAccountBinding(rec(loop, ["+1"]), { endpoint: LIVE, lines: ["+1"] }, "s")).toEqual({
      ok: false,
      error: `The state at s was written for ${loop} (an emulator on loopback), but this run targets ${LIVE} (a live API); an emulator and a live account are never the same account, even with the same lines. ${FIX}`,
    });
    const embedded = checkAccountBinding(
      rec(loop, ["+1"]),
      { endpoint: EMBEDDED_EMULATOR_ENDPOINT, lines: ["+1"] },
      "s",
    );
    expect(embedded).toEqual({
      ok: false,
      error: `The state at s was written for ${loop} (an emulator on loopback), but this run targets embedded-emulator (an embedded emulator); an emulator and a live account are never the same account, even with the same lines. ${FIX}`,
    });
  });
});
