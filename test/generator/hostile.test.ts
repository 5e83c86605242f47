/**
 * A hostile schema (names with quotes, backticks, comment ends, template syntax, newlines,
 * reserved words, prototype keys, leading digits, non-ASCII) must produce code that compiles
 * and contains nothing but declarations.
 */
import { join } from "node:path";
import { Node, Project, SyntaxKind, type Expression, type Statement } from "ts-morph";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/qemu.js";
import { emitBindings } from "../../generator/emit/emit.js";
import { loadQapiSchema } from "../../generator/qapi/index.js";
import { cmd, ev, generate, OPTIONS, typecheck, writeFiles } from "./helpers.js";

const EVIL = [
  'a"; process.exit(1); //',
  "b`${process.exit(1)}`",
  "c */ process.exit(1); /*",
  "__proto__",
  "constructor",
  "class",
  "123start",
  "名前",
  "line\nbreak\u2028sep",
  "toString",
  "Promise",
  "QmpExecutor",
  "TestApi",
  "'single'",
  "back\\slash",
  "",
];

function hostileEntries(): object[] {
  const entries: object[] = [];
  EVIL.forEach((name, i) => {
    const type = `t${i}`;
    entries.push(
      cmd(name || "empty", type, `r${i}`, { features: [name || "f", "deprecated"], ...(i % 2 ? { "allow-oob": true } : {}) }),
    );
    entries.push({
      name: type,
      "meta-type": "object",
      members: [
        { name: name || "m", type: `e${i}`, features: ["*/ x", "unstable"] },
        { name: `${name}-opt`, type: "str", default: null },
      ],
      tag: name || "m",
      variants: [{ case: name || "v", type: `r${i}` }],
    });
    entries.push({
      name: `e${i}`,
      "meta-type": "enum",
      values: [name || "v", `${name}~`],
      members: [{ name: name || "v", features: ["*/"] }, { name: `${name}~` }],
    });
    entries.push({ name: `r${i}`, "meta-type": "object", members: [{ name: `${name}!`, type: `a${i}`, default: null }] });
    entries.push({ name: `a${i}`, "meta-type": "alternate", members: [{ type: "str" }, { type: `e${i}` }] });
    entries.push(ev(`EV_${name.toUpperCase()}`, `r${i}`, { features: [name || "g"] }));
  });
  return entries;
}

const isStringArray = (e: Node): boolean =>
  Node.isArrayLiteralExpression(e) && e.getElements().every((x) => Node.isStringLiteral(x));

// Metadata: (array of string literals | object literal of those, nested) `as const` / `satisfies`.
function isConstData(e: Node): boolean {
  if (Node.isAsExpression(e) || Node.isSatisfiesExpression(e)) return isConstData(e.getExpression());
  if (isStringArray(e)) return true;
  if (!Node.isObjectLiteralExpression(e)) return false;
  return e.getProperties().every((p) => {
    if (!Node.isPropertyAssignment(p)) return false;
    const name = p.getNameNode();
    const keyOk =
      Node.isStringLiteral(name) ||
      Node.isIdentifier(name) ||
      (Node.isComputedPropertyName(name) && Node.isStringLiteral(name.getExpression()));
    const init = p.getInitializer();
    return keyOk && init !== undefined && isConstData(init);
  });
}

// Options forwarded as they are, or (commands without a success reply) exactly
// `{ ...options, noReply: true }`.
function isForwardedOptions(options: Node | undefined): boolean {
  if (options === undefined) return false;
  if (options.getText() === "options") return true;
  if (!Node.isObjectLiteralExpression(options)) return false;
  const [spread, flag, ...more] = options.getProperties();
  return (
    more.length === 0 &&
    Node.isSpreadAssignment(spread) &&
    Node.isIdentifier(spread.getExpression()) &&
    spread.getExpression().getText() === "options" &&
    Node.isPropertyAssignment(flag) &&
    Node.isIdentifier(flag.getNameNode()) &&
    flag.getName() === "noReply" &&
    flag.getInitializer()?.getKind() === SyntaxKind.TrueKeyword
  );
}

// `.then(() => undefined)`, exactly: how wrappers of commands with empty returns resolve void.
function isThenUndefined(expression: Expression): Expression | undefined {
  if (!Node.isCallExpression(expression)) return undefined;
  const callee = expression.getExpression();
  const [callback, ...more] = expression.getArguments();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "then" || more.length > 0) return undefined;
  if (!Node.isArrowFunction(callback) || callback.getParameters().length > 0) return undefined;
  const body = callback.getBody();
  return Node.isIdentifier(body) && body.getText() === "undefined" ? callee.getExpression() : undefined;
}

