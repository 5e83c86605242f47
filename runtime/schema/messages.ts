/**
 * QEMU 7.2's own texts for argument errors (class GenericError, or CommandNotFound), so
 * that validation reports exactly what QEMU would. Measured against the real QEMU.
 * @module
 */

/** A mandatory member is absent. `path`: the full name (`options.size`, `a[0].b`). */
export const missingText = (path: string): string => `Parameter '${path}' is missing`;

/** A member that the type does not have. */
export const unexpectedText = (path: string): string => `Parameter '${path}' is unexpected`;

/** Wrong JSON type; `expected` is `string`, `boolean`, `integer`, `number`, `null`, `object`, `array`, or an alternate's QAPI name. */
export const typeText = (path: string, expected: string): string => `Invalid parameter type for '${path}', expected: ${expected}`;

/** A value the integer width does not accept (`uint64` with the full name; narrow widths as `uint8_t` with the bare name). */
export const expectsText = (path: string, what: string): string => `Parameter '${path}' expects ${what}`;

/** A string that is not one of the enum's values. QEMU uses the bare member name here. */
export const enumText = (name: string, value: string): string => `Parameter '${name}' does not accept value '${value}'`;

/** The `arguments` of the command message are not a JSON object. */
export const ARGUMENTS_NOT_OBJECT = "QMP input member 'arguments' must be an object";

/** The message nests objects and arrays deeper than QEMU's JSON parser accepts (1,024 levels; an id-less error). */
export const NESTING_TOO_DEEP = "JSON nesting depth limit exceeded";

/** The command does not exist (QEMU's error class CommandNotFound). */
export const commandNotFoundText = (command: string): string => `The command ${command} has not been found`;

/** QEMU's name in messages for a member without a name of its own (a list element). */
export const bareName = (name: string | null): string => name ?? "null";

/** QEMU's full name of a member: `parent.member`, or the member alone at the top. */
export const memberPath = (parent: string, member: string): string => (parent === "" ? member : `${parent}.${member}`);
