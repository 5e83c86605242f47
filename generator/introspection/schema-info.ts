/**
 * The shape of `query-qmp-schema` entries (SchemaInfo), after validation.
 * @module
 */

/** Features as they appear in introspection: a list of names. */
export type RawFeatures = readonly string[] | undefined;

/** Fields every SchemaInfo entry has. */
interface RawBase {
  readonly name: string;
  readonly features?: RawFeatures;
}

/** `meta-type: builtin`. */
export interface RawBuiltin extends RawBase {
  readonly "meta-type": "builtin";
  readonly "json-type": "string" | "number" | "int" | "boolean" | "null" | "object" | "array" | "value";
}

/** `meta-type: enum`. `members` is newer (features per value); `values` is always there. */
export interface RawEnum extends RawBase {
  readonly "meta-type": "enum";
  readonly values: readonly string[];
  readonly members?: readonly { readonly name: string; readonly features?: RawFeatures }[];
}

/** `meta-type: array`. */
export interface RawArray extends RawBase {
  readonly "meta-type": "array";
  readonly "element-type": string;
}

/** A member of an object entry; optional iff `default` is present. */
export interface RawMember {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly features?: RawFeatures;
}

/** `meta-type: object`, a flat union when `tag`/`variants` are present. */
export interface RawObject extends RawBase {
  readonly "meta-type": "object";
  readonly members: readonly RawMember[];
  readonly tag?: string;
  readonly variants?: readonly { readonly case: string; readonly type: string }[];
}

/** `meta-type: alternate`. */
export interface RawAlternate extends RawBase {
  readonly "meta-type": "alternate";
  readonly members: readonly { readonly type: string }[];
}

/** `meta-type: command`. */
export interface RawCommand extends RawBase {
  readonly "meta-type": "command";
  readonly "arg-type": string;
  readonly "ret-type": string;
  readonly "allow-oob"?: boolean;
}

/** `meta-type: event`. */
export interface RawEvent extends RawBase {
  readonly "meta-type": "event";
  readonly "arg-type": string;
}

/** Any SchemaInfo entry. */
export type RawEntry = RawBuiltin | RawEnum | RawArray | RawObject | RawAlternate | RawCommand | RawEvent;

/** The meta-types this generator understands. */
export const META_TYPES = ["builtin", "enum", "array", "object", "alternate", "command", "event"] as const;
