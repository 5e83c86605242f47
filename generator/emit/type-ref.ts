/**
 * TypeScript text for IR type references: built-ins, named types and arrays.
 * @module
 */
import { INTEGER_BUILTINS, type BuiltinName, type IntegerBuiltin, type TypeRef } from "../ir.js";
import type { FileBuilder } from "./context.js";

const INTEGERS: ReadonlySet<BuiltinName> = new Set(INTEGER_BUILTINS);

// Widths that fit a double exactly; everything else may exceed 2^53.
const SAFE_INTEGERS: ReadonlySet<BuiltinName> = new Set(["int8", "int16", "int32", "uint8", "uint16", "uint32"]);

const QTYPE = '"none" | "qnull" | "qnum" | "qstring" | "qdict" | "qlist" | "qbool"';

function builtinText(name: BuiltinName): string {
  if (INTEGERS.has(name) || name === "number") return "number";
  switch (name) {
    case "str":
      return "string";
    case "bool":
      return "boolean";
    case "null":
      return "null";
    case "QType":
      return QTYPE;
    default:
      return "unknown";
  }
}

/** The TypeScript type for a reference, importing named types as needed. */
export function typeText(ref: TypeRef, file: FileBuilder): string {
  switch (ref.kind) {
    case "builtin":
      return builtinText(ref.name);
    case "named":
      return file.useType(ref.name);
    case "array": {
      const element = typeText(ref.element, file);
      return /^[A-Za-z0-9_]+(\[\])*$/.test(element) ? `${element}[]` : `(${element})[]`;
    }
  }
}

/** The integer kind inside a reference (through arrays), if it may exceed 2^53. */
export function wideInteger(ref: TypeRef): IntegerBuiltin | undefined {
  if (ref.kind === "array") return wideInteger(ref.element);
  if (ref.kind === "builtin" && INTEGERS.has(ref.name) && !SAFE_INTEGERS.has(ref.name)) return ref.name as IntegerBuiltin;
  return undefined;
}

// The range of each integer width that a JavaScript number holds exactly.
const SAFE_RANGES: Readonly<Record<string, string>> = {
  int8: "-128 to 127",
  int16: "-32768 to 32767",
  int32: "-2147483648 to 2147483647",
  uint8: "0 to 255",
  uint16: "0 to 65535",
  uint32: "0 to 4294967295",
};

/** The integer builtin inside a reference (through arrays), if any. */
function integerKind(ref: TypeRef): BuiltinName | undefined {
  if (ref.kind === "array") return integerKind(ref.element);
  return ref.kind === "builtin" && INTEGERS.has(ref.name) ? ref.name : undefined;
}

/**
 * The doc note for integer members: the exact QAPI width (known from QAPI sources) and its
 * range, or, for widths that may not fit a JavaScript number, the precision warning.
 */
export function precisionNote(ref: TypeRef): string | undefined {
  const kind = wideInteger(ref);
  if (kind !== undefined) return `QAPI \`${kind}\`: values above 2^53 lose precision as a JavaScript number.`;
  const safe = integerKind(ref);
  const range = safe === undefined ? undefined : SAFE_RANGES[safe];
  return range === undefined ? undefined : `QAPI \`${safe}\`: an integer from ${range}.`;
}
