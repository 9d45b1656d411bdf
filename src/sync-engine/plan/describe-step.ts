/**
 * One line of text per plan step and per action, shared by the human and markdown renderers
 * and the apply progress output. Secrets never appear: a webhook's signing secret is shown as
 * `(sensitive)`.
 */
import { escapeTerminal, quoteInert } from "../output/inert-text.js";
import { redactUrlsInText } from "../output/url-credentials.js";
import type { ChangeAction, Drift, PlanSummary, Step } from "./plan-types.js";

export const ACTION_MARKER: Record<ChangeAction, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  leave: "-",
  forget: "-",
  delete: "-",
  import: "<=",
  move: "→",
};

const q = quoteInert;

export function stepMarker(step: Step): string {
  switch (step.op) {
    case "create_chat":
    case "adopt_chat":
    case "add_participant":
    case "share_contact_card":
    case "request_location":
    case "create_webhook":
    case "create_contact_card":
      return "+";
    case "import_chat":
    case "import_webhook":
    case "import_contact_card":
      return "<=";
    case "move_address":
      return "→";
    case "remove_participant":
    case "leave_chat":
    case "forget_chat":
    case "delete_webhook":
    case "forget_contact_card":
      return "-";
    default:
      return "~";
  }
}

/**
 * One line for a step. Handles, URLs and ids come from YAML or the API, so the whole line is
 * escaped for the terminal, with URL credentials redacted (renderers add Markdown quoting).
 */
export function describeStep(step: Step): string {
  return escapeTerminal(redactUrlsInText(describeStepRaw(step)));
}

function describeStepRaw(step: Step): string {
  switch (step.op) {
    case "create_chat":
      return `create ${step.is_group ? "group" : "direct"} chat from ${step.from} with ${step.to.join(", ")}, first message ${q(step.welcome_message)} (generation ${step.generation})`;
    case "adopt_chat":
      return `record chat ${step.chat_id}, which the interrupted create made (nothing is created again)`;
    case "add_participant":
      return `add ${step.handle}`;
    case "remove_participant":
      return `remove ${step.handle}`;
    case "rename_chat":
      return `set display_name to ${q(step.display_name)}`;
    case "set_chat_icon":
      return `set icon to ${step.icon}`;
    case "share_contact_card":
      return "share the line's contact card (once)";
    case "request_location":
      return "ask the recipient to share their location (once)";
    case "settle_interrupted_send":
      return `record the interrupted ${step.purpose === "share_contact_card" ? "contact-card share" : "location request"} as done (not sent again)`;
    case "leave_chat":
      return `leave chat ${step.chat_id}`;
    case "forget_chat":
      return step.chat_id
        ? `forget chat ${step.chat_id} (it stays on the account)`
        : "forget the address";
    case "create_webhook":
      return `subscribe ${step.target_url} to ${step.events.join(", ")}${step.phone_numbers.length ? ` for ${step.phone_numbers.join(", ")}` : ""}${step.active ? "" : " (inactive)"}; signing_secret: (sensitive)${step.secret_file ? ` → written to ${step.secret_file}` : ""}`;
    case "update_webhook": {
      const parts = Object.entries(step.changes).map(([k, v]) => `${k} = ${q(v)}`);
      return `update subscription ${step.webhook_id}: ${parts.join(", ")}`;
    }
    case "delete_webhook":
      return `delete subscription ${step.webhook_id}`;
    case "adopt_webhook":
      return `adopt existing subscription ${step.webhook_id}`;
    case "create_contact_card":
      return `create contact card for ${step.phone_number}: first_name = ${q(step.first_name)}${step.last_name ? `, last_name = ${q(step.last_name)}` : ""}${step.image_url ? `, image_url = ${q(step.image_url)}` : ""}`;
    case "update_contact_card":
      return `update contact card of ${step.phone_number}: ${Object.entries(step.changes)
        .map(([k, v]) => `${k} = ${q(v)}`)
        .join(", ")}`;
    case "forget_contact_card":
      return "forget the contact card (the API cannot delete it)";
    case "import_chat":
      return `import existing chat ${step.chat_id} on ${step.from} (no API call)`;
    case "import_webhook":
      return `import existing subscription ${step.webhook_id} (no API call; its signing secret stays with whoever made it)`;
    case "import_contact_card":
      return `import the existing contact card of ${step.phone_number} (no API call)`;
    case "move_address":
      return `move ${step.from} → ${step.to} in the state (no API call)`;
  }
}

export function describeDrift(d: Drift): string {
  const declared = "declared" in d ? `, declared: ${q(d.declared)}` : "";
  return escapeTerminal(
    redactUrlsInText(
      `${d.field}: live: ${q(d.live)}${declared} (last applied: ${q(d.last_applied)})`,
    ),
  );
}

export function summaryLine(s: PlanSummary): string {
  const total = s.create + s.update + s.replace + s.leave + s.forget + s.delete + s.import + s.move;
  if (total === 0) return "No changes. The account matches the configuration.";
  // State-only work first, and only when there is some, so familiar summaries keep their words.
  const stateOnly = [
    s.import ? `${s.import} to import` : "",
    s.move ? `${s.move} to move` : "",
  ].filter(Boolean);
  const extra = [
    s.forget ? `${s.forget} to forget` : "",
    s.delete ? `${s.delete} to delete` : "",
  ].filter(Boolean);
  return `Plan: ${stateOnly.map((x) => `${x}, `).join("")}${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.leave} to leave${extra.length ? `, ${extra.join(", ")}` : ""}.`;
}
