/**
 * Sanitising schema text: identifiers, string literals, doc text, and name casing.
 */
import { describe, expect, it } from "vitest";
import { docCode, docText, safeIdentifier, stringLiteral } from "../../generator/emit/identifiers.js";
import { camelCase, pascalCase } from "../../generator/names.js";

describe("safeIdentifier", () => {
  it.each([
    ["BlockInfo", "BlockInfo"],
    ["class", "class_"],
    ["__proto__", "__proto___"],
    ["constructor", "constructor_"],
    ["then", "then_"],
    ["Promise", "Promise_"],
    ["123abc", "_123abc"],
    ["名前", "Type"],
    ["a`${b}`*/c\nd'\"", "abcd"],
    ["", "Type"],
  ])("%j → %s", (raw, want) => {
    expect(safeIdentifier(raw, "Type")).toBe(want);
  });
});

describe("casing", () => {
  it.each([
    ["block_resize", "blockResize", "BlockResize"],
    ["x-colo-lost-heartbeat", "xColoLostHeartbeat", "XColoLostHeartbeat"],
    ["__com.redhat_drive-mirror", "comRedhatDriveMirror", "ComRedhatDriveMirror"],
    ["JOB_STATUS_CHANGE", "jobStatusChange", "JobStatusChange"],
    ["query-cpus-fast", "queryCpusFast", "QueryCpusFast"],
    ["qom-get", "qomGet", "QomGet"],
  ])("%s → %s / %s", (name, camel, pascal) => {
    expect(camelCase(name)).toBe(camel);
    expect(pascalCase(name)).toBe(pascal);
  });
});

describe("literals and docs", () => {
  it("string literals evaluate back to the original text", () => {
    for (const text of ['a"b', "`${x}`", "line\nbreak", "\u2028\u2029", "back\\slash", "*/"]) {
      const literal = stringLiteral(text);
      expect(literal).not.toMatch(/[\n\u2028\u2029]/);
      expect(JSON.parse(literal)).toBe(text);
    }
  });

  it("doc text cannot end the comment or start a tag", () => {
    expect(docText("a */ b")).toBe("a *\\/ b");
    expect(docText("x\n  @param y")).toBe("x\n  \\@param y");
    expect(docCode("a`b\nc */")).toBe("`a'b c *\\/`");
  });
});
