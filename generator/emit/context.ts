/**
 * The thin layer between emitters and ts-morph: emitters add statement structures and ask
 * for identifiers; the file records the imports those identifiers need.
 * @module
 */
import { StructureKind, type ImportDeclarationStructure, type StatementStructures } from "ts-morph";
import type { NamedType, Schema } from "../ir.js";
import type { NamePlan, OutFile, RuntimeName } from "./naming.js";
import type { EmitOptions } from "./options.js";

/** What every emitter may look at: the schema, the chosen names, the options. */
export interface EmitModel {
  readonly schema: Schema;
  readonly plan: NamePlan;
  readonly options: EmitOptions;
  /** IR type name → definition. */
  readonly typesByName: ReadonlyMap<string, NamedType>;
  /** IR type name → where commands and events use it directly, for docs. */
  readonly usage: ReadonlyMap<string, readonly string[]>;
}

/** One output file under construction. */
export class FileBuilder {
  readonly statements: StatementStructures[] = [];
  private readonly localImports = new Map<OutFile, Set<string>>();
  private readonly runtimeImports = new Set<string>();

  constructor(
    readonly file: OutFile,
    readonly model: EmitModel,
  ) {}

  /** Adds declarations in order. */
  add(...statements: StatementStructures[]): void {
    this.statements.push(...statements);
  }

  /** Refers to a generated identifier (type position), importing it if another file owns it. */
  use(id: string): string {
    const owner = this.model.plan.owner.get(id);
    if (owner === undefined) throw new Error(`internal: unplanned identifier ${id}`);
    if (owner !== this.file) {
      let names = this.localImports.get(owner);
      if (!names) this.localImports.set(owner, (names = new Set()));
      names.add(id);
    }
    return id;
  }

  /** Refers to the identifier of an IR type by its IR name. */
  useType(irName: string): string {
    const id = this.model.plan.types.get(irName);
    if (id === undefined) throw new Error(`internal: reference to undefined type ${JSON.stringify(irName)}`);
    return this.use(id);
  }

  /** Refers to a runtime type; imported with `import type` from the runtime module. */
  runtime(name: RuntimeName): string {
    this.runtimeImports.add(name);
    return name;
  }

  /** The import declarations this file needs, in a stable order. */
  imports(): ImportDeclarationStructure[] {
    const out: ImportDeclarationStructure[] = [];
    if (this.runtimeImports.size > 0) {
      out.push(importType(this.model.options.runtimeImport, this.runtimeImports));
    }
    for (const file of [...this.localImports.keys()].sort()) {
      out.push(importType(`./${file}.js`, this.localImports.get(file) ?? []));
    }
    return out;
  }
}

function importType(moduleSpecifier: string, names: Iterable<string>): ImportDeclarationStructure {
  return {
    kind: StructureKind.ImportDeclaration,
    isTypeOnly: true,
    moduleSpecifier,
    namedImports: [...names].sort(),
  };
}
