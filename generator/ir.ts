/**
 * The intermediate representation (IR) of a QAPI schema.
 *
 * Both frontends produce it: the introspection frontend (`query-qmp-schema`, masked type
 * names, no docs, every integer is `int`) and the QAPI source-file frontend (real names,
 * exact integer widths, docs, conditions). The emitter consumes only this model, so it is
 * plain, serialisable data: interfaces, no classes, no functions.
 *
 * Conventions:
 * - Every type is referenced by its {@link NamedType.name} (the readable, unique name).
 * - Arrays and built-ins are not definitions; they appear inline in {@link TypeRef}.
 * - Lists are ordered the way the frontend wants them emitted; the emitter keeps that order
 *   except where it sorts by name for determinism (definitions are sorted by the emitter).
 * - Optional doc/condition fields are `undefined` (absent) when unknown; the introspection
 *   frontend never sets them.
 * @module
 */

/** Integer built-ins. Introspection only knows `int`; the source frontend knows all. */
export const INTEGER_BUILTINS = [
  "int",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "size",
] as const;

/** One of {@link INTEGER_BUILTINS}. */
export type IntegerBuiltin = (typeof INTEGER_BUILTINS)[number];

/** Every QAPI built-in type, integers first. `QType` is the enum of JSON types used by alternates. */
export const BUILTIN_NAMES = [...INTEGER_BUILTINS, "str", "number", "bool", "null", "any", "QType"] as const;

/** One of {@link BUILTIN_NAMES}. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** A reference to a type: a built-in, a named definition, or an array of something. */
export type TypeRef =
  | { readonly kind: "builtin"; readonly name: BuiltinName }
  | { readonly kind: "named"; readonly name: string }
  | { readonly kind: "array"; readonly element: TypeRef };

/**
 * Documentation of a definition, taken from QAPI doc comments (source frontend only).
 * Text is already reduced from rST to plain text/markdown; the emitter escapes it.
 */
export interface Docs {
  /** The body: what the definition is or does. */
  readonly summary?: string | undefined;
  /** `Returns:` section (commands). */
  readonly returns?: string | undefined;
  /** `Errors:` section (commands). */
  readonly errors?: string | undefined;
  /** `Since:` section, e.g. `"2.12"`. */
  readonly since?: string | undefined;
  /** `Note:`/`Notes:` sections and other free text worth keeping, in order. */
  readonly remarks?: readonly string[] | undefined;
  /** `Example:`/`Examples:` sections, one string per example block. */
  readonly examples?: readonly string[] | undefined;
  /** Explanation attached to the `deprecated` feature, if documented. */
  readonly deprecation?: string | undefined;
  /** Explanation attached to the `unstable` feature, if documented. */
  readonly unstable?: string | undefined;
  /** Documentation of other features, by feature name. */
  readonly features?: Readonly<Record<string, string>> | undefined;
}

/** Feature descriptions by feature name, reduced like {@link Docs} text. */
export type FeatureDocs = Readonly<Record<string, string>>;

/** Fields every definition and every member-like item carries. */
export interface Annotated {
  /**
   * Feature names. `deprecated` and `unstable` are special (emitted as `@deprecated` /
   * `@experimental`); others are capability flags listed in docs and metadata.
   */
  readonly features: readonly string[];
  /**
   * Human-readable condition under which the item exists, e.g.
   * `"CONFIG_SPICE and not TARGET_S390X"` (source frontend without `--define`).
   */
  readonly condition?: string | undefined;
}

/**
 * Another name for a type, after a use that did not name it (introspection frontend only): a
 * type shared by several commands/events is named after its first use, and every other
 * `<Command>Arguments`, `<Command>Result` or `<Event>Data` name becomes an alias, so names
 * users may rely on do not disappear when a command reusing the type is added.
 */
export interface NameAlias {
  /** Readable name, unique among type names and other aliases; sanitised by the emitter. */
  readonly name: string;
  /** Wire name of the command or event the alias is named after. */
  readonly usedBy: string;
  /** The use: a command's arguments or result (for arrays: its element), an event's data. */
  readonly role: "arguments" | "result" | "data";
}

/** Common part of type definitions (enum, object, alternate). */
export interface NamedTypeBase extends Annotated {
  /**
   * Readable, unique (among types) and deterministic name, e.g. `BlockdevCreateArguments`.
   * Real QAPI name for the source frontend; derived from usage for introspection.
   * Not yet a safe identifier: the emitter sanitises it.
   */
  readonly name: string;
  /** The name in the input schema (masked like `"12"` for introspection). Diagnostics only. */
  readonly schemaName: string;
  /** Definition docs (source frontend only). */
  readonly docs?: Docs | undefined;
  /** Further names of the same type, in a stable order (introspection frontend only). */
  readonly aliases?: readonly NameAlias[] | undefined;
}

