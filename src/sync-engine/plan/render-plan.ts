/**
 * Plan renderers: human text for a terminal, a markdown body for a pull-request comment, and
 * the JSON document (`--json`, `--out`) described by schemas/plan.schema.json.
 */
import pc from "picocolors";
import { escapeTerminal as t, markdownCode } from "../output/inert-text.js";
import { redactUrlsInText } from "../output/url-credentials.js";
import {
  ACTION_MARKER,
  describeDrift,
  describeStep,
  stepMarker,
  summaryLine,
} from "./describe-step.js";
import type { Plan } from "./plan-types.js";
import { planForReviewers } from "./reviewer-text.js";

export interface HumanRenderOptions {
  color: boolean;
}

/**
 * The plan document (`--json`, `--out`), with credential-looking URL query values redacted:
 * a saved plan is an output too. Applying a saved plan that would send such a URL is refused
 * (run-apply.ts), since the credential is not in it.
 */
export function renderPlanJson(plan: Plan): string {
  return redactUrlsInText(`${JSON.stringify(plan, null, 2)}\n`);
}

export function renderPlanHuman(plan: Plan, opts: HumanRenderOptions): string {
  const c = pc.createColors(opts.color);
  const paint = (marker: string, text: string) =>
    marker === "+"
      ? c.green(text)
      : marker === "-"
        ? c.red(text)
        : marker === "-/+"
          ? c.magenta(text)
          : c.yellow(text);
  const lines: string[] = [];
  const driftBy = new Map<string, Plan["drift"]>();
  for (const d of plan.drift) driftBy.set(d.address, [...(driftBy.get(d.address) ?? []), d]);

  if (plan.changes.length > 0) {
    lines.push(
      plan.options.destroy
        ? "chatsync will remove the following addresses:"
        : "chatsync will perform the following actions:",
      "",
    );
    for (const ch of plan.changes) {
      const m = ACTION_MARKER[ch.action];
      lines.push(
        `  ${paint(m, m)} ${c.bold(t(ch.address))} ${paint(m, `(${ch.action})`)} ${c.dim(`— ${t(ch.reason)}`)}`,
      );
      for (const d of driftBy.get(ch.address) ?? [])
        lines.push(`      ${c.yellow("!")} drift ${describeDrift(d)}`);
      for (const s of ch.steps) {
        const sm = stepMarker(s);
        // The change line already says why; repeat a step's reason only when it adds something.
        const why = s.reason === ch.reason ? "" : ` ${c.dim(`— ${t(s.reason)}`)}`;
        lines.push(`      ${paint(sm, sm)} ${describeStep(s)}${why}`);
      }
      lines.push("");
    }
  }
  const shownDrift = plan.drift.filter(
    (d) => plan.options.refresh_only || !plan.changes.some((ch) => ch.address === d.address),
  );
  if (shownDrift.length > 0) {
    lines.push("Drift (changes made outside chatsync):");
    for (const d of shownDrift)
      lines.push(`  ${c.yellow("~")} ${c.bold(t(d.address))} ${describeDrift(d)}`);
    lines.push("");
  }
  if (plan.warnings.length > 0) {
    lines.push(c.yellow("Warnings:"));
    for (const w of plan.warnings)
      lines.push(
        `  ${c.yellow("warning:")} ${w.address ? `${t(w.address)}: ` : ""}${t(w.message)}`,
      );
    lines.push("");
  }
  if (plan.options.refresh_only) {
    lines.push(
      shownDrift.length
        ? `Drift: ${shownDrift.length} difference(s) between the account and the last apply. No changes proposed (--refresh-only).`
        : "No drift. The account matches the last apply.",
    );
  } else {
    lines.push(c.bold(summaryLine(plan.summary)));
    if (plan.records.length > 0) {
      const which = t(plan.records.map((r) => r.address).join(", "));
      lines.push(
        c.dim(
          `Settings of ${which} changed without needing an API call; apply records them in state.`,
        ),
      );
    }
  }
  return redactUrlsInText(`${lines.join("\n")}\n`);
}

