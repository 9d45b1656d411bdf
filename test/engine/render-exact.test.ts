/**
 * The plan renderers, to the character: what a reviewer reads in a terminal or a pull-request
 * comment is the product, so every line, heading and marker is pinned here on hand-made plans
 * (render.test.ts checks the same renderers on plans the diff builds). Pure.
 */
import { describe, expect, it } from "vitest";
import {
  MARKDOWN_LIMIT,
  renderPlanHuman,
  renderPlanJson,
  renderPlanMarkdown,
} from "../../src/sync-engine/plan/render-plan.js";
import {
  PLAN_FORMAT_VERSION,
  PLAN_KIND,
  summarize,
  type Drift,
  type Plan,
  type PlanMessage,
  type ResourceChange,
} from "../../src/sync-engine/plan/plan-types.js";

function plan(parts: {
  changes?: ResourceChange[];
  drift?: Drift[];
  warnings?: PlanMessage[];
  errors?: PlanMessage[];
  records?: Plan["records"];
  refreshOnly?: boolean;
  destroy?: boolean;
}): Plan {
  const changes = parts.changes ?? [];
  return {
    kind: PLAN_KIND,
    format_version: PLAN_FORMAT_VERSION,
    created_at: "2026-12-01T00:00:00.000Z",
    options: {
      refresh_only: parts.refreshOnly ?? false,
      destroy: parts.destroy ?? false,
      targets: [],
    },
    scope: changes.map((c) => c.address),
    state: { location: "state.json", lineage: "l", serial: 1 },
    live_fingerprint: "f",
    changes,
    records: parts.records ?? [],
    drift: parts.drift ?? [],
    warnings: parts.warnings ?? [],
    errors: parts.errors ?? [],
    summary: summarize(changes),
  };
}

const createNew: ResourceChange = {
  address: "chat.new",
  kind: "chat",
  action: "create",
  reason: "declared, not in state",
  before: null,
  after: null,
  steps: [
    {
      op: "create_chat",
      from: "+14155550100",
      to: ["+14155550101", "+14155550102"],
      is_group: true,
      welcome_message: "Hi",
      generation: 1,
      reason: "declared, not in state",
      rule: "create: first message required (§5.1.1)",
    },
  ],
};

const updateTeam: ResourceChange = {
  address: "chat.team",
  kind: "chat",
  action: "update",
  reason: "roster differs",
  live_id: "t1",
  before: null,
  after: null,
  steps: [
    { op: "add_participant", handle: "+14155550104", reason: "declared, not on the chat" },
    { op: "remove_participant", handle: "+14155550103", reason: "roster differs" },
    { op: "rename_chat", display_name: "Team", reason: "display_name differs" },
  ],
};

const leaveOps: ResourceChange = {
  address: "chat.ops",
  kind: "chat",
  action: "leave",
  reason: "no longer declared",
  live_id: "o1",
  before: null,
  after: null,
  steps: [{ op: "leave_chat", chat_id: "o1", reason: "no longer declared" }],
};

const replaceBob: ResourceChange = {
  address: "chat.bob",
  kind: "chat",
  action: "replace",
  reason: "a direct chat cannot change its recipient",
  live_id: "b1",
  before: null,
  after: null,
  steps: [{ op: "leave_chat", chat_id: "b1", reason: "replaced" }],
};

const teamDrift: Drift = {
  address: "chat.team",
  field: "display_name",
  live: "Hijacked",
  last_applied: "Team",
  declared: "Team",
};

const loneDrift: Drift = {
  address: "chat.quiet",
  field: "icon",
  live: "https://x/a.png",
  last_applied: "https://x/b.png",
};

