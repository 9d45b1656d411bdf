/**
 * CDK tokens in props. In a CDK app, values such as a `TerraformVariable`'s `stringValue` or
 * another resource's attribute are placeholders (`${TfToken[TOKEN.3]}`) that only Terraform
 * resolves, at apply time. chatsync resolves its objects with its own engine from the manifest,
 * so such a value can never become a phone number or a URL; without this check the resolver
 * would report the placeholder text as, say, "neither a phone number nor an email", which
 * hides the cause.
 */
import type { Diagnostic } from "../sync-engine/config/diagnostics.js";
import { describePath } from "../sync-engine/config/describe-path.js";
import { toJsonPointer } from "../sync-engine/config/json-pointer.js";

// cdktf string and list tokens, and AWS CDK string tokens. Number tokens are huge negative
// doubles; no chatsync prop is a number, so the schema already refuses them.
const TOKEN = /\$\{(?:Tf)?Token\[|#\{TfToken\[/;

/** True when `text` holds a CDK token placeholder. */
export function isUnresolvedToken(text: string): boolean {
  return TOKEN.test(text);
}

/** One error per string in `value` (a YAML-format document) that holds an unresolved token. */
export function unresolvedTokenErrors(value: unknown, origin: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === "string") {
      if (!isUnresolvedToken(v)) return;
      out.push({
        severity: "error",
        file: origin,
        path: toJsonPointer(path),
        message: `${describePath(path)}: ${JSON.stringify(v)} is an unresolved CDK token (a Terraform variable, attribute or expression); chatsync resolves chats itself, before Terraform runs, so give the literal value (e.g. from a constant, a file or process.env)`,
      });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, i]));
    } else if (typeof v === "object" && v !== null) {
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}