/** GitHub's comment limit is 65,536 characters; stay below it with room for the note. */
export const MARKDOWN_LIMIT = 65_000;

export function renderPlanMarkdown(source: Plan, limit = MARKDOWN_LIMIT): string {
  const plan = planForReviewers(source);
  const head: string[] = [];
  head.push("### chatsync plan", "");
  head.push(
    `**${plan.options.refresh_only ? `Refresh only: ${plan.drift.length} drift item(s).` : summaryLine(plan.summary)}**`,
    "",
  );
  // A plan with errors cannot be applied; a PR comment must say why before anything else.
  if (plan.errors.length > 0) {
    head.push(`#### ❌ Errors: this plan cannot be applied`, "");
    for (const e of plan.errors) head.push(`- ${markdownCode(e.message)}`);
    head.push("");
  }
  if (plan.changes.length > 0) {
    head.push("| | Address | Action | Why |", "|---|---|---|---|");
    for (const ch of plan.changes) {
      head.push(
        `| \`${ACTION_MARKER[ch.action]}\` | ${cell(ch.address)} | ${ch.action} | ${cell(ch.reason)} |`,
      );
    }
    head.push("");
  }
  const tail: string[] = [];
  if (plan.drift.length > 0) {
    tail.push("#### Drift (changes made outside chatsync)", "");
    for (const d of plan.drift)
      tail.push(`- ${markdownCode(d.address)} ${markdownCode(describeDrift(d))}`);
    tail.push("");
  }
  if (plan.warnings.length > 0) {
    tail.push("#### Warnings", "");
    for (const w of plan.warnings)
      tail.push(
        `- ⚠️ ${w.address ? `${markdownCode(w.address)}: ` : ""}${markdownCode(w.message)}`,
      );
    tail.push("");
  }
  const details: string[] = [];
  for (const ch of plan.changes) {
    details.push(`${ACTION_MARKER[ch.action]} ${t(ch.address)} (${ch.action})`);
    for (const s of ch.steps)
      details.push(`    ${stepMarker(s)} ${describeStep(s)}${s.rule ? ` — ${s.rule}` : ""}`);
  }
  const note =
    "\n\n> Output truncated to fit a pull-request comment. Run `chatsync plan` locally or save it with `--out plan.json` for the full plan.\n";
  const open = "\n<details><summary>Steps</summary>\n\n```diff\n";
  const close = "\n```\n\n</details>\n";
  let body =
    head.join("\n") +
    (details.length ? open + details.join("\n").replaceAll("```", "'''") + close : "") +
    "\n" +
    tail.join("\n");
  if (body.length > limit) {
    // Keep the summary and the table, and the warnings and drift when they fit (a reviewer must
    // see "not re-added" and out-of-band changes); cut the step list to fit, and say so.
    const headText = head.join("\n");
    const tailText = tail.join("\n");
    const keepTail = headText.length + 1 + tailText.length + note.length < limit;
    const tailCost = keepTail ? tailText.length + 1 : 0;
    const budget =
      limit - note.length - open.length - close.length - headText.length - 1 - tailCost;
    let kept = "";
    for (const line of details) {
      if (kept.length + line.length + 1 > budget) break;
      kept += `${line.replaceAll("```", "'''")}\n`;
    }
    body =
      headText + (kept ? open + kept.trimEnd() + close : "") + (keepTail ? `\n${tailText}` : "");
    if (body.length + note.length >= limit) {
      // Even the table is too long: keep whole rows only.
      let cut = "";
      for (const line of head) {
        if (cut.length + line.length + 1 + note.length >= limit) break;
        cut += `${line}\n`;
      }
      body = cut;
    }
    body += note;
  }
  return redactUrlsInText(body);
}

/**
 * Every value in the comment is a code span (inert-text.ts): a display name such as
 * `<img …> [Approve](…) @octocat` must render as text, not as an image, a link or a mention.
 */
function cell(text: string): string {
  return markdownCode(text, { inTable: true });
}
