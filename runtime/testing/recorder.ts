/**
 * `QmpRecorder`: records a client's QMP traffic into a cassette for `QmpTestServer.replay()`.
 * @module
 */

import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import type { MessageHooks } from "../client-options.js";
import { parseQmpJson } from "../json-parse.js";
import { stringifyMessage } from "../json-stringify.js";
import {
  CASSETTE_FORMAT,
  cassetteLine,
  qmpkitVersion,
  type CassetteDirection,
  type CassetteEntry,
  type CassetteHeader,
} from "./cassette.js";

/** Rewrites a message before it is stored, e.g. to hide secrets. Gets a copy; may modify and return it. */
export type CassetteRedactor = (message: Record<string, unknown>, direction: CassetteDirection) => Record<string, unknown>;

/** Options for {@link QmpRecorder}. */
export interface QmpRecorderOptions {
  /**
   * Your own traffic hooks: `recorder.hooks` calls them too, so one client can both record
   * and log/filter. The recorder stores inbound messages before your `inbound` hook runs (a
   * message it drops is still recorded, as it was on the wire), and outbound messages after
   * your `outbound` hook (a message it refuses by throwing is not recorded).
   */
  hooks?: MessageHooks | undefined;
  /**
   * Called with a copy of every message (both directions, greeting included) before it is
   * stored; return what to store. Use it to replace passwords and keys. Replay matches
   * command arguments exactly, so pass the same function to `QmpTestServer.replay(path,
   * { redact })`, which applies it to the commands it receives before matching them.
   */
  redact?: CassetteRedactor | undefined;
}

/**
 * Records every message a client sends and receives, for {@link QmpTestServer.replay}.
 *
 * @example
 * ```ts
 * const recorder = new QmpRecorder();
 * const qmp = new QmpClient({ hooks: recorder.hooks });
 * // ... run the code under test against a real QEMU ...
 * await recorder.save("test/cassettes/create-disk.jsonl");
 * ```
 */
export class QmpRecorder {
  /** Pass these as the client's `hooks` option. */
  readonly hooks: MessageHooks;
  readonly #redact: CassetteRedactor | undefined;
  #greeting: CassetteHeader["greeting"] = null;
  #start: number | undefined;
  // Serialised at once (a snapshot: the live message goes on to the client or the wire); parsed on demand.
  readonly #lines: string[] = [];
  #parsed: CassetteEntry[] = [];
  #error: Error | undefined;

  constructor(options: QmpRecorderOptions = {}) {
    this.#redact = options.redact;
    const user = options.hooks ?? {};
    this.hooks = {
      inbound: (message) => {
        this.#record("in", message);
        return user.inbound?.(message);
      },
      outbound: (message) => {
        user.outbound?.(message);
        this.#record("out", message);
      },
    };
  }

  /** The messages recorded so far (after redaction), greeting excluded. */
  get entries(): readonly CassetteEntry[] {
    for (let i = this.#parsed.length; i < this.#lines.length; i++) {
      this.#parsed.push(parseQmpJson(this.#lines[i] as string) as CassetteEntry);
    }
    return this.#parsed;
  }

  /** The greeting recorded (after redaction), or null. */
  get greeting(): CassetteHeader["greeting"] {
    return this.#greeting;
  }

  /** The cassette as text: the header line, then one line per message, each ending in `\n`. */
  toJSONL(): string {
    if (this.#error !== undefined) throw this.#error;
    const version = this.#greeting?.QMP.version;
    const header: CassetteHeader = {
      "qmpkit-cassette": CASSETTE_FORMAT,
      qmpkit: qmpkitVersion(),
      qemu: version === undefined ? null : `${version.qemu.major}.${version.qemu.minor}.${version.qemu.micro}`,
      package: version?.package ?? null,
      greeting: this.#greeting,
    };
    return [cassetteLine(header), ...this.#lines].map((line) => `${line}\n`).join("");
  }

  /** Writes the cassette to `path` (creating its directory). Rejects if `redact` threw on any message. */
  async save(path: string): Promise<void> {
    const text = this.toJSONL();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }

  /** Forgets everything recorded (to record a new scenario with the same client). */
  clear(): void {
    this.#greeting = null;
    this.#start = undefined;
    this.#lines.length = 0;
    this.#parsed = [];
    this.#error = undefined;
  }

  #record(dir: CassetteDirection, message: Record<string, unknown>): void {
    const now = performance.now();
    this.#start ??= now;
    let text: string;
    try {
      // Without redact, serialising is the snapshot; redact gets a copy it may modify, of the message
      // as on the wire (toJSON() applied, functions left out: what structuredClone could not copy).
      const copy = () => parseQmpJson(stringifyMessage(message)) as Record<string, unknown>;
      const stored = this.#redact === undefined ? message : this.#redact(copy(), dir);
      if (typeof stored !== "object" || stored === null || Array.isArray(stored)) {
        throw new TypeError(`it returned ${Array.isArray(stored) ? "an array" : String(stored)}, not a message object`);
      }
      text = stringifyMessage(stored);
    } catch (error) {
      // Never store what redact could not clean; save() reports it. The client is unaffected.
      this.#error ??= new Error(`QmpRecorder: redact failed on a message: ${(error as Error).message}`, { cause: error });
      return;
    }
    if (dir === "in" && this.#greeting === null && this.#lines.length === 0 && "QMP" in message) {
      this.#greeting = parseQmpJson(text) as NonNullable<CassetteHeader["greeting"]>;
      return;
    }
    // The same member order as cassetteLine() writes for an entry.
    this.#lines.push(`{"t":${Math.round(now - this.#start)},"dir":"${dir}","msg":${text}}`);
  }
}
