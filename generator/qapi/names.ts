/**
 * Naming rules for QAPI names: valid characters, downstream `__RFQDN_` prefixes, case
 * conventions per kind, reserved names, and the C-name mapping used for clash checks.
 * @module
 */
import { fail, type SourceLocation } from "./errors.js";

/** What a name names; decides the case convention. */
export type NameRole = "type" | "command" | "event" | "member" | "enum-value" | "branch" | "feature";

/** Options relaxing the lower-case rules (pragma exceptions). */
export interface NameOptions {
  /** `_` allowed instead of `-` (command-name-exceptions, member-name-exceptions). */
  readonly permitUnderscore?: boolean;
  /** Upper case allowed (member-name-exceptions). */
  readonly permitUpper?: boolean;
  /**
   * The naming rules before QEMU 6.0 (schemas that use the old pragma names): definition
   * names of any case, `_` anywhere; only upper case in members and enum values is refused.
   */
  readonly legacy?: boolean | undefined;
}

const VALID = /^(__[A-Za-z0-9.-]+_)?([A-Za-z][A-Za-z0-9_-]*)$/;
const VALID_ENUM_VALUE = /^(__[A-Za-z0-9.-]+_)?([A-Za-z0-9][A-Za-z0-9_-]*)$/;
const CAMEL = /^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$/;

/** Maps a name the way C does for clash detection: `-` and `.` become `_`. */
export function cName(name: string): string {
  return name.replace(/[-.]/g, "_");
}

/** Strips a downstream `__RFQDN_` prefix. */
export function stem(name: string): string {
  return VALID.exec(name)?.[2] ?? VALID_ENUM_VALUE.exec(name)?.[2] ?? name;
}

/**
 * Checks `name` against the rules for `role`.
 * @param what - description for messages, e.g. "member 'foo' of 'Bar'".
 * @throws QapiError at `loc` on a violation.
 */
export function checkName(name: string, role: NameRole, loc: SourceLocation, what: string, opts: NameOptions = {}): void {
  const match = (role === "enum-value" ? VALID_ENUM_VALUE : VALID).exec(name);
  const full = match?.[2];
  if (full === undefined) fail(loc, `${what} has an invalid name: use letters, digits, '-' and '_', starting with a letter`);
  if (cName(name).startsWith("q_") || full.startsWith("q_")) fail(loc, `${what} uses the reserved prefix 'q_'`);
  // The case rules look at the name without its `__RFQDN_` and `x-` prefixes (`__org.qemu_x-Struct`).
  const base = role === "enum-value" ? full : full.replace(role === "event" ? /^[xX]-(?=[A-Za-z])/ : /^x-(?=[A-Za-z])/, "");
  if (opts.legacy === true) {
    if (role === "member" || role === "branch") checkReserved(name, loc, what);
    if ((role === "member" || role === "enum-value" || role === "feature") && !opts.permitUpper && /[A-Z]/.test(base)) {
      fail(loc, `${what} must not use upper case`);
    }
    if ((role === "type" || role === "command" || role === "event") && base.endsWith("List")) {
      fail(loc, `${what} must not end in 'List' (reserved for array types)`);
    }
    // Until 6.2 a simple union's implicit tag enum was '<Union>Kind', so no definition could end so.
    if ((role === "type" || role === "command" || role === "event") && base.endsWith("Kind")) {
      fail(loc, `${what} must not end in 'Kind' (reserved for simple union tag enums)`);
    }
    return;
  }
  switch (role) {
    case "type":
      if (!CAMEL.test(base)) fail(loc, `${what} must use CamelCase`);
      if (base.endsWith("List")) fail(loc, `${what} must not end in 'List' (reserved for array types)`);
      return;
    case "event":
      if (/[a-z-]/.test(base)) fail(loc, `${what} must use upper case and '_' (no lower case, no '-')`);
      return;
    case "member":
    case "branch":
      checkReserved(name, loc, what);
      break;
    default:
      break;
  }
  if (!opts.permitUpper && /[A-Z]/.test(base)) fail(loc, `${what} must not use upper case`);
  if (!opts.permitUnderscore && base.includes("_")) fail(loc, `${what} must use '-', not '_'`);
}

function checkReserved(name: string, loc: SourceLocation, what: string): void {
  const c = cName(name);
  if (c === "u" || c.startsWith("has_")) fail(loc, `${what} uses a reserved name ('u' and 'has-*' are reserved)`);
}
