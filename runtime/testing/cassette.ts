/**
 * The cassette file format (JSONL) shared by `QmpRecorder` and `QmpTestServer.replay()`.
 *
 * Line 1, the header:
 * `{"qmpkit-cassette":1,"qmpkit":"0.1.0","qemu":"7.2.22","package":"Debian ...","greeting":{"QMP":{...}}}`
 * (`qemu`, `package` and `greeting` are null when the server sent no greeting, e.g. qemu-ga).
 * Then one line per message after the greeting, in wire order:
 * `{"t":12,"dir":"out","msg":{"execute":"stop","id":2}}` — `t` is milliseconds since the
 * greeting (since the first message without one), `dir` is `"out"` (client to server) or
 * `"in"` (server to client), `msg` the message as it was on the wire (after `redact`).
 * @module
 */

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseQmpJson } from "../json-parse.js";
import { stringifyMessage } from "../json-stringify.js";

/** The format version written in the header's `qmpkit-cassette` member. */
export const CASSETTE_FORMAT = 1;

/** Which way a message went: `"out"` client → server, `"in"` server → client. */
export type CassetteDirection = "in" | "out";

/** The first line of a cassette. */
export interface CassetteHeader {
  "qmpkit-cassette": number;
  /** The qmpkit version that recorded it. */
  qmpkit: string;
  /** QEMU's version from the greeting, `major.minor.micro`; null without a greeting. */
  qemu: string | null;
  /** QEMU's package string from the greeting; null without a greeting. */
  package: string | null;
  /** The greeting message as received; null when the server sent none. */
  greeting: {
    QMP: { version: { qemu: { major: number; minor: number; micro: number }; package: string }; capabilities: string[] };
  } | null;
}

/** One recorded message. */
export interface CassetteEntry {
  /** Milliseconds since the greeting (or the first message). */
  t: number;
  dir: CassetteDirection;
  msg: Record<string, unknown>;
}

/** A parsed cassette. */
export interface Cassette {
  header: CassetteHeader;
  entries: CassetteEntry[];
  /** 1-based line number of each entry, for messages that point into the file. */
  lines: number[];
}

/** A cassette that cannot be read: names the file and line. */
export class CassetteError extends Error {
  override readonly name = "CassetteError";
}

/** Serialises a header or entry as one line: members in a fixed order, compact JSON, exact bigints. */
export function cassetteLine(value: CassetteHeader | CassetteEntry): string {
  return stringifyMessage(value);
}

/** The qmpkit version, from the package's package.json (sources and dist/ alike). */
export function qmpkitVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "qmpkit" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses cassette text; `source` names it in errors. */
export function parseCassette(text: string, source: string): Cassette {
  const rows = text.split(/\r?\n/);
  let header: CassetteHeader | undefined;
  const entries: CassetteEntry[] = [];
  const lines: number[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.trim() === "") continue;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = parseQmpJson(row);
    } catch (error) {
      throw new CassetteError(`${where}: not JSON: ${(error as Error).message}`);
    }
    if (!isObject(value)) throw new CassetteError(`${where}: expected a JSON object`);
    if (header === undefined) {
      header = checkHeader(value, where);
      continue;
    }
    const { t, dir, msg } = value;
    if (typeof t !== "number" || (dir !== "in" && dir !== "out") || !isObject(msg)) {
      throw new CassetteError(`${where}: expected {"t": number, "dir": "in" | "out", "msg": {...}}`);
    }
    entries.push({ t, dir, msg });
    lines.push(i + 1);
  }
  if (header === undefined) throw new CassetteError(`${source}: empty cassette (no header line)`);
  return { header, entries, lines };
}

function checkHeader(value: Record<string, unknown>, where: string): CassetteHeader {
  const format = value["qmpkit-cassette"];
  if (format === undefined) throw new CassetteError(`${where}: not a qmpkit cassette (the header lacks "qmpkit-cassette")`);
  if (format !== CASSETTE_FORMAT) {
    throw new CassetteError(
      `${where}: cassette format ${JSON.stringify(format)} is not supported (this qmpkit reads ${CASSETTE_FORMAT})`,
    );
  }
  const greeting = value["greeting"];
  if (greeting !== null && !isGreeting(greeting)) {
    throw new CassetteError(
      `${where}: "greeting" must be null or a QMP greeting: {"QMP": {"version": {"qemu": {"major", "minor", "micro"}, "package"}, "capabilities": [...]}}`,
    );
  }
  return value as unknown as CassetteHeader;
}

// What replay greets with: QEMU's greeting shape, checked so a hand-edited header fails here, by line.
function isGreeting(value: unknown): boolean {
  const qmp = isObject(value) ? value["QMP"] : undefined;
  const version = isObject(qmp) ? qmp["version"] : undefined;
  const qemu = isObject(version) ? version["qemu"] : undefined;
  const capabilities = isObject(qmp) ? qmp["capabilities"] : undefined;
  return (
    isObject(qemu) &&
    ["major", "minor", "micro"].every((part) => Number.isInteger(qemu[part])) &&
    typeof (version as Record<string, unknown>)["package"] === "string" &&
    Array.isArray(capabilities) &&
    capabilities.every((c) => typeof c === "string")
  );
}

/** Reads and parses a cassette file. */
export async function readCassette(path: string): Promise<Cassette> {
  return parseCassette(await readFile(path, "utf8"), path);
}
