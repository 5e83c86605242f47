/**
 * Commands whose arguments QEMU does not check against their introspected type.
 * @module
 */

/**
 * Commands declared `gen: false` in QEMU's QAPI source: QEMU's generated argument checking is
 * skipped and the command's own code reads the arguments. Introspection shows only their
 * fixed members. For these the validator reports only missing mandatory members, with QEMU's
 * text; it does not check types, and extra members are allowed.
 *
 * - `device_add`: takes any property of the device model as an extra member. QEMU's code turns
 *   scalar values into strings (a number as `driver` becomes the model name `'5'`) and skips
 *   `null`, objects and arrays, so a mandatory member holding one of those counts as missing.
 */
export const UNCHECKED_ARGUMENT_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  device_add: "gen: false; takes the device model's properties as extra members and converts scalar values itself",
});

/** True when QEMU does not type-check `command`'s arguments (see {@link UNCHECKED_ARGUMENT_COMMANDS}). */
export function isUncheckedCommand(command: string): boolean {
  return Object.hasOwn(UNCHECKED_ARGUMENT_COMMANDS, command);
}
