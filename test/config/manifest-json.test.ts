/**
 * The manifest a construct app hands to `chatsync plan --app`: its exact bytes, and every way
 * a malformed or invalid one is refused. Pure: parsed JSON in, no file read.
 */
import { describe, expect, it } from "vitest";
import {
  ManifestError,
  desiredStateFromManifest,
  manifestJson,
} from "../../src/sync-engine/model/manifest.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";

const LINE = "+12025550100";
const A = "+14155550101";
const B = "+14155550102";

const desired = {
  version: 1,
  chats: {
    eng: {
      key: "eng",
      type: "group",
      from: LINE,
      participants: [A, B],
      welcome_message: "Welcome!",
    },
  },
};

function refusal(parsed: unknown): ManifestError {
  try {
    desiredStateFromManifest(parsed, "app.json");
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("manifestJson", () => {
  it("puts the version first and the state in canonical JSON", () => {
    const state = { version: 1, contact_cards: {}, webhooks: {}, chats: {} } as DesiredState;
    expect(manifestJson(state)).toBe(
      '{"manifest_version":1,"desired":{"chats":{},"contact_cards":{},"version":1,"webhooks":{}}}',
    );
  });

  it("round-trips: a manifest read back is the state it was written from", () => {
    const state = desiredStateFromManifest({ manifest_version: 1, desired }, "app.json");
    expect(state.chats.eng).toMatchObject({ key: "eng", type: "group", participants: [A, B] });
    const again = desiredStateFromManifest(JSON.parse(manifestJson(state)), "app.json");
    expect(again).toEqual(state);
  });
});

describe("desiredStateFromManifest refuses", () => {
  const malformed = (msg: string) =>
    `app.json: not a chatsync manifest: ${msg}; regenerate it with the app that wrote it`;

  it("what is not an object, or has no manifest_version", () => {
    for (const bad of [null, [], "x", 1]) {
      const e = refusal(bad);
      expect(e.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
      expect(e.message).toBe(malformed("the top level must be a JSON object"));
      expect(e.file).toBe("app.json");
    }
    expect(refusal({ desired }).message).toBe(malformed('"manifest_version": 1 is missing'));
    expect(refusal({ manifest_version: "1", desired }).message).toBe(
      malformed('"manifest_version": 1 is missing'),
    );
  });

  it("another manifest_version, naming it", () => {
    expect(refusal({ manifest_version: 2, desired }).message).toBe(
      "app.json: manifest_version 2 is not supported; this chatsync reads manifest_version 1 (upgrade chatsync, or regenerate the manifest with this version)",
    );
  });

  it("a desired state that is not an object, or sections that are not keyed objects", () => {
    expect(refusal({ manifest_version: 1, desired: [] }).message).toBe(
      malformed('"desired" must be an object holding the desired state'),
    );
    expect(refusal({ manifest_version: 1, desired: { version: 1, chats: [] } }).message).toBe(
      malformed("desired.chats must be an object keyed by key"),
    );
    expect(
      refusal({ manifest_version: 1, desired: { version: 1, contact_cards: "x" } }).message,
    ).toBe(malformed("desired.contact_cards must be an object keyed by phone_number"));
    expect(
      refusal({ manifest_version: 1, desired: { version: 1, webhooks: { w: 3 } } }).message,
    ).toBe(malformed('desired.webhooks["w"] must be an object'));
  });

  it("an object whose key field is not its map key", () => {
    const chats = { eng: { ...desired.chats.eng, key: "ops" } };
    expect(refusal({ manifest_version: 1, desired: { version: 1, chats } }).message).toBe(
      malformed('desired.chats["eng"].key is "ops"; it must equal the map key "eng"'),
    );
  });

  it("a state that breaks the configuration's rules, counting them", () => {
    const one = { eng: { ...desired.chats.eng, participants: [A] } };
    const e = refusal({ manifest_version: 1, desired: { version: 1, chats: one } });
    expect(e.code).toBe("CHATSYNC_MANIFEST_INVALID");
    expect(e.message).toMatch(
      /^app\.json: the manifest breaks 1 rule \(paths are inside "desired"\):\n/,
    );
    expect(e.diagnostics.length).toBeGreaterThan(0);
    const two = { eng: { ...desired.chats.eng, participants: [A], from: "nope" } };
    expect(refusal({ manifest_version: 1, desired: { version: 1, chats: two } }).message).toMatch(
      /the manifest breaks \d+ rules /,
    );
  });

  it("nothing for a state with warnings only, and names each broken rule on a line of its own", () => {
    // No welcome_message is a warning (an import may stand for the create), not an error.
    const noWelcome: Record<string, unknown> = { ...desired.chats.eng };
    delete noWelcome.welcome_message;
    const ok = desiredStateFromManifest(
      { manifest_version: 1, desired: { version: 1, chats: { eng: noWelcome } } },
      "app.json",
    );
    expect(ok.chats.eng).toMatchObject({ key: "eng" });

    const two = { eng: { ...desired.chats.eng, participants: [A], from: "nope" } };
    const e = refusal({ manifest_version: 1, desired: { version: 1, chats: two } });
    const errors = e.diagnostics.filter((d) => d.severity === "error");
    const lines = e.message.split("\n");
    expect(lines).toHaveLength(errors.length + 1);
    for (const [i, d] of errors.entries()) expect(lines[i + 1]).toContain(d.message);
  });
});

describe("ManifestError", () => {
  it("is named, and a malformed manifest carries no diagnostics", () => {
    const e = refusal(null);
    expect(e.name).toBe("ManifestError");
    expect(e.diagnostics).toEqual([]);
  });
});

describe("imports and moved in a manifest", () => {
  it("are carried into the desired state", () => {
    const state = desiredStateFromManifest(
      {
        manifest_version: 1,
        desired: {
          ...desired,
          imports: [{ to: "chat.eng", id: "chat-123" }],
          moved: [{ from: "chat.old", to: "chat.eng" }],
        },
      },
      "app.json",
    );
    expect(state.imports).toEqual([{ to: "chat.eng", id: "chat-123" }]);
    expect(state.moved).toEqual([{ from: "chat.old", to: "chat.eng" }]);
    // Absent when the manifest has none, so its bytes stay the same.
    const plain = desiredStateFromManifest({ manifest_version: 1, desired }, "app.json");
    expect(plain).not.toHaveProperty("imports");
    expect(plain).not.toHaveProperty("moved");
  });
});
