/**
 * Small statistics and table helpers shared by the runtime benchmarks.
 * @module
 */

/** Median of a sample (upper median for even sizes). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Smallest and largest value of a sample. */
export function range(xs: readonly number[]): [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

/** Spread as a percentage of the median: (max - min) / median. */
export function spreadPct(xs: readonly number[]): number {
  const [lo, hi] = range(xs);
  return ((hi - lo) / median(xs)) * 100;
}

/** Formats a number with thousands separators and `digits` decimals. */
export function fmt(x: number, digits = 0): string {
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** `median (min–max)` with `digits` decimals. */
export function summary(xs: readonly number[], digits = 0): string {
  const [lo, hi] = range(xs);
  return `${fmt(median(xs), digits)} (${fmt(lo, digits)}–${fmt(hi, digits)})`;
}

/** A markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Resolves after pending I/O callbacks ran (lets microtask-driven consumers drain first). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
