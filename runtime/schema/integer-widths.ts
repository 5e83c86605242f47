/**
 * QAPI integer widths. Introspection shows every integer as `int`; QEMU's texts and range
 * checks depend on the declared width, which a caller may supply (see QmpSchemaOptions).
 * @module
 */
import { asInt64, asUint64, type WireKind } from "./wire-value.js";
import { bareName, expectsText, typeText } from "./messages.js";

/** The QAPI integer types. `size` behaves as `uint64` on the wire. */
export type IntegerWidth = "int" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "size";

const RANGES: Readonly<Record<IntegerWidth, readonly [bigint, bigint] | undefined>> = {
  int: undefined,
  int64: undefined,
  uint64: undefined,
  size: undefined,
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint8: [0n, 2n ** 8n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
};

/** True for the names of {@link IntegerWidth}. */
export function isIntegerWidth(name: string): name is IntegerWidth {
  return Object.hasOwn(RANGES, name);
}

/**
 * QEMU's text for an integer member of width `width` holding a value of `kind`, or undefined
 * when QEMU accepts it. Signed widths read an int64 (anything else: "expected: integer");
 * unsigned ones a uint64 or int64 (negatives wrap; anything else: "expects uint64"); narrow
 * widths then check the range, naming the member by its bare name.
 */
export function integerProblem(
  width: IntegerWidth,
  kind: WireKind,
  value: unknown,
  path: string,
  name: string | null,
): string | undefined {
  const range = RANGES[width];
  if (width.startsWith("u") || width === "size") {
    if (kind !== "int64" && kind !== "uint64") return expectsText(path, "uint64");
    if (range !== undefined && asUint64(value) > range[1]) return expectsText(bareName(name), `${width}_t`);
    return undefined;
  }
  if (kind !== "int64") return typeText(path, "integer");
  if (range === undefined) return undefined;
  const signed = asInt64(value);
  return signed < range[0] || signed > range[1] ? expectsText(bareName(name), `${width}_t`) : undefined;
}