// A wrapper body: `return qmp.execute("literal", args | undefined, OPTIONS) as Promise<...>;`
// or `return qmp.execute(...).then(() => undefined);`
function isForwardingBody(statements: Statement[]): boolean {
  if (statements.length !== 1) return false;
  const ret = statements[0];
  if (!Node.isReturnStatement(ret)) return false;
  const returned: Expression | undefined = ret.getExpression();
  if (returned === undefined) return false;
  const call = Node.isAsExpression(returned) ? returned.getExpression() : isThenUndefined(returned);
  if (call === undefined) return false;
  if (!Node.isCallExpression(call) || call.getExpression().getText() !== "qmp.execute") return false;
  const [name, args, options, ...rest] = call.getArguments();
  return (
    rest.length === 0 &&
    name !== undefined &&
    Node.isStringLiteral(name) &&
    args !== undefined &&
    ["args", "undefined"].includes(args.getText()) &&
    isForwardedOptions(options)
  );
}

function nonDeclarations(path: string, text: string): string[] {
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile(path, text);
  const bad: string[] = [];
  for (const s of file.getStatements()) {
    const ok =
      (Node.isImportDeclaration(s) && s.isTypeOnly()) ||
      (Node.isExportDeclaration(s) && s.getModuleSpecifierValue()?.startsWith("./") === true && !s.getNamedExports().length) ||
      Node.isInterfaceDeclaration(s) ||
      Node.isTypeAliasDeclaration(s) ||
      (Node.isFunctionDeclaration(s) && isForwardingBody(s.getStatements())) ||
      (Node.isVariableStatement(s) &&
        s.getDeclarationKind() === "const" &&
        s.getDeclarations().every((d) => d.getInitializer() !== undefined && isConstData(d.getInitializer() as Node)));
    if (!ok) bad.push(`${path}: ${s.getKindName()}: ${s.getText().slice(0, 80)}`);
  }
  // Nothing executable hides in expressions either.
  for (const kind of [SyntaxKind.TemplateExpression, SyntaxKind.NoSubstitutionTemplateLiteral, SyntaxKind.NewExpression]) {
    for (const n of file.getDescendantsOfKind(kind)) bad.push(`${path}: ${n.getKindName()}: ${n.getText().slice(0, 80)}`);
  }
  return bad;
}

describe("hostile schema", () => {
  it("compiles and contains only declarations", async () => {
    const files = await generate(hostileEntries());
    using dir = tempDir();
    const paths = writeFiles(join(dir.path, "out"), files);
    expect(typecheck(paths)).toEqual([]);
    const bad = [...files].flatMap(([name, text]) => nonDeclarations(name, text));
    expect(bad).toEqual([]);
    // No comment can be closed early: every "*/" ends a real comment.
    for (const text of files.values()) {
      for (const comment of text.match(/\/\*[\s\S]*?\*\//g) ?? []) expect(comment.slice(2, -2)).not.toContain("*/");
    }
  }, 60_000);

  it("the checker itself rejects a statement that is not a declaration", () => {
    expect(
      nonDeclarations(
        "x.ts",
        'export function f(qmp: any) { console.log(1); return qmp.execute("a", undefined, options) as Promise<void>; }',
      ),
    ).toHaveLength(1);
    expect(nonDeclarations("x.ts", "process.exit(1);")).toHaveLength(1);
    expect(nonDeclarations("x.ts", "export const x = [`${1}`] as const;")).not.toEqual([]);
    const wrapper = (options: string): string =>
      `export function f(qmp: QmpExecutor, options?: O): Promise<void> { return qmp.execute("a", undefined, ${options}) as Promise<void>; }`;
    expect(nonDeclarations("x.ts", wrapper("options"))).toEqual([]);
    expect(nonDeclarations("x.ts", wrapper("{ ...options, noReply: true }"))).toEqual([]);
    for (const bad of [
      "{ ...options, noReply: process.exit(1) }",
      "{ ...options, noReply: true, x: f() }",
      "{ ...evil(), noReply: true }",
      "{ noReply: true }",
      "opts",
    ])
      expect(nonDeclarations("x.ts", wrapper(bad))).toHaveLength(1);
  });

  it("a hostile source schema with no-reply commands: the noReply wrappers compile and pass the checker", async () => {
    const names = EVIL.filter((n) => /^[a-z][a-z0-9-]*$/.test(n));
    const schema = [
      "{ 'command': 'guest-halt', 'data': { '*mode': 'str' }, 'success-response': false }",
      "{ 'command': 'guest-halt-now', 'success-response': false, 'allow-oob': true }",
      "{ 'command': 'class', 'data': { 'constructor': 'int' }, 'success-response': false }",
      ...names.map((n, i) => `{ 'command': 'x-${n}-${i}', 'success-response': false }`),
    ].join("\n");
    const ir = loadQapiSchema("hostile.json", { readFile: () => schema });
    const files = await emitBindings(ir, { ...OPTIONS, apiName: "Hostile" });
    expect(files.get("functions.ts")).toContain(
      'qmp.execute("guest-halt", args, { ...options, noReply: true }) as Promise<void>',
    );
    expect(files.get("commands.ts")).toContain('"guest-halt-now": { args: undefined; returns: undefined }');
    using dir = tempDir();
    expect(typecheck(writeFiles(join(dir.path, "out"), files))).toEqual([]);
    expect([...files].flatMap(([name, text]) => nonDeclarations(name, text))).toEqual([]);
  }, 60_000);
});
