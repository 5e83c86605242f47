/**
 * Argument validation that follows QEMU's QMP input visitor: members in schema order, a
 * missing or mistyped member before the unexpected ones of its object, union branches chosen
 * by the tag, alternates by JSON type, and QEMU's own texts. The first issue is what QEMU reports.
 * @module
 */
import type { SchemaInfo, SchemaInfoAlternate, SchemaInfoObject, SchemaInfoObjectMember } from "./schema-info.js";
import type { Lookup } from "./query.js";
import { integerProblem, type IntegerWidth } from "./integer-widths.js";
import {
  ARGUMENTS_NOT_OBJECT,
  bareName,
  commandNotFoundText,
  enumText,
  memberPath,
  missingText,
  NESTING_TOO_DEEP,
  typeText,
  unexpectedText,
} from "./messages.js";
import { nestsTooDeep } from "./nesting.js";
import { isUncheckedCommand } from "./unchecked.js";
import { orderUnexpected } from "./unexpected-order.js";
import { wireKind, wireValue, type WireKind } from "./wire-value.js";

/** One problem with a command's arguments. */
export interface ArgumentIssue {
  /** Where: QEMU's full member name (`options.size`, `bitmaps[1].name`); `""` for the arguments as a whole. */
  path: string;
  /** QEMU's own text for the problem. */
  message: string;
  /** The (masked) schema type expected at `path`, when there is one: look it up with `QmpSchema.type()`. */
  type?: string;
}

/** What the validator needs from a schema. */
export interface ValidationTables {
  readonly lookup: Lookup;
  /** Integer widths keyed by {@link widthKey} of the owning object type and the member. */
  readonly widths: ReadonlyMap<string, IntegerWidth>;
  /** QAPI names of (masked) types; alternates are named so in QEMU's "expected: NAME" text. */
  readonly typeNames: ReadonlyMap<string, string>;
}

/** The key of a member's integer width: the owning object type's (masked) name and the member name. */
export const widthKey = (owner: string, member: string): string => `${owner}\u0000${member}`;

/** Validates `args` (undefined: no arguments) of `command`; see {@link ArgumentIssue}. */
export function validateCommandArguments(tables: ValidationTables, command: string, args: unknown): ArgumentIssue[] {
  const value = wireValue(args, "arguments");
  const kind = wireKind(value);
  if (kind !== "absent" && kind !== "object") return [{ path: "", message: ARGUMENTS_NOT_OBJECT }];
  const entry = tables.lookup(command);
  if (entry?.["meta-type"] !== "command") return [{ path: "", message: commandNotFoundText(command) }];
  const members = kind === "absent" ? {} : (value as Record<string, unknown>);
  // QEMU's parser refuses the whole message first; the walk below would also exhaust the stack.
  if (kind === "object" && nestsTooDeep(members)) return [{ path: "", message: NESTING_TOO_DEEP }];
  const walker = new Walker(tables);
  try {
    if (isUncheckedCommand(command)) walker.missingOnly(entry["arg-type"], members);
    else walker.value(entry["arg-type"], members, "", null, undefined);
  } catch (error) {
    // Only a chain of hundreds of nested objects (an inline blockdev chain) gets here; QEMU takes up to 1,023 levels.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new RangeError(`the arguments of ${command} are nested too deep to validate on this stack`, { cause: error });
    }
    throw error;
  }
  return walker.issues;
}

class Walker {
  readonly issues: ArgumentIssue[] = [];
  // Objects and arrays being checked: a circular value cannot be sent (serialising it fails), so stop there.
  private readonly open = new Set<object>();
  constructor(private readonly tables: ValidationTables) {}

  private report(path: string, message: string, type?: string): void {
    this.issues.push(type === undefined ? { path, message } : { path, message, type });
  }

  missingOnly(typeName: string, value: Record<string, unknown>): void {
    const entry = this.tables.lookup(typeName);
    if (entry?.["meta-type"] !== "object") return;
    for (const member of entry.members) {
      if (!("default" in member) && !isScalar(memberValue(value, member.name))) {
        this.report(member.name, missingText(member.name), member.type);
      }
    }
  }

  /** Checks a present value (already passed through wireValue) against type `typeName`. */
  value(typeName: string, value: unknown, path: string, name: string | null, width: IntegerWidth | undefined): void {
    const entry = this.tables.lookup(typeName);
    if (entry === undefined) return; // a type this schema lacks: nothing to judge by
    const kind = wireKind(value);
    switch (entry["meta-type"]) {
      case "builtin":
        return this.builtin(entry["json-type"], kind, value, path, name, width, typeName);
      case "enum":
        if (kind !== "string") return this.report(path, typeText(path, "string"), typeName);
        if (!entry.values.includes(value as string)) this.report(path, enumText(bareName(name), value as string), typeName);
        return;
      case "array": {
        if (kind !== "array") return this.report(path, typeText(path, "array"), typeName);
        const items = value as unknown[];
        if (this.open.has(items)) return;
        // Written out rather than through a helper taking a closure: few stack frames per level, so
        // arguments nested as deep as QEMU accepts (1,023 levels) are checked without exhausting the stack.
        this.open.add(items);
        for (let index = 0; index < items.length; index++) {
          const element = wireValue(items[index], String(index));
          // An undefined element is written as null.
          this.value(entry["element-type"], element === undefined ? null : element, `${path}[${index}]`, null, width);
        }
        this.open.delete(items);
        return;
      }
      case "alternate":
        return this.alternate(entry, kind, value, path, name, width);
      case "object":
        if (kind !== "object") return this.report(path, typeText(path, "object"), typeName);
        if (this.open.has(value as object)) return;
        this.open.add(value as object);
        this.object(entry, value as Record<string, unknown>, path);
        this.open.delete(value as object);
        return;
      default:
        return; // commands and events are not member types
    }
  }

