/**
 * JSON output in QEMU's layout: `{"key": value, ...}` with ": " and ", " separators,
 * everything outside printable ASCII escaped as upper-case `\uXXXX`, and a pretty mode
 * that indents by four and puts even empty containers on two lines.
 * @module
 */

const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Serializes a value as QEMU would print it. `bigint` is written as an exact integer;
 * `undefined` members are skipped (as with `JSON.stringify`); non-finite numbers become
 * `null`. `newline` is the line ending used between lines in pretty mode.
 */
export function formatQmpJson(value: unknown, pretty = false, newline = "\r\n"): string {
  return write(value, pretty ? newline : undefined, "");
}

function write(value: unknown, newline: string | undefined, indent: string): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return formatNumber(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? array(value, newline, indent) : object(value as Record<string, unknown>, newline, indent);
    default:
      // Functions, symbols, undefined at the top level: not JSON; QEMU would have nothing.
      return "null";
  }
}

// Plain string concatenation: this runs for every reply, so it avoids temporary arrays.
function array(items: readonly unknown[], newline: string | undefined, indent: string): string {
  if (newline === undefined) {
    let out = "[";
    for (let i = 0; i < items.length; i++) out += (i === 0 ? "" : ", ") + write(items[i], undefined, indent);
    return out + "]";
  }
  const inner = indent + "    ";
  let out = "[" + newline;
  for (let i = 0; i < items.length; i++) out += (i === 0 ? "" : "," + newline) + inner + write(items[i], newline, inner);
  return out + (items.length === 0 ? "" : newline) + indent + "]";
}

function object(record: Record<string, unknown>, newline: string | undefined, indent: string): string {
  const inner = newline === undefined ? indent : indent + "    ";
  const separator = newline === undefined ? ", " : "," + newline;
  let out = newline === undefined ? "{" : "{" + newline;
  let first = true;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? "" : separator) + (newline === undefined ? "" : inner) + quote(key) + ": " + write(v, newline, inner);
    first = false;
  }
  if (newline === undefined) return out + "}";
  return out + (first ? "" : newline) + indent + "}";
}

/** Integers print plainly; other doubles like C's `%.17g`, which is what QEMU uses. */
function formatNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return "null";
  const [mantissa = "", exponentText = "0"] = n.toExponential(16).split("e");
  const exponent = Number(exponentText);
  const trim = (digits: string): string => (digits.includes(".") ? digits.replace(/\.?0+$/, "") : digits);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? "-" : "+";
    return `${trim(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trim(n.toFixed(16 - exponent));
}

/** Quotes a string with QEMU's escapes: `"` `\` and controls, and `\uXXXX` beyond ASCII. */
function quote(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? "";
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}
