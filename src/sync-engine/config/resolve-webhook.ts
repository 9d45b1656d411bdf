/**
 * One `webhooks:` entry → a DesiredWebhook (linq-api-v3.md §5.7, §9). An entry the schema
 * refused comes without its refused fields, so what parses is still checked in one pass.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { DesiredWebhook } from "../model/desired-state.js";
import type { DocumentContext } from "./document-context.js";
import { normalizePhoneNumber } from "./handle-normalization.js";
import { parseDeclaredUrl } from "./url-rules.js";
import { normalizeHandleList } from "./normalize-handle-list.js";

type RawWebhook = Record<string, unknown>;

/**
 * Decision: secret_file is optional. Default `.chatsync/secrets/<key>.whsec`, relative to the
 * folder of the declaring file (made absolute when that folder is known, i.e. for YAML).
 */
export function defaultSecretFile(key: string): string {
  return join(".chatsync", "secrets", `${key}.whsec`);
}

function resolveSecretFile(key: string, raw: RawWebhook, baseDir: string | undefined): string {
  const given = typeof raw.secret_file === "string" ? raw.secret_file : defaultSecretFile(key);
  if (isAbsolute(given) || baseDir === undefined) return given;
  return resolve(baseDir, given);
}

/** Payload versions chosen with `?version=` on the target URL (linq-api-v3.md §9.5). */
export const KNOWN_PAYLOAD_VERSIONS = ["2025-01-01", "2026-02-03"] as const;

/**
 * What the API does with an unknown `?version=` is UNSETTLED (§12.6). Decision: warn, since
 * the API may refuse it or fall back to another format; it is not provably an error.
 */
function checkPayloadVersion(ctx: DocumentContext, key: string, url: URL, events: string[]): void {
  const version = url.searchParams.get("version");
  const path = ["webhooks", key, "target_url"];
  if (version !== null && !(KNOWN_PAYLOAD_VERSIONS as readonly string[]).includes(version)) {
    ctx.warning(
      path,
      `webhooks.${key}.target_url: unknown payload version "${version}"; the known versions are ${KNOWN_PAYLOAD_VERSIONS.join(" and ")}`,
    );
  }
  if (version === "2025-01-01" && events.includes("message.edited")) {
    ctx.warning(
      path,
      `webhooks.${key}: message.edited is only delivered to 2026-02-03 subscriptions, and this target_url pins version 2025-01-01`,
    );
  }
}

export function resolveWebhook(
  ctx: DocumentContext,
  key: string,
  raw: RawWebhook,
): DesiredWebhook | undefined {
  const targetUrl = raw.target_url as string;
  const url =
    typeof targetUrl === "string"
      ? parseDeclaredUrl(ctx, ["webhooks", key, "target_url"], targetUrl)
      : undefined;
  const events = Array.isArray(raw.events) ? (raw.events as string[]) : [];
  if (url) checkPayloadVersion(ctx, key, url, events);

  const phones = normalizeHandleList(
    ctx,
    ["webhooks", key, "phone_numbers"],
    (raw.phone_numbers as unknown[] | undefined) ?? [],
    { normalize: normalizePhoneNumber, noun: "line", duplicateAdvice: "; list each line once" },
  );
  if (!url || !phones) return undefined;
  return {
    key,
    target_url: targetUrl,
    events: [...new Set(events)].sort(),
    phone_numbers: phones,
    active: (raw.active as boolean | undefined) ?? true,
    secret_file: resolveSecretFile(key, raw, ctx.doc.baseDir),
  };
}
