/**
 * Derives the facts introspection lacks (integer widths, alternates' QAPI names) from QEMU's
 * QAPI source, keyed by query strings as `QmpSchemaOptions` wants them.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadQapiSchema } from "../../generator/qapi/index.js";
import type { NamedType, Schema, TypeRef } from "../../generator/ir.js";

/** The QAPI source trees of ../shared/qapi, when present (test data, never copied into the repo). */
export function qapiTree(version: string): string | undefined {
  for (const base of [process.env["QMP_QAPI_TREES"], "../shared/qapi", "../../shared/qapi"]) {
    if (base === undefined) continue;
    const file = resolve(base, version, "qapi/qapi-schema.json");
    if (existsSync(file)) return file;
  }
  return undefined;
}

export interface Annotations {
  integerWidths: Record<string, string>;
  typeNames: Record<string, string>;
}

/**
 * Records widths and alternate names for every type reachable from a command's arguments,
 * each type once, under the shortest query string that reaches it (the schema resolves a
 * query to the type, so one path per type is enough).
 */
export function deriveAnnotations(file: string): Annotations {
  const schema: Schema = loadQapiSchema(file);
  const types = new Map<string, NamedType>(schema.types.map((t) => [t.name, t]));
  const integerWidths: Record<string, string> = {};
  const typeNames: Record<string, string> = {};
  const seen = new Set<string>();
  const queue: { name: string; path: string }[] = [];
  const element = (ref: TypeRef): TypeRef => (ref.kind === "array" ? element(ref.element) : ref);
  const enqueue = (name: string, path: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      queue.push({ name, path });
    }
  };

  const visitType = (ref: TypeRef, path: string): void => {
    const inner = element(ref);
    if (inner.kind === "builtin") {
      if (/^(u?int(8|16|32|64)|size)$/.test(inner.name)) integerWidths[path] = inner.name;
      return;
    }
    if (inner.kind !== "named") return;
    const type = types.get(inner.name);
    if (type?.kind === "alternate") {
      typeNames[path] ??= type.name;
      for (const branch of type.branches) visitType(branch.type, path);
    } else if (type?.kind === "object") enqueue(type.name, path);
  };

  for (const command of schema.commands) {
    if (command.args?.kind === "named") enqueue(command.args.name, `${command.name}/arg-type`);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const type = types.get(next.name);
    if (type?.kind !== "object") continue;
    for (const member of type.members) visitType(member.type, `${next.path}/${member.name}`);
    for (const variant of type.variants?.cases ?? []) {
      if (variant.type !== undefined) enqueue(variant.type, `${next.path}/+${variant.tag}`);
    }
  }
  return { integerWidths, typeNames };
}