  private builtin(
    jsonType: string,
    kind: WireKind,
    value: unknown,
    path: string,
    name: string | null,
    width: IntegerWidth | undefined,
    typeName: string,
  ): void {
    let problem: string | undefined;
    switch (jsonType) {
      case "int":
        problem = integerProblem(width ?? "int", kind, value, path, name);
        break;
      case "number":
        if (kind !== "int64" && kind !== "uint64" && kind !== "double") problem = typeText(path, "number");
        break;
      case "string":
      case "boolean":
      case "null":
        if (kind !== jsonType) problem = typeText(path, jsonType);
        break;
      default:
        break; // "value" (any) takes everything
    }
    if (problem !== undefined) this.report(path, problem, typeName);
  }

  private alternate(
    entry: SchemaInfoAlternate,
    kind: WireKind,
    value: unknown,
    path: string,
    name: string | null,
    width: IntegerWidth | undefined,
  ): void {
    const wanted = jsonClass(kind);
    for (const branch of entry.members) {
      if (branchClass(this.tables.lookup(branch.type)) === wanted) return this.value(branch.type, value, path, name, width);
    }
    const qapiName = this.tables.typeNames.get(entry.name) ?? entry.name;
    this.report(path, typeText(bareName(name), qapiName), entry.name);
  }

  private object(entry: SchemaInfoObject, value: Record<string, unknown>, path: string): void {
    const consumed: string[] = [];
    this.members(entry, entry.members, value, path, consumed);
    let branch: SchemaInfoObject | undefined;
    if (entry.tag !== undefined && entry.variants !== undefined) {
      const tag = memberValue(value, entry.tag);
      const tagMember = entry.members.find((m) => m.name === entry.tag);
      const tagType = tagMember === undefined ? undefined : this.tables.lookup(tagMember.type);
      // Without a valid tag QEMU stops at the tag; which members are unexpected is then unknown.
      if (typeof tag !== "string" || tagType?.["meta-type"] !== "enum" || !tagType.values.includes(tag)) return;
      const variant = entry.variants.find((v) => v.case === tag);
      const found = variant === undefined ? undefined : this.tables.lookup(variant.type);
      if (found?.["meta-type"] === "object") {
        branch = found;
        this.members(branch, branch.members, value, path, consumed);
      }
    }
    const keys = Object.keys(value);
    if (keys.length === consumed.length) return; // every key was a member: the common case, kept cheap
    const known = new Set([...entry.members, ...(branch?.members ?? [])].map((m) => m.name));
    const sent = keys.filter((key) => memberValue(value, key) !== undefined);
    const unexpected = sent.filter((key) => !known.has(key));
    for (const key of orderUnexpected(sent, consumed, unexpected)) {
      this.report(memberPath(path, key), unexpectedText(memberPath(path, key)));
    }
  }

  private members(
    owner: SchemaInfo,
    members: readonly SchemaInfoObjectMember[],
    value: Record<string, unknown>,
    path: string,
    consumed: string[],
  ): void {
    const widths = this.tables.widths;
    for (const member of members) {
      const present = memberValue(value, member.name);
      if (present === undefined) {
        if (!("default" in member)) {
          const full = memberPath(path, member.name);
          this.report(full, missingText(full), member.type);
        }
        continue;
      }
      consumed.push(member.name);
      const width = widths.size === 0 ? undefined : widths.get(widthKey(owner.name, member.name));
      this.value(member.type, present, memberPath(path, member.name), member.name, width);
    }
  }
}

// What QEMU's own code for an unchecked command reads: it converts scalars and ignores the rest.
function isScalar(value: unknown): boolean {
  const kind = wireKind(value);
  return kind !== "absent" && kind !== "null" && kind !== "object" && kind !== "array";
}

// A member as it will be sent; undefined when it will be left out (serialising takes own enumerable keys only).
function memberValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.propertyIsEnumerable.call(object, key) ? wireValue(object[key], key) : undefined;
}

type JsonClass = "number" | "string" | "boolean" | "null" | "object" | "array" | "none";

function jsonClass(kind: WireKind): JsonClass {
  return kind === "int64" || kind === "uint64" || kind === "double" ? "number" : kind === "absent" ? "none" : kind;
}

// The JSON type that selects an alternate branch of this type (QEMU switches on the QObject type).
function branchClass(entry: SchemaInfo | undefined): JsonClass {
  switch (entry?.["meta-type"]) {
    case "builtin": {
      const json = entry["json-type"];
      return json === "int" ? "number" : json === "value" ? "none" : json;
    }
    case "enum":
      return "string";
    case "object":
    case "array":
      return entry["meta-type"];
    default:
      return "none";
  }
}
