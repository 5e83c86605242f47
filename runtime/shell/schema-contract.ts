/**
 * TEMPORARY until the live-schema branch (i10) is merged: the part of `QmpSchema` the shell
 * uses, and a minimal stand-in built from saved entries (lookup only; no validation).
 * @module
 */

/** One introspection entry, as QEMU sends it (wire shape). */
export interface WireEntry {
  readonly name: string;
  readonly "meta-type": string;
  readonly features?: readonly string[];
  readonly [key: string]: unknown;
}

/** One argument problem: `path` (e.g. `options.size`), QEMU's `message`, the masked type expected there. */
export interface ArgumentIssue {
  path: string;
  message: string;
  type?: string;
}

/** What the shell needs from a live schema. */
export interface ShellSchema {
  readonly entries: readonly WireEntry[];
  type(name: string): WireEntry | undefined;
  command(name: string): WireEntry | undefined;
  event(name: string): WireEntry | undefined;
  commands(): string[];
  events(): string[];
  hasCommand(name: string): boolean;
  hasEvent(name: string): boolean;
  validateArguments(command: string, args: unknown): readonly ArgumentIssue[];
}

/** Lookup-only stand-in. */
export class EntrySchema implements ShellSchema {
  readonly entries: readonly WireEntry[];
  private readonly byName = new Map<string, WireEntry>();
  constructor(reply: unknown) {
    const list = Array.isArray(reply) ? reply : (reply as { return: unknown[] }).return;
    this.entries = list as WireEntry[];
    for (const entry of this.entries) this.byName.set(entry.name, entry);
  }
  type(name: string): WireEntry | undefined {
    return this.byName.get(name);
  }
  command(name: string): WireEntry | undefined {
    const e = this.byName.get(name);
    return e?.["meta-type"] === "command" ? e : undefined;
  }
  event(name: string): WireEntry | undefined {
    const e = this.byName.get(name);
    return e?.["meta-type"] === "event" ? e : undefined;
  }
  commands(): string[] {
    return this.entries.filter((e) => e["meta-type"] === "command").map((e) => e.name);
  }
  events(): string[] {
    return this.entries.filter((e) => e["meta-type"] === "event").map((e) => e.name);
  }
  hasCommand(name: string): boolean {
    return this.command(name) !== undefined;
  }
  hasEvent(name: string): boolean {
    return this.event(name) !== undefined;
  }
  validateArguments(): readonly ArgumentIssue[] {
    return [];
  }
}
