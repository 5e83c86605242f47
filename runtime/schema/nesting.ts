/**
 * QEMU's JSON parser refuses a message nested more than 1,024 containers deep (objects and
 * arrays together, the message's own braces included) with an error that carries no id.
 * @module
 */
import { wireValue } from "./wire-value.js";

/** Containers QEMU 7.2's JSON streamer accepts on one path, the command message's own braces included. */
export const QEMU_MAX_NESTING = 1024;

/**
 * True when `args` (already through `wireValue`), sent as a command's `arguments`, would nest
 * deeper than QEMU accepts. Iterative, so any depth is measured without exhausting the stack;
 * a circular value is not followed (it cannot be serialised at all).
 */
export function nestsTooDeep(args: object): boolean {
  // The message's braces hold the arguments' braces: the arguments object is at depth 2.
  const stack: { value: object; depth: number; leave: boolean }[] = [{ value: args, depth: 2, leave: false }];
  const onPath = new Set<object>();
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, depth } = top;
    if (top.leave) {
      onPath.delete(value);
      continue;
    }
    if (depth > QEMU_MAX_NESTING) return true;
    if (onPath.has(value)) continue;
    onPath.add(value);
    stack.push({ value, depth, leave: true });
    const items: [string, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [String(index), item])
      : Object.entries(value as Record<string, unknown>);
    for (const [key, item] of items) {
      if (typeof item !== "object" || item === null) continue; // only objects (and their toJSON) nest
      const wire = wireValue(item, key);
      if (typeof wire === "object" && wire !== null) stack.push({ value: wire, depth: depth + 1, leave: false });
    }
  }
  return false;
}