describe("human renderer, line by line", () => {
  it("prints each change, its drift and its steps, then warnings and the summary", () => {
    const out = renderPlanHuman(
      plan({
        changes: [createNew, updateTeam, replaceBob, leaveOps],
        drift: [teamDrift, loneDrift],
        warnings: [
          { address: "chat.team", message: "name looks hostile" },
          { message: "no address here" },
        ],
      }),
      { color: false },
    );
    expect(out).toBe(
      [
        "chatsync will perform the following actions:",
        "",
        "  + chat.new (create) — declared, not in state",
        '      + create group chat from +14155550100 with +14155550101, +14155550102, first message "Hi" (generation 1)',
        "",
        "  ~ chat.team (update) — roster differs",
        '      ! drift display_name: live: "Hijacked", declared: "Team" (last applied: "Team")',
        "      + add +14155550104 — declared, not on the chat",
        "      - remove +14155550103",
        '      ~ set display_name to "Team" — display_name differs',
        "",
        "  -/+ chat.bob (replace) — a direct chat cannot change its recipient",
        "      - leave chat b1 — replaced",
        "",
        "  - chat.ops (leave) — no longer declared",
        "      - leave chat o1",
        "",
        "Drift (changes made outside chatsync):",
        '  ~ chat.quiet icon: live: "https://x/a.png" (last applied: "https://x/b.png")',
        "",
        "Warnings:",
        "  warning: chat.team: name looks hostile",
        "  warning: no address here",
        "",
        "Plan: 1 to create, 1 to update, 1 to replace, 1 to leave.",
        "",
      ].join("\n"),
    );
  });

  it("says remove, not perform, for --destroy", () => {
    const out = renderPlanHuman(plan({ changes: [leaveOps], destroy: true }), { color: false });
    expect(out.split("\n")[0]).toBe("chatsync will remove the following addresses:");
  });

  it("paints each marker in its own colour, and the summary bold", () => {
    const out = renderPlanHuman(
      plan({ changes: [createNew, updateTeam, replaceBob, leaveOps], drift: [loneDrift] }),
      { color: true },
    );
    const green = "\u001b[32m";
    const red = "\u001b[31m";
    const magenta = "\u001b[35m";
    const yellow = "\u001b[33m";
    expect(out).toContain(`  ${green}+\u001b[39m \u001b[1mchat.new\u001b[22m ${green}(create)`);
    expect(out).toContain(`  ${yellow}~\u001b[39m \u001b[1mchat.team\u001b[22m ${yellow}(update)`);
    expect(out).toContain(`  ${magenta}-/+\u001b[39m \u001b[1mchat.bob\u001b[22m`);
    expect(out).toContain(`  ${red}-\u001b[39m \u001b[1mchat.ops\u001b[22m ${red}(leave)`);
    expect(out).toContain(`      ${green}+\u001b[39m add +14155550104`);
    expect(out).toContain(`      ${red}-\u001b[39m remove +14155550103`);
    expect(out).toContain(`\u001b[2m— roster differs\u001b[22m`);
    expect(out).toContain(`  ${yellow}~\u001b[39m \u001b[1mchat.quiet\u001b[22m icon:`);
    expect(out).toContain(
      "\u001b[1mPlan: 1 to create, 1 to update, 1 to replace, 1 to leave.\u001b[22m",
    );
  });

  it("with --refresh-only shows every drift item, even one on a changed address, and counts them", () => {
    const out = renderPlanHuman(plan({ drift: [teamDrift, loneDrift], refreshOnly: true }), {
      color: false,
    });
    expect(out).toBe(
      [
        "Drift (changes made outside chatsync):",
        '  ~ chat.team display_name: live: "Hijacked", declared: "Team" (last applied: "Team")',
        '  ~ chat.quiet icon: live: "https://x/a.png" (last applied: "https://x/b.png")',
        "",
        "Drift: 2 difference(s) between the account and the last apply. No changes proposed (--refresh-only).",
        "",
      ].join("\n"),
    );
    // Refresh-only ignores changes when choosing which drift to list.
    const withChange = renderPlanHuman(
      plan({ changes: [updateTeam], drift: [teamDrift], refreshOnly: true }),
      { color: false },
    );
    expect(withChange).toContain(
      "Drift (changes made outside chatsync):\n  ~ chat.team display_name",
    );
  });

  it("with --refresh-only and no drift says the account matches the last apply", () => {
    expect(renderPlanHuman(plan({ refreshOnly: true }), { color: false })).toBe(
      "No drift. The account matches the last apply.\n",
    );
  });

  it("names every address whose settings apply records without an API call", () => {
    const out = renderPlanHuman(
      plan({
        records: [
          {
            address: "chat.a",
            after: { kind: "contact_card", phone_number: "+1", first_name: "A" },
          },
          {
            address: "chat.b",
            after: { kind: "contact_card", phone_number: "+1", first_name: "B" },
          },
        ] as unknown as Plan["records"],
      }),
      { color: false },
    );
    expect(out).toBe(
      "No changes. The account matches the configuration.\n" +
        "Settings of chat.a, chat.b changed without needing an API call; apply records them in state.\n",
    );
  });

  it("redacts a credential in any URL it prints", () => {
    const out = renderPlanHuman(
      plan({
        warnings: [{ message: "target https://h.example/x?token=s3cret is slow" }],
      }),
      { color: false },
    );
    expect(out).not.toContain("s3cret");
    expect(out).toContain("warning: target https://h.example/x?token=");
  });
});

