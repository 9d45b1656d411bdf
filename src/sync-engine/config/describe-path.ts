/** Human names for document locations: `chat "eng-oncall"`, `chats.eng-oncall.participants[2]`. */
import type { DocPath } from "./json-pointer.js";

export function describePath(path: DocPath): string {
  if (path.length === 0) return "the document";
  const [section, key] = path;
  if (path.length === 2 && section === "chats") return `chat "${String(key)}"`;
  if (path.length === 2 && section === "webhooks") return `webhook "${String(key)}"`;
  if (path.length === 2 && section === "contact_cards") return `contact card "${String(key)}"`;
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
