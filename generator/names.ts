/**
 * Word-splitting helpers shared by name derivation and the emitter.
 * @module
 */

/** Splits a QAPI name into words at every run of non-alphanumeric ASCII characters. */
export function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
}

function capitalize(word: string): string {
  // ALL-CAPS words (event names) read better as "Job" than "JOB"; mixed case is kept.
  const body = /^[A-Z0-9]+$/.test(word) ? word.slice(1).toLowerCase() : word.slice(1);
  return word.charAt(0).toUpperCase() + body;
}

/** `"job-status_change"` / `"JOB_STATUS_CHANGE"` → `"JobStatusChange"`. Non-ASCII is dropped. */
export function pascalCase(name: string): string {
  return words(name).map(capitalize).join("");
}

/** `"block_resize"` → `"blockResize"`; `"x-colo-lost-heartbeat"` → `"xColoLostHeartbeat"`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  // Keep a leading acronym readable: "QOM" → "qom", not "qOM".
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$|\d)/.exec(pascal)?.[0] ?? pascal.charAt(0);
  return lead.toLowerCase() + pascal.slice(lead.length);
}

/** Picks `base`, or `base2`, `base3`, ... — the first not in `taken` — and records it. */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}
