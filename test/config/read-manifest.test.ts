/**
 * Reading a manifest file (`chatsync plan --app`): an unreadable file and text that is not
 * JSON are refused with their own codes, naming the file; a good one resolves like any
 * configuration, relative secret files against the manifest's folder.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManifestError, readManifest } from "../../src/sync-engine/model/manifest.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chatsync-manifest-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(file: string): Promise<ManifestError> {
  const e: unknown = await readManifest(file).then(
    () => new Error("accepted"),
    (err: unknown) => err,
  );
  if (e instanceof ManifestError) return e;
  throw e;
}

describe("readManifest", () => {
  it("refuses a file it cannot read, naming it and keeping the cause", async () => {
    const file = join(dir, "missing.json");
    const e = await refusal(file);
    expect(e.code).toBe("CHATSYNC_MANIFEST_UNREADABLE");
    expect(e.file).toBe(file);
    expect(e.diagnostics).toEqual([]);
    expect(e.message).toMatch(new RegExp(`^cannot read the manifest ${file}: ENOENT`));
    expect((e.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("refuses text that is not JSON, saying what writes a manifest", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{not json");
    const e = await refusal(file);
    expect(e.code).toBe("CHATSYNC_MANIFEST_MALFORMED");
    expect(e.diagnostics).toEqual([]);
    expect(e.message).toMatch(
      new RegExp(`^${file}: not valid JSON \\(.+\\); a manifest is written by manifestJson\\(\\)$`),
    );
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it("resolves a relative secret_file against the manifest's folder", async () => {
    const file = join(dir, "app.json");
    await writeFile(
      file,
      JSON.stringify({
        manifest_version: 1,
        desired: {
          version: 1,
          webhooks: {
            loc: {
              key: "loc",
              target_url: "https://hooks.example.com/loc",
              events: ["location.sharing.started"],
              secret_file: "secrets/loc.whsec",
            },
          },
        },
      }),
    );
    const state = await readManifest(file);
    expect(state.webhooks.loc?.secret_file).toBe(join(dir, "secrets/loc.whsec"));
  });
});
