/**
 * Text forms of schema changes: one line per change (`- command x-foo`, `+ PATH (optional)`,
 * `~ PATH: int -> str`, `+ feature deprecated on query-cpus`) and a one-line summary.
 * @module
 */
import type { SchemaChange } from "./compare.js";

const SIGNS: Readonly<Record<SchemaChange["change"], string>> = { added: "+", removed: "-", changed: "~" };

/** The line for one change. */
export function changeLine(c: SchemaChange): string {
  const sign = SIGNS[c.change];
  if (c.change === "changed") return `${sign} ${c.path}: ${c.detail}`;
  if (c.detail === "command" || c.detail === "event") return `${sign} ${c.detail} ${c.path}`;
  if (c.detail.startsWith("feature ") || c.detail === "allow-oob") return `${sign} ${c.detail} on ${c.path}`;
  if (c.detail.startsWith("type feature ")) return `${sign} ${c.detail.slice("type ".length)} on type at ${c.path}`;
  return `${sign} ${c.path}${c.detail === "member (optional)" && c.change === "added" ? " (optional)" : ""}`;
}

/** `3 changes (1 breaking): 2 removed, 1 added` or `no interface changes`. */
export function changeSummary(changes: readonly SchemaChange[]): string {
  if (changes.length === 0) return "no interface changes";
  const count = (k: SchemaChange["change"]): number => changes.filter((c) => c.change === k).length;
  const breaking = changes.filter((c) => c.breaking).length;
  const parts = (["removed", "changed", "added"] as const).filter((k) => count(k) > 0).map((k) => `${count(k)} ${k}`);
  return `${changes.length} change${changes.length === 1 ? "" : "s"} (${breaking} breaking): ${parts.join(", ")}`;
}