describe("markdown renderer, line by line", () => {
  it("renders heading, summary, table, steps with rules, drift and warnings", () => {
    const md = renderPlanMarkdown(
      plan({
        changes: [createNew, updateTeam],
        drift: [teamDrift],
        warnings: [{ address: "chat.team", message: "see §5.2.1 roster" }, { message: "bare" }],
      }),
    );
    expect(md).toBe(
      [
        "### chatsync plan",
        "",
        "**Plan: 1 to create, 1 to update, 0 to replace, 0 to leave.**",
        "",
        "| | Address | Action | Why |",
        "|---|---|---|---|",
        "| `+` | `chat.new` | create | `declared, not in state` |",
        "| `~` | `chat.team` | update | `roster differs` |",
        "",
        "<details><summary>Steps</summary>",
        "",
        "```diff",
        "+ chat.new (create)",
        '    + create group chat from +14155550100 with +14155550101, +14155550102, first message "Hi" (generation 1) — create: first message required',
        "~ chat.team (update)",
        "    + add +14155550104",
        "    - remove +14155550103",
        '    ~ set display_name to "Team"',
        "```",
        "",
        "</details>",
        "",
        "#### Drift (changes made outside chatsync)",
        "",
        '- `chat.team` `display_name: live: "Hijacked", declared: "Team" (last applied: "Team")`',
        "",
        "#### Warnings",
        "",
        "- ⚠️ `chat.team`: `see roster`",
        "- ⚠️ `bare`",
        "",
      ].join("\n"),
    );
  });

  it("leads a refresh-only plan with its drift count and has no step list", () => {
    const md = renderPlanMarkdown(plan({ drift: [teamDrift, loneDrift], refreshOnly: true }));
    expect(md.split("\n").slice(0, 4)).toEqual([
      "### chatsync plan",
      "",
      "**Refresh only: 2 drift item(s).**",
      "",
    ]);
    expect(md).not.toContain("<details>");
  });

  it("lists the errors, each a code span, right after the summary", () => {
    const md = renderPlanMarkdown(
      plan({ errors: [{ message: "chat.eng has prevent_destroy" }, { message: "second" }] }),
    );
    expect(md).toBe(
      [
        "### chatsync plan",
        "",
        "**No changes. The account matches the configuration.**",
        "",
        "#### ❌ Errors: this plan cannot be applied",
        "",
        "- `chat.eng has prevent_destroy`",
        "- `second`",
        "",
        "",
      ].join("\n"),
    );
  });

  it("escapes a pipe in a table cell, so a hostile reason cannot add a column", () => {
    const md = renderPlanMarkdown(plan({ changes: [{ ...leaveOps, reason: "a | b" }] }));
    expect(md).toContain("| `-` | `chat.ops` | leave | `a \\| b` |");
  });

  it("turns triple backticks in steps into quotes so the diff block stays closed", () => {
    const md = renderPlanMarkdown(
      plan({
        changes: [
          {
            ...updateTeam,
            steps: [{ op: "rename_chat", display_name: "a```b", reason: "x" }],
          },
        ],
      }),
    );
    expect(md).toContain(`    ~ set display_name to "a'''b"`);
    expect(md.match(/```/g)).toHaveLength(2);
  });

  describe("over the comment limit", () => {
    const note =
      "\n\n> Output truncated to fit a pull-request comment. Run `chatsync plan` locally or save it with `--out plan.json` for the full plan.\n";
    const rooms = (n: number): ResourceChange[] =>
      Array.from({ length: n }, (_, i) => ({
        ...createNew,
        address: `chat.room-${String(i).padStart(3, "0")}` as const,
      }));

    it("keeps the table, warnings and drift, and cuts the step list at a whole line", () => {
      const p = plan({
        changes: rooms(20),
        warnings: [{ message: "keep me" }],
        drift: [loneDrift],
      });
      const full = renderPlanMarkdown(p);
      const limit = full.length - 200;
      const md = renderPlanMarkdown(p, limit);
      expect(md.length).toBeLessThan(limit);
      expect(md.endsWith(note)).toBe(true);
      expect(md).toContain("| `+` | `chat.room-019` | create |");
      expect(md).toContain("#### Warnings\n\n- ⚠️ `keep me`");
      expect(md).toContain("#### Drift (changes made outside chatsync)");
      // The step list is cut after a whole step line and still closed.
      const steps = md.slice(md.indexOf("```diff\n") + 8, md.indexOf("\n```\n"));
      const lines = steps.split("\n");
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.length).toBeLessThan(40);
      for (const l of lines) expect(full).toContain(`${l}\n`);
      expect(md).toContain("\n```\n\n</details>\n");
      // As much as fits: one more step line would have crossed the limit.
      const next = full.slice(full.indexOf(steps) + steps.length + 1).split("\n")[0]!;
      expect(md.length + next.length + 1).toBeGreaterThanOrEqual(limit - 2);
    });

    it("drops warnings and drift when the table alone nearly fills the comment", () => {
      const p = plan({
        changes: rooms(20),
        warnings: [{ message: "w".repeat(3000) }],
      });
      const tableOnly = renderPlanMarkdown(plan({ changes: rooms(20) })).split("\n\n<details>")[0]!;
      const md = renderPlanMarkdown(p, tableOnly.length + note.length + 500);
      expect(md).not.toContain("#### Warnings");
      expect(md).toContain("| `+` | `chat.room-019` | create |");
      expect(md.endsWith(note)).toBe(true);
    });

    it("keeps whole table rows only when even the table does not fit", () => {
      const md = renderPlanMarkdown(plan({ changes: rooms(50) }), 1_000);
      expect(md.length).toBeLessThan(1_000);
      expect(md.endsWith(note)).toBe(true);
      const body = md.slice(0, -note.length);
      expect(body.startsWith("### chatsync plan\n")).toBe(true);
      expect(body.endsWith("|\n")).toBe(true);
      expect(body).not.toContain("<details>");
      // Another row would not have fitted.
      const rows = body.split("\n").filter((l) => l.startsWith("| `+`"));
      expect(rows.length).toBeGreaterThan(5);
      expect(body.length + rows[0]!.length + 1 + note.length).toBeGreaterThanOrEqual(1_000);
    });

    // The pieces of a full comment, as the renderer joins them.
    const OPEN = "\n<details><summary>Steps</summary>\n\n```diff\n";
    const CLOSE = "\n```\n\n</details>\n";
    function pieces(p: Plan) {
      const full = renderPlanMarkdown(p);
      const head = full.slice(0, full.indexOf(OPEN));
      const steps = full.slice(full.indexOf(OPEN) + OPEN.length, full.indexOf(CLOSE)).split("\n");
      const tail = full.slice(full.indexOf(CLOSE) + CLOSE.length + 1);
      return { full, head, steps, tail };
    }

    it("is not cut when it is exactly at the limit, and is cut one character below", () => {
      const p = plan({ changes: rooms(5) });
      const { full } = pieces(p);
      expect(renderPlanMarkdown(p, full.length)).toBe(full);
      const cut = renderPlanMarkdown(p, full.length - 1);
      expect(cut.endsWith(note)).toBe(true);
      expect(cut.length).toBeLessThan(full.length - 1);
    });

    it("keeps exactly as many whole step lines as fit", () => {
      const p = plan({ changes: rooms(8) });
      const { head, steps } = pieces(p);
      // Room for the first k step lines (each with its newline), the block and the note.
      const limitFor = (k: number) =>
        head.length +
        OPEN.length +
        CLOSE.length +
        note.length +
        2 +
        steps.slice(0, k).reduce((n, l) => n + l.length + 1, 0);
      for (const k of [1, 3, 5]) {
        const expected = `${head}${OPEN}${steps.slice(0, k).join("\n")}${CLOSE}\n${note}`;
        expect(renderPlanMarkdown(p, limitFor(k))).toBe(expected);
        const fewer = `${head}${OPEN}${steps.slice(0, k - 1).join("\n")}${CLOSE}\n${note}`;
        if (k > 1) expect(renderPlanMarkdown(p, limitFor(k) - 1)).toBe(fewer);
      }
    });

    it("keeps warnings and drift only while the table, they and the note fit", () => {
      const p = plan({ changes: rooms(6), warnings: [{ message: "w".repeat(400) }] });
      const { head, tail } = pieces(p);
      const edge = head.length + 1 + tail.length + note.length;
      // One character more than the edge: the tail is kept (and no step line fits beside it).
      expect(renderPlanMarkdown(p, edge + 1)).toBe(`${head}\n${tail}${note}`);
      // At the edge: the tail goes, and the room goes to step lines instead.
      const atEdge = renderPlanMarkdown(p, edge);
      expect(atEdge).not.toContain("#### Warnings");
      expect(atEdge.startsWith(`${head}${OPEN}+ chat.room-000 (create)\n`)).toBe(true);
      expect(atEdge.endsWith(`${CLOSE}${note}`)).toBe(true);
    });

    it("when even the table is too long, keeps the whole head lines that fit beside the note", () => {
      const p = plan({ changes: rooms(10) });
      const { head } = pieces(p);
      const lines = head.split("\n");
      const upTo = (k: number) => lines.slice(0, k).reduce((n, l) => n + l.length + 1, 0);
      for (const k of [3, 6, 9]) {
        const limit = upTo(k) + note.length + 1;
        const expected = `${lines.slice(0, k).join("\n")}\n${note}`;
        expect(renderPlanMarkdown(p, limit)).toBe(expected);
        expect(renderPlanMarkdown(p, limit - 1)).toBe(
          `${lines.slice(0, k - 1).join("\n")}\n${note}`,
        );
      }
    });

    it("quotes triple backticks in the step lines it keeps", () => {
      const fenced = rooms(6).map((c) => ({
        ...c,
        steps: [{ op: "rename_chat" as const, display_name: "a```b", reason: "x" }],
      }));
      const p = plan({ changes: fenced });
      const { full } = pieces(p);
      const md = renderPlanMarkdown(p, full.length - 100);
      expect(md).toContain(`~ set display_name to "a'''b"`);
      expect(md.match(/```/g)).toHaveLength(2);
    });

    it("cuts to whole head lines when the head and the note exactly reach the limit", () => {
      const p = plan({ changes: rooms(10) });
      const { head } = pieces(p);
      const md = renderPlanMarkdown(p, head.length + note.length);
      expect(md.length).toBeLessThan(head.length + note.length);
      expect(md.endsWith(note)).toBe(true);
    });

    it("never reaches the limit, whatever the limit", () => {
      const p = plan({
        changes: rooms(12),
        warnings: [{ message: "x".repeat(150) }],
        drift: [loneDrift],
      });
      const { full } = pieces(p);
      for (let limit = 400; limit < full.length + 3; limit += 7) {
        const md = renderPlanMarkdown(p, limit);
        if (full.length <= limit) expect(md).toBe(full);
        else {
          expect(md.length, `limit ${limit}`).toBeLessThan(limit);
          expect(md.endsWith(note)).toBe(true);
          expect(md.startsWith("### chatsync plan\n")).toBe(true);
        }
      }
    });

    it("the default limit is GitHub's comment size with room for the note", () => {
      expect(MARKDOWN_LIMIT).toBe(65_000);
      const md = renderPlanMarkdown(plan({ changes: rooms(999) }));
      expect(md.length).toBeLessThan(65_000);
      expect(md.endsWith(note)).toBe(true);
    });
  });
});

describe("JSON renderer", () => {
  it("is the plan, two-space indented with a final newline, credentials redacted", () => {
    const p = plan({ warnings: [{ message: "https://h.example/x?token=s3cret" }] });
    const out = renderPlanJson(p);
    expect(out.endsWith("}\n")).toBe(true);
    expect(out.split("\n")[1]).toBe(`  "kind": "${PLAN_KIND}",`);
    expect(out).not.toContain("s3cret");
    expect(JSON.parse(out).changes).toEqual([]);
  });
});
