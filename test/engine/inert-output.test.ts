/**
 * Issue 10 items 10–12: every value from YAML or the API is shown inert — escaped in terminal
 * output, quoted in Markdown (no HTML, image, link or @mention), URL credentials redacted —
 * plus property tests over arbitrary strings (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeTerminal,
  markdownCode,
  quoteInert,
} from "../../src/sync-engine/output/inert-text.js";
import { redactUrl, redactUrlsInText } from "../../src/sync-engine/output/url-credentials.js";
import { normalizeEmail } from "../../src/sync-engine/config/handle-normalization.js";
import { describeStep } from "../../src/sync-engine/plan/describe-step.js";
import {
  renderPlanHuman,
  renderPlanJson,
  renderPlanMarkdown,
} from "../../src/sync-engine/plan/render-plan.js";
import type { Plan, Step } from "../../src/sync-engine/plan/plan-types.js";
import { propertyRuns } from "../support/property-runs.js";

const HOSTILE_NAME =
  "x <img src='https://attacker.example/p.png'> [Approve this PR](https://attacker.example/) @octocat \u202eevil";

/** Characters no renderer may emit raw (newline aside, which separates lines). */
const RAW_CONTROL = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A plan whose every free-text field carries `s` (addresses are schema-checked keys, so not). */
function planWith(s: string): Plan {
  const steps: Step[] = [
    { op: "rename_chat", display_name: s, reason: s },
    { op: "add_participant", handle: s, reason: "declared" },
    {
      op: "create_contact_card",
      phone_number: "+12025550100",
      first_name: s,
      last_name: s,
      reason: s,
    },
    { op: "set_chat_icon", icon: s, reason: "declared" },
    { op: "leave_chat", chat_id: s, reason: "removed" },
    {
      op: "create_webhook",
      target_url: s,
      events: [s],
      phone_numbers: [],
      active: true,
      reason: "declared",
    },
  ];
  return {
    kind: "chatsync-plan",
    format_version: "2",
    created_at: "2026-12-01T00:00:00.000Z",
    options: { refresh_only: false, destroy: false, targets: [] },
    scope: ["chat.team"],
    state: { location: "s", lineage: "l", serial: 1 },
    live_fingerprint: "f",
    changes: [
      {
        address: "chat.team",
        kind: "chat",
        action: "update",
        reason: s,
        before: null,
        after: null,
        steps,
      },
    ],
    records: [],
    drift: [
      { address: "chat.team", field: "display_name", live: s, last_applied: "Team", declared: s },
      { address: "chat.other", field: "display_name", live: s, last_applied: s },
    ],
    warnings: [{ address: "chat.team", message: s }],
    errors: [{ address: "chat.team", message: s }],
    summary: {
      create: 0,
      update: 1,
      replace: 0,
      leave: 0,
      forget: 0,
      delete: 0,
      import: 0,
      move: 0,
    },
  };
}

/**
 * The Markdown outside code spans and outside the fenced step list, i.e. what GitHub would
 * interpret. Code spans are removed by CommonMark's rule (a backtick run closes only at a run
 * of the same length); the `diff` block is checked separately.
 */
