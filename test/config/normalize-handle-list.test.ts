/**
 * Lists of handles (a group's participants, a webhook's lines): normalised and sorted when every
 * item is usable, and no list at all when any item was refused, so nothing half-checked is used.
 */
import { describe, expect, it } from "vitest";
import {
  normalizeEmail,
  normalizeHandle,
  normalizePhoneNumber,
} from "../../src/sync-engine/config/handle-normalization.js";
import { normalizeHandleList } from "../../src/sync-engine/config/normalize-handle-list.js";
import { recordingContext, VALUE_COLUMN } from "../support/recording-context.js";

const LINES = ["webhooks", "ops", "phone_numbers"];
const lineRules = { normalize: normalizePhoneNumber, noun: "line" };

describe("normalizeHandleList", () => {
  it("returns the normalised items sorted", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      normalizeHandleList(
        ctx,
        LINES,
        ["+1 415 555 0103", "+14155550101", "+1 (415) 555-0102"],
        lineRules,
      ),
    ).toEqual(["+14155550101", "+14155550102", "+14155550103"]);
    expect(diagnostics).toEqual([]);
  });

  it("returns no list, without a word, when an item is a hole the schema already refused", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(normalizeHandleList(ctx, LINES, ["+14155550101", undefined], lineRules)).toBeUndefined();
    expect(normalizeHandleList(ctx, LINES, [undefined, "+14155550101"], lineRules)).toBeUndefined();
    expect(diagnostics).toEqual([]);
  });

  it("returns no list when an item is not a handle, reporting that item", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(
      normalizeHandleList(ctx, LINES, ["+14155550101", "4155550102"], lineRules),
    ).toBeUndefined();
    expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ["error", "/webhooks/ops/phone_numbers/1"],
    ]);
    expect(diagnostics[0]?.message).toMatch(
      /^webhooks\.ops\.phone_numbers\[1\]: "4155550102" is not in international format/,
    );
  });

  it("returns no list when the extra rule refuses an item, reporting its complaint", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "team.yaml" });
    const rules = {
      normalize: normalizeHandle,
      noun: "participant",
      refuse: (value: string) =>
        value.endsWith("@bots.example.com") ? "bots cannot join" : undefined,
    };
    expect(
      normalizeHandleList(
        ctx,
        ["chats", "eng", "participants"],
        ["ada@example.com", "ci@bots.example.com"],
        rules,
      ),
    ).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        severity: "error",
        file: "team.yaml",
        line: 4,
        column: VALUE_COLUMN,
        path: "/chats/eng/participants/1",
        message: "chats.eng.participants[1]: bots cannot join",
      },
    ]);
  });

  it("passes the item as written to the extra rule, and keeps items it accepts", () => {
    const { ctx } = recordingContext();
    const seen: unknown[] = [];
    const rules = {
      normalize: normalizeEmail,
      noun: "participant",
      refuse: (value: string, written: unknown) => {
        seen.push([value, written]);
        return undefined;
      },
    };
    expect(
      normalizeHandleList(ctx, ["chats", "eng", "participants"], ["Ada@Example.com"], rules),
    ).toEqual(["ada@example.com"]);
    expect(seen).toEqual([["ada@example.com", "Ada@Example.com"]]);
  });

  it("returns no list when two items are one handle, naming the first place", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "hooks.yaml", positions: false });
    expect(
      normalizeHandleList(
        ctx,
        LINES,
        ["+14155550101", "+14155550102", "+1 (415) 555-0101"],
        lineRules,
      ),
    ).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        severity: "error",
        file: "hooks.yaml",
        path: "/webhooks/ops/phone_numbers/2",
        message:
          'webhooks.ops.phone_numbers[2]: "+1 (415) 555-0101" is the same line (+14155550101) as phone_numbers[0] at hooks.yaml (/webhooks/ops/phone_numbers/0)',
      },
    ]);
  });

  it("appends the advice to a duplicate and points at the first item's value", () => {
    const { ctx, diagnostics } = recordingContext({ origin: "hooks.yaml" });
    normalizeHandleList(ctx, LINES, ["+14155550101", "+14155550101"], {
      ...lineRules,
      duplicateAdvice: "; list each line once",
    });
    expect(diagnostics.map((d) => d.message)).toEqual([
      `webhooks.ops.phone_numbers[1]: "+14155550101" is the same line (+14155550101) as phone_numbers[0] at hooks.yaml:4:${VALUE_COLUMN}; list each line once`,
    ]);
  });

  it("warns about an item that needed a second look, and still uses it", () => {
    const { ctx, diagnostics } = recordingContext();
    expect(normalizeHandleList(ctx, LINES, ["+1 415 000 0000"], lineRules)).toEqual([
      "+14150000000",
    ]);
    expect(diagnostics.map((d) => [d.severity, d.path, d.message])).toEqual([
      [
        "warning",
        "/webhooks/ops/phone_numbers/0",
        'webhooks.ops.phone_numbers[0]: "+1 415 000 0000" has a possible length but is not an assigned number for country code +1 according to the phone-number metadata; check it for typos',
      ],
    ]);
  });
});
