/**
 * How diagnostics name places and values: JSON pointers in `path`, human paths in messages,
 * and quoted values that are cut when long.
 */
import { describe, expect, it } from "vitest";
import { describePath } from "../../src/sync-engine/config/describe-path.js";
import { fromJsonPointer, toJsonPointer } from "../../src/sync-engine/config/json-pointer.js";
import { MAX_SHOWN_CHARACTERS, showValue } from "../../src/sync-engine/config/shown-value.js";

describe("JSON pointers", () => {
  it("is empty for the document and one /segment per step otherwise", () => {
    expect(toJsonPointer([])).toBe("");
    expect(toJsonPointer(["chats", "eng", "participants", 2])).toBe("/chats/eng/participants/2");
  });

  it("escapes ~ as ~0 and / as ~1 inside a segment", () => {
    expect(toJsonPointer(["a~b", "c/d", "~1"])).toBe("/a~0b/c~1d/~01");
  });

  it("reads ~1 back as / and ~0 back as ~, without reading ~01 as ~/", () => {
    expect(fromJsonPointer("/a~0b/c~1d/~01")).toEqual(["a~b", "c/d", "~1"]);
    expect(fromJsonPointer("")).toEqual([]);
    expect(fromJsonPointer("/")).toEqual([""]);
  });

  it("reads back what it wrote, with numbers as strings", () => {
    const path = ["webhooks", "a/b~c", "phone_numbers", 0];
    expect(fromJsonPointer(toJsonPointer(path))).toEqual([
      "webhooks",
      "a/b~c",
      "phone_numbers",
      "0",
    ]);
  });
});

describe("describePath", () => {
  it("calls the empty path the document", () => {
    expect(describePath([])).toBe("the document");
  });

  it("names a chat, webhook or contact card by its key", () => {
    expect(describePath(["chats", "eng-oncall"])).toBe('chat "eng-oncall"');
    expect(describePath(["webhooks", "ops"])).toBe('webhook "ops"');
    expect(describePath(["contact_cards", "+14155550101"])).toBe('contact card "+14155550101"');
  });

  it("spells out a place inside an entry as a dotted path", () => {
    expect(describePath(["chats", "eng-oncall", "participants", 2])).toBe(
      "chats.eng-oncall.participants[2]",
    );
    expect(describePath(["contact_cards", "+14155550101", "image_url"])).toBe(
      'contact_cards["+14155550101"].image_url',
    );
    expect(describePath(["webhooks", "ops", "target_url"])).toBe("webhooks.ops.target_url");
  });

  it("quotes a key that is not a plain word, even when it starts like one", () => {
    expect(describePath(["chats", "eng oncall", "name"])).toBe('chats["eng oncall"].name');
    expect(describePath(["chats", "eng.oncall"])).toBe('chat "eng.oncall"');
    expect(describePath(["defaults", "from", "x.y"])).toBe('defaults.from["x.y"]');
  });

  it("starts a path with a quoted key or an index without a dot", () => {
    expect(describePath(["a b", "c"])).toBe('["a b"].c');
    expect(describePath([0, "name"])).toBe("[0].name");
  });
});

describe("showValue", () => {
  it("quotes a value of exactly the maximum length whole", () => {
    const text = "y".repeat(MAX_SHOWN_CHARACTERS);
    expect(showValue(text)).toBe(`"${text}"`);
  });

  it("cuts a value one character over the maximum and says how long it was", () => {
    const text = "y".repeat(MAX_SHOWN_CHARACTERS + 1);
    expect(showValue(text)).toBe(`"${"y".repeat(MAX_SHOWN_CHARACTERS - 20)}…" (81 characters)`);
  });
});