/** One value of an enum. */
export interface EnumValue extends Annotated {
  /** The wire value. */
  readonly name: string;
  /** Member docs (source frontend only). */
  readonly doc?: string | undefined;
  /** Descriptions of this value's features, see {@link Member.featureDocs}. */
  readonly featureDocs?: FeatureDocs | undefined;
}

/** An enum: a set of string values. */
export interface EnumType extends NamedTypeBase {
  readonly kind: "enum";
  readonly values: readonly EnumValue[];
}

/** A member of an object (struct, union base, command arguments, event data). */
export interface Member extends Annotated {
  /** The wire name (JSON key), e.g. `"job-id"`. */
  readonly name: string;
  readonly type: TypeRef;
  /** `*name` in the source / `default: null` in introspection. */
  readonly optional: boolean;
  /** Member docs (source frontend only). */
  readonly doc?: string | undefined;
  /**
   * Descriptions of this member's features, by feature name (source frontend only). QAPI
   * documents them in the enclosing definition's `Features:` section, e.g.
   * `@deprecated: Member @foo is deprecated.`
   */
  readonly featureDocs?: FeatureDocs | undefined;
}

/** One tag value of a flat union. */
export interface VariantCase {
  /** The discriminator value (an enum value of the discriminator member's type). */
  readonly tag: string;
  /**
   * The object type whose members are added for this tag, or `undefined` when the value has
   * no branch (the variant adds nothing). Frontends list every tag value, branch or not.
   */
  readonly type?: string | undefined;
  readonly condition?: string | undefined;
}

/** The variant part of a flat union. */
export interface Variants {
  /** Wire name of the discriminator member; it is one of the object's `members`. */
  readonly discriminator: string;
  /** One case per discriminator enum value, in enum order. */
  readonly cases: readonly VariantCase[];
}

/**
 * An object: a struct (`variants` undefined) or a flat union (`variants` set, `members` are
 * the base members including the discriminator).
 */
export interface ObjectType extends NamedTypeBase {
  readonly kind: "object";
  readonly members: readonly Member[];
  readonly variants?: Variants | undefined;
  /** Name of the base struct this was built from (source frontend; informational). */
  readonly base?: string | undefined;
  /**
   * The object accepts properties beyond its members (`device_add` arguments: device
   * properties are not in the schema).
   */
  readonly extraProperties?: boolean | undefined;
}

/** One branch of an alternate. */
export interface AlternateBranch {
  /** Branch name (source frontend), or `undefined` (introspection has none). */
  readonly name?: string | undefined;
  readonly type: TypeRef;
  readonly condition?: string | undefined;
  readonly doc?: string | undefined;
}

/** An alternate: a value that is one of several types, told apart by JSON type. */
export interface AlternateType extends NamedTypeBase {
  readonly kind: "alternate";
  readonly branches: readonly AlternateBranch[];
}

/** A named type definition. */
export type NamedType = EnumType | ObjectType | AlternateType;

/** A command. */
export interface Command extends Annotated {
  readonly kind: "command";
  /** The wire name, e.g. `"blockdev-create"`. */
  readonly name: string;
  /** Argument object type (a `named` ref to an object), or `undefined` when it takes none. */
  readonly args?: TypeRef | undefined;
  /** Arguments were given as a type name rather than inline members (source `boxed`). */
  readonly boxed: boolean;
  /** Return type, or `undefined` when it returns the empty object `{}`. */
  readonly returns?: TypeRef | undefined;
  /** May be sent with `exec-oob`. */
  readonly allowOob: boolean;
  /** `false` for commands that never reply (guest agent `guest-shutdown`, ...). */
  readonly successResponse: boolean;
  /** Allowed in preconfig state (source frontend; informational). */
  readonly allowPreconfig?: boolean | undefined;
  readonly docs?: Docs | undefined;
}

/** An event. */
export interface Event extends Annotated {
  readonly kind: "event";
  /** The wire name, e.g. `"JOB_STATUS_CHANGE"`. */
  readonly name: string;
  /** Data object type (a `named` ref to an object), or `undefined` when it has no data. */
  readonly data?: TypeRef | undefined;
  readonly boxed: boolean;
  readonly docs?: Docs | undefined;
}

/** The QEMU version a schema came from, when known. */
export interface QemuVersion {
  readonly major: number;
  readonly minor: number;
  readonly micro: number;
  /** Distribution package string from the greeting, e.g. `"Debian 1:7.2+dfsg-7"`. */
  readonly package?: string | undefined;
}

/** A whole schema: what one binding set is generated from. */
export interface Schema {
  /** Type definitions; names are unique. */
  readonly types: readonly NamedType[];
  readonly commands: readonly Command[];
  readonly events: readonly Event[];
  /** QEMU version when known (introspection fetched live, or recorded in a saved schema). */
  readonly qemuVersion?: QemuVersion | undefined;
}

/** Features that get dedicated TSDoc tags. */
export const SPECIAL_FEATURES = ["deprecated", "unstable"] as const;
