/**
 * `defaults:` — what every chat inherits: the built-in values when nothing is declared, the
 * declared ones when they are, and the diagnostics for defaults.from.
 */
import { describe, expect, it } from "vitest";
import {
  BUILT_IN_DEFAULTS,
  resolveDefaults,
} from "../../src/sync-engine/config/resolve-defaults.js";
import { recordingContext, VALUE_COLUMN } from "../support/recording-context.js";

describe("resolveDefaults", () => {
  it("gives the built-in defaults to a document without a defaults section", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(resolveDefaults(ctx, undefined)).toStrictEqual({
      fromInvalid: false,
      roster: "authoritative",
      on_delete: "forget",
      readd_left: false,
      share_contact_card: false,
      prevent_destroy: false,
    });
    expect(diagnostics).toEqual([]);
  });

  it("gives the built-in defaults when there is no document to report into", () => {
    expect(resolveDefaults(undefined, { roster: "additive", readd_left: true })).toStrictEqual(
      BUILT_IN_DEFAULTS,
    );
  });

  it("takes every declared value over the built-in one", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      resolveDefaults(ctx, {
        from: "+14155550101",
        roster: "additive",
        on_delete: "leave",
        readd_left: true,
        share_contact_card: true,
        prevent_destroy: true,
      }),
    ).toStrictEqual({
      from: "+14155550101",
      fromInvalid: false,
      roster: "additive",
      on_delete: "leave",
      readd_left: true,
      share_contact_card: true,
      prevent_destroy: true,
    });
    expect(diagnostics).toEqual([]);
  });

  it("keeps the built-in value of a field that is not declared", () => {
    const { ctx } = recordingContext();
    const resolved = resolveDefaults(ctx, { readd_left: true });
    expect(resolved.roster).toBe("authoritative");
    expect(resolved.on_delete).toBe("forget");
    expect(resolved.share_contact_card).toBe(false);
    expect(resolved.prevent_destroy).toBe(false);
    expect(resolved).not.toHaveProperty("from");
  });

  it("lets each boolean default be turned on by itself", () => {
    const { ctx } = recordingContext();
    for (const field of ["readd_left", "share_contact_card", "prevent_destroy"] as const) {
      const resolved = resolveDefaults(ctx, { [field]: true });
      expect(resolved[field], field).toBe(true);
      expect({ ...resolved, [field]: false }, field).toStrictEqual(BUILT_IN_DEFAULTS);
    }
  });

  it("accepts the written-out built-in values", () => {
    const { ctx } = recordingContext();
    expect(resolveDefaults(ctx, { roster: "authoritative", on_delete: "forget" })).toStrictEqual(
      BUILT_IN_DEFAULTS,
    );
  });

  it("ignores roster and on_delete values it does not know, keeping the built-in ones", () => {
    const { ctx } = recordingContext();
    for (const unknown of ["", "Additive", "leave ", true, 1]) {
      const resolved = resolveDefaults(ctx, { roster: unknown, on_delete: unknown });
      expect(resolved.roster, String(unknown)).toBe("authoritative");
      expect(resolved.on_delete, String(unknown)).toBe("forget");
    }
  });

  it("ignores boolean fields that are not booleans", () => {
    const { ctx } = recordingContext();
    expect(
      resolveDefaults(ctx, { readd_left: "yes", share_contact_card: 1, prevent_destroy: "" }),
    ).toStrictEqual(BUILT_IN_DEFAULTS);
  });

  it("stores defaults.from normalised to E.164", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(resolveDefaults(ctx, { from: "+1 (415) 555-0101" }).from).toBe("+14155550101");
    expect(diagnostics).toEqual([]);
  });

  it("warns at defaults.from about a number that is not assigned, and still uses it", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "base.yaml" });
    const resolved = resolveDefaults(ctx, { from: "+1 415 000 0000" });
    expect(resolved.from).toBe("+14150000000");
    expect(resolved.fromInvalid).toBe(false);
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        file: "base.yaml",
        line: 2,
        column: VALUE_COLUMN,
        path: "/defaults/from",
        message:
          'defaults.from: "+1 415 000 0000" has a possible length but is not an assigned number for country code +1 according to the phone-number metadata; check it for typos',
      },
    ]);
  });

  it("reports an invalid defaults.from as an error and marks it invalid", () => {
    const { ctx, diagnostics } = recordingContext();
    const resolved = resolveDefaults(ctx, { from: "4155550101" });
    expect(resolved.fromInvalid).toBe(true);
    expect(resolved).not.toHaveProperty("from");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "error", path: "/defaults/from" });
    expect(diagnostics[0]?.message).toMatch(
      /^defaults\.from: "4155550101" is not in international format/,
    );
  });
});
