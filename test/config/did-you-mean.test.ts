/**
 * "Did you mean" suggestions: an edit distance in which a swap of two neighbouring letters is
 * one edit (optimal string alignment), a limit of a third of the word's length (1 to 3), and
 * ties going to the candidate listed first.
 */
import { describe, expect, it } from "vitest";
import {
  closestMatch,
  didYouMean,
  editDistance,
} from "../../src/sync-engine/config/did-you-mean.js";

describe("editDistance", () => {
  it("is zero for equal words, including two empty ones", () => {
    expect(editDistance("", "")).toBe(0);
    expect(editDistance("group", "group")).toBe(0);
  });

  it("counts insertions, deletions and substitutions one each", () => {
    expect(editDistance("chat", "chats")).toBe(1);
    expect(editDistance("chats", "chat")).toBe(1);
    expect(editDistance("chat", "cheat")).toBe(1);
    expect(editDistance("roster", "poster")).toBe(1);
    expect(editDistance("abc", "")).toBe(3);
  });

  it("counts a swap of two neighbouring letters as one edit, anywhere in the word", () => {
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("gruop", "group")).toBe(1);
    expect(editDistance("rsoter", "roster")).toBe(1);
    expect(editDistance("rostre", "roster")).toBe(1);
  });

  it("counts two different letters as two edits, not as a swap", () => {
    expect(editDistance("ab", "cd")).toBe(2);
    expect(editDistance("xyab", "xycd")).toBe(2);
  });

  it("needs both letters of a swap to match: one matching letter is not a swap", () => {
    // "ab" → "ca": a[1] is not b[0], though a[0] is b[1].
    expect(editDistance("ab", "ca")).toBe(2);
    // "ab" → "bc": a[1] is b[0], though a[0] is not b[1].
    expect(editDistance("ab", "bc")).toBe(2);
  });

  it("does not chain edits on a swapped pair (optimal string alignment, not full Damerau)", () => {
    expect(editDistance("ca", "abc")).toBe(3);
  });

  it("is symmetric", () => {
    for (const [a, b] of [
      ["gruop", "group"],
      ["ab", "ca"],
      ["kitten", "sitting"],
      ["", "webhooks"],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe("closestMatch", () => {
  it("allows one edit for words of up to five letters", () => {
    expect(closestMatch("to", ["top"])).toBe("top");
    expect(closestMatch("xo", ["top"])).toBeUndefined();
    expect(closestMatch("chat", ["chats"])).toBe("chats");
    expect(closestMatch("cht", ["chats"])).toBeUndefined();
    expect(closestMatch("evnts", ["events"])).toBe("events");
    expect(closestMatch("evnt", ["events"])).toBeUndefined();
  });

  it("allows two edits from six letters, three from nine, and never more than three", () => {
    expect(closestMatch("rostxx", ["roster"])).toBe("roster");
    expect(closestMatch("rosxxx", ["roster"])).toBeUndefined();
    expect(closestMatch("webhooxxx", ["webhooks"])).toBe("webhooks");
    expect(closestMatch("webhoxxxx", ["webhooks"])).toBeUndefined();
    expect(closestMatch("partixxxants", ["participants"])).toBe("participants");
    expect(closestMatch("partixxxxnts", ["participants"])).toBeUndefined();
    expect(closestMatch("participantsxxx", ["participants"])).toBe("participants");
    expect(closestMatch("participantsxxxx", ["participants"])).toBeUndefined();
  });

  it("ignores case when comparing but answers with the candidate as written", () => {
    expect(closestMatch("ROSTER", ["roster"])).toBe("roster");
    expect(closestMatch("Rostr", ["on_delete", "roster"])).toBe("roster");
  });

  it("picks the closest of several candidates, wherever it is listed", () => {
    expect(closestMatch("rostre", ["readd_left", "poster", "roster"])).toBe("roster");
    expect(closestMatch("rostre", ["roster", "poster"])).toBe("roster");
  });

  it("gives a tie to the candidate listed first", () => {
    expect(closestMatch("grop", ["group", "grip"])).toBe("group");
    expect(closestMatch("grop", ["grip", "group"])).toBe("grip");
  });

  it("suggests nothing from no candidates", () => {
    expect(closestMatch("chats", [])).toBeUndefined();
  });
});

describe("didYouMean", () => {
  it("is a ready-to-append hint naming the match", () => {
    expect(didYouMean("gruop", ["chats", "group"])).toBe(' (did you mean "group"?)');
  });

  it("is empty when nothing is close", () => {
    expect(didYouMean("zzz", ["chats", "webhooks"])).toBe("");
    expect(didYouMean("chats", [])).toBe("");
  });
});
