import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Construct } from "constructs";
import {
  ChatSync,
  DirectChat,
  GroupChat,
  LocationSharingWebhook,
  ContactCard,
  emitManifest,
  synthesizeDesiredState,
  synthesizeManifest,
  MANIFEST_OUT_ENV,
} from "../../src/constructs/index.js";
import { ManifestError, manifestJson, readManifest } from "../../src/sync-engine/model/manifest.js";
import type { DesiredState } from "../../src/sync-engine/model/desired-state.js";
import { canonicalJson } from "../../src/sync-engine/model/canonical.js";

const LINE = "+12025550100";

function declare(): Construct {
  const app = new Construct(undefined as never, "");
  const chats = new ChatSync(app, "chats", { from: LINE, baseDir: "/srv/app" });
  new ContactCard(chats, "card", { phoneNumber: LINE, firstName: "Acme" });
  new GroupChat(chats, "eng", {
    participants: ["+14155550102", "+14155550101"],
    welcomeMessage: "Hello",
  });
  new DirectChat(chats, "alice", {
    to: "alice@example.com",
    welcomeMessage: "Hi",
    locationRequest: true,
  });
  new LocationSharingWebhook(chats, "loc", { targetUrl: "https://hooks.example.com/loc" });
  return app;
}

function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "chatsync-manifest-")), name);
  writeFileSync(file, content);
  return file;
}

async function manifestError(file: string): Promise<ManifestError> {
  try {
    await readManifest(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return err as ManifestError;
  }
  throw new Error("expected a ManifestError");
}

describe("manifestJson", () => {
  it("is canonical: same state, same bytes, whatever the key order", () => {
    const { state } = synthesizeDesiredState(declare());
    const reordered = JSON.parse(JSON.stringify(state), (_k, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    ) as DesiredState;
    expect(manifestJson(reordered)).toBe(manifestJson(state));
    const parsed = JSON.parse(manifestJson(state)) as {
      manifest_version: number;
      desired: DesiredState;
    };
    expect(parsed.manifest_version).toBe(1);
    expect(parsed.desired).toEqual(state);
    expect(manifestJson(state)).toBe(`{"manifest_version":1,"desired":${canonicalJson(state)}}`);
  });
});

describe("readManifest", () => {
  it("round-trips a synthesized manifest to the same desired state", async () => {
    const json = synthesizeManifest(declare());
    const state = await readManifest(tempFile("m.json", json));
    expect(manifestJson(state)).toBe(json);
  });

  it("says when the file cannot be read", async () => {
    const err = await manifestError(join(tmpdir(), "chatsync-no-such-dir", "m.json"));
    expect(err.code).toBe("CHATSYNC_MANIFEST_UNREADABLE");
    expect(err.message).toMatch(/cannot read the manifest .*m\.json/);
  });

  it("refuses text that is not JSON", async () => {
    const err = await manifestError(tempFile("m.json", "{not json"));
    expect(err.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
    expect(err.message).toMatch(/not valid JSON/);
  });

  it("refuses an unsupported manifest_version and a missing desired state", async () => {
    const v2 = await manifestError(
      tempFile("m.json", JSON.stringify({ manifest_version: 2, desired: {} })),
    );
    expect(v2.message).toMatch(
      /manifest_version 2 is not supported; this chatsync reads manifest_version 1/,
    );
    const none = await manifestError(tempFile("m.json", JSON.stringify({ manifest_version: 1 })));
    expect(none.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
    expect(none.message).toMatch(/"desired" must be an object/);
  });

  it("refuses an entry whose key disagrees with its map key", async () => {
    const state = synthesizeDesiredState(declare()).state;
    const broken = { ...state, chats: { ...state.chats, eng: { ...state.chats.eng, key: "ops" } } };
    const err = await manifestError(tempFile("m.json", manifestJson(broken as DesiredState)));
    expect(err.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
    expect(err.message).toMatch(
      /desired\.chats\["eng"\]\.key is "ops"; it must equal the map key "eng"/,
    );
  });

  it("re-runs the rules: a hand-edited welcome message with a URL is refused", async () => {
    const state = synthesizeDesiredState(declare()).state;
    const eng = state.chats.eng as NonNullable<DesiredState["chats"][string]>;
    const edited = {
      ...state,
      chats: { ...state.chats, eng: { ...eng, welcome_message: "see https://example.com" } },
    };
    const file = tempFile("m.json", manifestJson(edited as DesiredState));
    const err = await manifestError(file);
    expect(err.code).toBe("CHATSYNC_MANIFEST_INVALID");
    expect(
      err.diagnostics.some((d) => d.file === file && d.path === "/chats/eng/welcome_message"),
    ).toBe(true);
    expect(err.message).toMatch(/may not contain a URL/);
  });
});

describe("emitManifest", () => {
  it(`writes the manifest to ${MANIFEST_OUT_ENV} when set, and nothing otherwise`, async () => {
    const app = declare();
    expect(emitManifest(app, {})).toBeUndefined();
    const out = join(mkdtempSync(join(tmpdir(), "chatsync-emit-")), "nested", "manifest.json");
    expect(emitManifest(app, { [MANIFEST_OUT_ENV]: out })).toBe(out);
    expect(manifestJson(await readManifest(out))).toBe(synthesizeManifest(app));
  });

  it("passes the rules' warnings on, as validate does for YAML (the manifest cannot hold them)", () => {
    const app = new Construct(undefined as never, "");
    new GroupChat(app, "eng", {
      from: LINE,
      participants: ["+14155550101", "+14155550102"],
      welcomeMessage: "Hello",
      shareContactCard: true,
    });
    const lines: string[] = [];
    const out = join(mkdtempSync(join(tmpdir(), "chatsync-emit-")), "manifest.json");
    emitManifest(app, { [MANIFEST_OUT_ENV]: out }, (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^eng \(\/chats\/eng\): warning: chat "eng" shares the contact card of \+12025550100, but no contact card is declared/,
    );
    expect(lines[0]?.endsWith("\n")).toBe(true);
    // Nothing to warn about, nothing written.
    const quiet: string[] = [];
    emitManifest(declare(), { [MANIFEST_OUT_ENV]: out }, (line) => quiet.push(line));
    expect(quiet).toEqual([]);
  });
});
