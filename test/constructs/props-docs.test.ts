/**
 * Every construct prop is documented where an editor shows it: a doc comment on each field of
 * each exported `*Props` interface, and a stated `@default` on every optional one.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import ts from "typescript";

const dir = new URL("../../src/constructs/", import.meta.url);

interface PropDoc {
  where: string;
  optional: boolean;
  doc: string;
  hasDefault: boolean;
}

function propsOf(file: string): PropDoc[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(new URL(file, dir), "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const out: PropDoc[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Props")) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
      out.push({
        where: `${file}: ${node.name.text}.${member.name.getText(source)}`,
        optional: member.questionToken !== undefined,
        doc: docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" "),
        hasDefault: ts.getJSDocTags(member).some((t) => t.tagName.text === "default"),
      });
    }
  });
  return out;
}

describe("construct Props documentation", () => {
  const props = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap(propsOf);

  it("finds the Props interfaces of every construct", () => {
    const interfaces = new Set(props.map((p) => p.where.split(": ")[1]?.split(".")[0]));
    for (const name of [
      "ChatSyncProps",
      "GroupChatProps",
      "DirectChatProps",
      "WebhookSubscriptionProps",
      "ContactCardProps",
      "TeamProps",
      "ChatSyncTerraformBridgeProps",
    ]) {
      expect(interfaces).toContain(name);
    }
  });

  it("documents every field", () => {
    expect(props.filter((p) => p.doc.trim() === "").map((p) => p.where)).toEqual([]);
  });

  it("states the default of every optional field", () => {
    expect(props.filter((p) => p.optional && !p.hasDefault).map((p) => p.where)).toEqual([]);
  });
});
