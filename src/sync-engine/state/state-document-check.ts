/**
 * What every backend checks in a state document it reads: that it is a chatsync state of a
 * version this release understands, with the fields the engine relies on.
 */
import { StateError } from "./state-backend.js";
import { STATE_FORMAT, STATE_VERSION, type StateDocument } from "./state-types.js";

export function checkStateDocument(doc: unknown, where: string): StateDocument {
  const d = doc as Partial<StateDocument> | null;
  if (!d || typeof d !== "object" || d.format !== STATE_FORMAT) {
    throw new StateError(
      "STATE_UNREADABLE",
      `${where} is not a chatsync state (missing "format": "${STATE_FORMAT}").`,
    );
  }
  if (d.version !== STATE_VERSION) {
    throw new StateError(
      "STATE_UNSUPPORTED_VERSION",
      `The state at ${where} has version ${String(d.version)}; this chatsync reads version ${STATE_VERSION}. Use the chatsync release that wrote it.`,
    );
  }
  if (
    typeof d.lineage !== "string" ||
    typeof d.serial !== "number" ||
    typeof d.resources !== "object" ||
    d.resources === null ||
    Array.isArray(d.resources)
  ) {
    throw new StateError(
      "STATE_UNREADABLE",
      `The state at ${where} is missing lineage, serial or resources (an object of addresses).`,
    );
  }
  return d as StateDocument;
}
