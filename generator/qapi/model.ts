/**
 * The checked source model: QAPI definitions as written (before type resolution), with
 * locations, conditions and raw doc comments. Produced by `definitions.ts`, checked by
 * `semantics.ts`, pruned by `prune.ts`, mapped to the IR by `to-ir.ts`.
 * @module
 */
import type { Cond } from "./conditions.js";
import type { DocComment } from "./doc-comment.js";
import type { SourceLocation } from "./errors.js";

/** A feature on a definition, member or enum value. */
export interface SrcFeature {
  readonly name: string;
  readonly cond?: Cond | undefined;
  readonly loc: SourceLocation;
}

/** A type reference `'T'` or `['T']`. */
export interface SrcTypeRef {
  readonly name: string;
  readonly array: boolean;
  readonly loc: SourceLocation;
}

/** A member of a struct, union base, command arguments or event data. */
export interface SrcMember {
  readonly name: string;
  readonly optional: boolean;
  readonly type: SrcTypeRef;
  readonly cond?: Cond | undefined;
  readonly features: readonly SrcFeature[];
  readonly loc: SourceLocation;
}

/** An enum value. */
export interface SrcEnumValue {
  readonly name: string;
  readonly cond?: Cond | undefined;
  readonly features: readonly SrcFeature[];
  readonly loc: SourceLocation;
}

/** A union or alternate branch. */
export interface SrcBranch {
  readonly name: string;
  readonly type: SrcTypeRef;
  readonly cond?: Cond | undefined;
  readonly loc: SourceLocation;
}

/** Inline members, or the name of a complex type. */
export type SrcData =
  { readonly kind: "members"; readonly members: readonly SrcMember[] } | { readonly kind: "ref"; readonly ref: SrcTypeRef };

/** Fields of every definition. */
export interface SrcDefBase {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly cond?: Cond | undefined;
  readonly features: readonly SrcFeature[];
  readonly doc?: DocComment | undefined;
  /** Made by the frontend, not written in the schema (a simple union's enum and wrappers). */
  readonly implicit?: true | undefined;
  /** For implicit definitions: what they stand for in messages (`branch 'a' of union 'U'`). */
  readonly origin?: string | undefined;
}

/** `{ 'enum': ... }` */
export interface SrcEnum extends SrcDefBase {
  readonly meta: "enum";
  readonly values: readonly SrcEnumValue[];
  readonly prefix?: string | undefined;
}

/** `{ 'struct': ... }` */
export interface SrcStruct extends SrcDefBase {
  readonly meta: "struct";
  readonly base?: SrcTypeRef | undefined;
  readonly members: readonly SrcMember[];
}

/** `{ 'union': ... }` */
export interface SrcUnion extends SrcDefBase {
  readonly meta: "union";
  readonly base: SrcData;
  readonly discriminator: string;
  readonly discriminatorLoc: SourceLocation;
  readonly branches: readonly SrcBranch[];
}

/** `{ 'alternate': ... }` */
export interface SrcAlternate extends SrcDefBase {
  readonly meta: "alternate";
  readonly branches: readonly SrcBranch[];
}

/** `{ 'command': ... }` */
export interface SrcCommand extends SrcDefBase {
  readonly meta: "command";
  readonly data?: SrcData | undefined;
  readonly boxed: boolean;
  readonly returns?: SrcTypeRef | undefined;
  readonly successResponse: boolean;
  readonly gen: boolean;
  readonly allowOob: boolean;
  readonly allowPreconfig: boolean;
  readonly coroutine: boolean;
}

/** `{ 'event': ... }` */
export interface SrcEvent extends SrcDefBase {
  readonly meta: "event";
  readonly data?: SrcData | undefined;
  readonly boxed: boolean;
}

/** Any definition. */
export type SrcDef = SrcEnum | SrcStruct | SrcUnion | SrcAlternate | SrcCommand | SrcEvent;

/** Complex types (objects on the wire). */
export type SrcObjectDef = SrcStruct | SrcUnion;

/** Pragma settings, merged over the whole schema. */
export interface Pragma {
  readonly docRequired: boolean;
  readonly commandNameExceptions: ReadonlySet<string>;
  readonly commandReturnsExceptions: ReadonlySet<string>;
  readonly memberNameExceptions: ReadonlySet<string>;
  readonly documentationExceptions: ReadonlySet<string>;
  /** Pragma `command-features` (QEMU 10.0 on): feature names special to QEMU's C generator. */
  readonly commandFeatures: ReadonlySet<string>;
  /**
   * Whether every member must be documented (with `doc-required`): QEMU ≥ 9.1 rejects
   * undocumented members outside `documentation-exceptions`, older QEMU accepts them. Set
   * when the schema declares that pragma at all, which every schema using the newer rule does.
   */
  readonly memberDocsRequired: boolean;
  /**
   * Whether the schema uses the pragma names of QEMU before 6.0 (`returns-whitelist`,
   * `name-case-whitelist`): its naming rules were looser (see `names.ts`).
   */
  readonly legacyNames: boolean;
}

/** A whole parsed schema: definitions in source order plus pragmas. */
export interface SrcSchema {
  readonly defs: readonly SrcDef[];
  readonly pragma: Pragma;
  /** Files read, entry first (resolved paths). */
  readonly files: readonly string[];
  /** For each included file: the `include` directives that led to it, outermost first. */
  readonly includedFrom: ReadonlyMap<string, readonly SourceLocation[]>;
}