function interpretedMarkdown(md: string): { prose: string; fenced: string } {
  const fence = /\n```diff\n([\s\S]*?)\n```\n/;
  const m = fence.exec(md);
  const fenced = m?.[1] ?? "";
  let rest = m ? md.replace(fence, "\n") : md;
  rest = rest.replace("<details><summary>Steps</summary>", "").replace("</details>", "");
  let prose = "";
  for (let i = 0; i < rest.length;) {
    if (rest[i] === "\\" && rest[i + 1] === "`") {
      prose += "\\`";
      i += 2;
      continue;
    }
    if (rest[i] === "`") {
      const run = /^`+/.exec(rest.slice(i))![0];
      const close = rest.indexOf(run, i + run.length);
      // A matching closing run must be exactly as long (not part of a longer run).
      let end = close;
      while (end !== -1 && (rest[end + run.length] === "`" || rest[end - 1] === "`"))
        end = rest.indexOf(run, end + 1);
      if (end === -1) {
        prose += run;
        i += run.length;
        continue;
      }
      i = end + run.length;
      prose += "CODE";
      continue;
    }
    prose += rest[i];
    i += 1;
  }
  return { prose, fenced };
}

function expectInertMarkdown(md: string): void {
  const { prose, fenced } = interpretedMarkdown(md);
  expect(md).not.toMatch(RAW_CONTROL);
  expect(prose).not.toContain("<");
  expect(prose).not.toMatch(/\]\(|!\[|https?:|www\./i);
  expect(prose).not.toMatch(/@[A-Za-z0-9]/);
  expect(fenced).not.toContain("```");
}

describe("inert text primitives", () => {
  it("escapes ESC, OSC 8, bidi, soft hyphens and separators visibly", () => {
    const s = "a\u001b]8;;https://x\u0007b\u001b[2Jc\u2067d\u00ade\u2028f\u202eg";
    const out = escapeTerminal(s);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toBe("a\\u001B]8;;https://x\\u0007b\\u001B[2Jc\\u2067d\\u00ADe\\u2028f\\u202Eg");
    expect(escapeTerminal("one\ntwo", { keepNewlines: true })).toBe("one\ntwo");
    expect(quoteInert("\u202e")).toBe('"\\u202E"');
  });

  it("fences a code span longer than any backtick run inside", () => {
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("``x")).toBe("``` ``x ```");
    expect(markdownCode("a|b", { inTable: true })).toBe("`a\\|b`");
  });

  it("redacts userinfo and secret-looking query values in URLs", () => {
    expect(redactUrl("https://user:S3cretPass@hooks.example.com/x?token=abc&line=1")).toBe(
      "https://[REDACTED]@hooks.example.com/x?token=[REDACTED]&line=1",
    );
    expect(redactUrlsInText('see "https://h.example.com/x?api_key=k1&sig=zz#frag" now')).toBe(
      'see "https://h.example.com/x?api_key=[REDACTED]&sig=[REDACTED]#frag" now',
    );
  });
});

describe("item 10: a hostile display name is inert in plan --markdown", () => {
  it("renders the image, link, mention and bidi override of a renamed group as text", () => {
    const md = renderPlanMarkdown(planWith(HOSTILE_NAME));
    expectInertMarkdown(md);
    expect(md).toContain("\\u202Eevil");
    // Still readable: the text is there, in a code span.
    expect(md).toMatch(/`[^`]*<img src='https:\/\/attacker\.example\/p\.png'>[^`]*`/);
  });
});

describe("item 11: terminal output escapes what YAML and the API say", () => {
  it("quotes and escapes contact-card names on create, like the update path", () => {
    const line = describeStep({
      op: "create_contact_card",
      phone_number: "+12025550100",
      first_name: "Ac\u001b[31mme",
      last_name: "Sup\u2067port",
      reason: "declared",
    });
    expect(line).toBe(
      'create contact card for +12025550100: first_name = "Ac\\u001b[31mme", last_name = "Sup\\u2067port"',
    );
  });

  it("rejects control and format characters in emails and warns about mixed scripts", () => {
    for (const bad of [
      "a\u001b]8;;http://x\u0007@example.com",
      "al\u2067ice@example.com",
      "al\u00adice@example.com",
    ]) {
      const n = normalizeEmail(bad);
      expect(n.ok, bad).toBe(false);
      if (!n.ok) expect(n.reason).not.toMatch(RAW_CONTROL);
    }
    const homoglyph = normalizeEmail("p\u0430ypal@example.com"); // Cyrillic а
    expect(homoglyph).toMatchObject({
      ok: true,
      warning: expect.stringMatching(/Latin and Cyrillic/),
    });
    expect(normalizeEmail("alice@example.com")).toEqual({ ok: true, value: "alice@example.com" });
  });
});

describe("item 12: URL credentials are redacted in every rendering", () => {
  it("shows [REDACTED] in the human, Markdown and JSON (--json, --out) renderings", () => {
    const url = "https://hooks.example.com/x?token=abc123secret";
    const p = planWith(url);
    for (const out of [
      renderPlanHuman(p, { color: false }),
      renderPlanMarkdown(p),
      renderPlanJson(p),
    ]) {
      expect(out).not.toContain("abc123secret");
      expect(out).toContain("token=[REDACTED]");
    }
  });
});

describe("properties: arbitrary strings from YAML or the API stay inert", () => {
  // Full Unicode, plus a bias towards the characters that matter.
  const nasty = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc
      .array(
        fc.constantFrom(
          "\u001b",
          "\u0007",
          "\u009b",
          "\u202e",
          "\u2067",
          "\u200b",
          "\u00ad",
          "\u2028",
          "<",
          ">",
          "`",
          "``",
          "|",
          "[",
          "](",
          "!",
          "@",
          "@octocat",
          "http://",
          "https://x.example/",
          "www.",
          "\n",
          "\r",
          " ",
          "\\",
          "*",
          "_",
          "&lt;",
          "<img src=x>",
          "<!--",
          "a",
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join("")),
  );

  it("the terminal renderer never emits a control, format or bidi character", () => {
    fc.assert(
      fc.property(nasty, (s) => {
        expect(renderPlanHuman(planWith(s), { color: false })).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it("the Markdown renderer never emits a control character, raw <, live link or mention", () => {
    fc.assert(
      fc.property(nasty, (s) => expectInertMarkdown(renderPlanMarkdown(planWith(s)))),
      { numRuns: propertyRuns(300) },
    );
  });
});
