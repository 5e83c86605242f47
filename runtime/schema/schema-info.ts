/**
 * The entries of a `query-qmp-schema` reply (QEMU's SchemaInfo), as the runtime reads them.
 * Type names other than commands' and events' are masked by QEMU ("0", "1", "[3]", ...).
 * @module
 */

/** Features of an entry, member or enum value, e.g. `"deprecated"`, `"unstable"`. */
export type SchemaFeatures = readonly string[];

/** Fields every entry has. */
export interface SchemaInfoBase {
  /** The command or event name; for types a masked name such as `"42"` or `"[int]"`. */
  readonly name: string;
  readonly features?: SchemaFeatures;
}

/** A built-in type: `str`, `int`, `number`, `bool`, `null` or `any`. */
export interface SchemaInfoBuiltin extends SchemaInfoBase {
  readonly "meta-type": "builtin";
  /** The JSON type QEMU accepts for it (`"value"` for `any`). */
  readonly "json-type": "string" | "number" | "int" | "boolean" | "null" | "object" | "array" | "value";
}

/** One value of an enum, with its features (QEMU 6.2 and later). */
export interface SchemaInfoEnumMember {
  readonly name: string;
  readonly features?: SchemaFeatures;
}

/** An enumeration of strings. */
export interface SchemaInfoEnum extends SchemaInfoBase {
  readonly "meta-type": "enum";
  readonly values: readonly string[];
  readonly members?: readonly SchemaInfoEnumMember[];
}

/** A list type; the name is `[ELEMENT]`. */
export interface SchemaInfoArray extends SchemaInfoBase {
  readonly "meta-type": "array";
  readonly "element-type": string;
}

/** A member of an object type; it is optional exactly when `default` is present (always `null`). */
export interface SchemaInfoObjectMember {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly features?: SchemaFeatures;
}

/** A branch of a flat union: the object type used when the tag member has the value `case`. */
export interface SchemaInfoObjectVariant {
  readonly case: string;
  readonly type: string;
}

/** An object type; a flat union when `tag` and `variants` are present (`members` are then the base). */
export interface SchemaInfoObject extends SchemaInfoBase {
  readonly "meta-type": "object";
  readonly members: readonly SchemaInfoObjectMember[];
  readonly tag?: string;
  readonly variants?: readonly SchemaInfoObjectVariant[];
}

/** A branch of an alternate; branches are told apart by their JSON type. */
export interface SchemaInfoAlternateMember {
  readonly type: string;
}

/** An alternate: a value of any one of the branch types. */
export interface SchemaInfoAlternate extends SchemaInfoBase {
  readonly "meta-type": "alternate";
  readonly members: readonly SchemaInfoAlternateMember[];
}

/** A command, with the types of its arguments and of its return value. */
export interface SchemaInfoCommand extends SchemaInfoBase {
  readonly "meta-type": "command";
  readonly "arg-type": string;
  readonly "ret-type": string;
  readonly "allow-oob"?: boolean;
}

/** An event, with the type of its data. */
export interface SchemaInfoEvent extends SchemaInfoBase {
  readonly "meta-type": "event";
  readonly "arg-type": string;
}

/** Any entry of `query-qmp-schema`. */
export type SchemaInfo =
  | SchemaInfoBuiltin
  | SchemaInfoEnum
  | SchemaInfoArray
  | SchemaInfoObject
  | SchemaInfoAlternate
  | SchemaInfoCommand
  | SchemaInfoEvent;

/** The meta-types of {@link SchemaInfo}. */
export type SchemaMetaType = SchemaInfo["meta-type"];
