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
