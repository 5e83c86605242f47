/**
 * Rendering replies, errors and events: JSON compact or pretty, ANSI colors only when asked.
 * @module
 */

/** ANSI styles; all empty when color is off. */
export interface Palette {
  readonly key: (s: string) => string;
  readonly string: (s: string) => string;
  readonly number: (s: string) => string;
  readonly literal: (s: string) => string;
  readonly error: (s: string) => string;
  readonly event: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plain = (s: string) => s;

/** The palette for a stream: colors only on a TTY and when NO_COLOR is unset or empty. */
export function paletteFor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Palette {
  const color = isTTY && (env["NO_COLOR"] === undefined || env["NO_COLOR"] === "");
  if (!color)
    return { key: plain, string: plain, number: plain, literal: plain, error: plain, event: plain, dim: plain, bold: plain };
  return {
    key: sgr("36"),
    string: sgr("32"),
    number: sgr("33"),
    literal: sgr("35"),
    error: sgr("31"),
    event: sgr("1;33"),
    dim: sgr("2"),
    bold: sgr("1"),
  };
}

/** JSON text of `value` (bigint exact), compact on one line or indented by two. */
export function formatJson(value: unknown, pretty: boolean, palette?: Palette): string {
  return render(value, pretty ? "\n" : "", palette);
}

function render(value: unknown, newline: string, p: Palette | undefined): string {
  if (value === undefined) return p ? p.literal("null") : "null";
  if (value === null || typeof value === "boolean") return p ? p.literal(String(value)) : String(value);
  if (typeof value === "bigint") return p ? p.number(value.toString()) : value.toString();
  if (typeof value === "number") {
    const text = Number.isFinite(value) ? String(value) : "null";
    return p ? p.number(text) : text;
  }
  if (typeof value === "string") return p ? p.string(JSON.stringify(value)) : JSON.stringify(value);
  const inner = newline === "" ? "" : `${newline}  `;
  const sep = newline === "" ? "," : ",";
  const colon = newline === "" ? ":" : ": ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => render(v, inner, p));
    return `[${inner}${items.join(sep + inner)}${newline}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const items = entries.map(([k, v]) => `${p ? p.key(JSON.stringify(k)) : JSON.stringify(k)}${colon}${render(v, inner, p)}`);
  return `{${inner}${items.join(sep + inner)}${newline}}`;
}

/** `ErrorClass: desc`, red when colored. */
export function formatError(errorClass: string, desc: string, palette: Palette): string {
  return palette.error(`${errorClass}: ${desc}`);
}

/** An event for people: time, name, data. */
export function formatEvent(event: Record<string, unknown>, pretty: boolean, palette: Palette): string {
  const stamp = event["timestamp"] as { seconds?: number; microseconds?: number } | undefined;
  const seconds = stamp?.seconds ?? -1;
  const time =
    seconds >= 0
      ? new Date(seconds * 1000 + Math.floor((stamp?.microseconds ?? 0) / 1000)).toISOString().slice(11, 23)
      : "--:--:--.---";
  const data = event["data"] === undefined ? "" : ` ${formatJson(event["data"], pretty, palette)}`;
  return `${palette.dim(time)} ${palette.event(String(event["event"]))}${data}`;
}

/** Lists words in columns that fit `width`, as readline lists completions. */
export function columns(words: readonly string[], width: number): string {
  if (words.length === 0) return "";
  const cell = Math.max(...words.map((w) => w.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows: string[] = [];
  for (let i = 0; i < words.length; i += perRow) {
    rows.push(
      words
        .slice(i, i + perRow)
        .map((w) => w.padEnd(cell))
        .join("")
        .trimEnd(),
    );
  }
  return rows.join("\n");
}
