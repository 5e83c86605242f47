/**
 * "Did you mean": names close to a typo (prefix, substring, or a small edit distance).
 * @module
 */

/** Up to `limit` names from `names` that look like `typed`, best first. */
export function suggest(typed: string, names: readonly string[], limit = 5): string[] {
  const scored: [number, string][] = [];
  for (const name of names) {
    const distance = editDistance(typed, name);
    const score = name.startsWith(typed)
      ? 0
      : distance <= Math.max(1, Math.floor(typed.length / 3))
        ? distance
        : name.includes(typed)
          ? 3
          : -1;
    if (score >= 0) scored.push([score, name]);
  }
  return scored
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
    .slice(0, limit)
    .map(([, name]) => name);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
