/**
 * Replaying a cassette: which recorded reply answers which command, and where the recorded
 * events go. Used by `QmpTestServer.replay()`.
 * @module
 */

import { onAbort } from "../abort-listeners.js";
import type { Cassette } from "./cassette.js";
import { QmpTestError } from "./errors.js";
import { defaultHandlers } from "./handlers/defaults.js";
import { DEFAULT_OOB_COMMANDS } from "./qemu-defaults.js";
import type { Handler, HandlerContext, QmpTestServerOptions } from "./types.js";
import type { QmpTestServer } from "./server.js";
import { describeCommand, isObject, jsonEqual, readRecordings, type EventMessage, type Recording } from "./recordings.js";

/** Options for `QmpTestServer.replay()`. */
export interface ReplayOptions {
  /**
   * Also make `server.close()` reject (with a {@link ReplayMismatchError}) when commands were
   * unmatched or recorded commands were never asked for. Default false.
   */
  strict?: boolean | undefined;
  /**
   * The recorder's `redact` function: applied to a copy of each received command before it
   * is matched, so commands whose secrets the cassette hides still match.
   */
  redact?: ((message: Record<string, unknown>, direction: "in" | "out") => Record<string, unknown>) | undefined;
}

/** A recorded command that was never asked for during replay. */
export interface UnusedRecording {
  readonly command: string;
  readonly arguments: Record<string, unknown> | undefined;
  /** Its line in the cassette. */
  readonly line: number;
}

/** A received command the cassette had no (more) reply for. */
export interface UnmatchedCommand {
  readonly command: string;
  readonly arguments: Record<string, unknown>;
  /** The closest recorded command, as `name {arguments}`; undefined when the cassette has none. */
  readonly closest: string | undefined;
  /** The desc of the GenericError it was answered with. */
  readonly desc: string;
}

/** Rejected by a strict replay server's `close()`: lists what did not go as recorded. */
export class ReplayMismatchError extends Error {
  override readonly name = "ReplayMismatchError";
  constructor(
    readonly unmatched: readonly UnmatchedCommand[],
    readonly unused: readonly UnusedRecording[],
  ) {
    const parts = [
      ...unmatched.map((u) => `  not in the cassette: ${describeCommand(u.command, u.arguments)}`),
      ...unused.map((u) => `  recorded but never asked for: ${describeCommand(u.command, u.arguments)} (line ${u.line})`),
    ];
    super(`replay did not go as recorded:\n${parts.join("\n")}`);
  }
}

interface DeferredEvent {
  readonly message: EventMessage;
  readonly due: number;
  readonly server: QmpTestServer;
}

// Events that came after a reply are sent on a timer at their recorded distance, at most this late
// (or at once when the next command arrives), so a client reads them apart from the reply, as live.
const MAX_EVENT_GAP_MS = 100;

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

// How different two argument objects are: top-level members missing, extra or unequal.
function argumentDistance(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let distance = 0;
  for (const key of keys) if (!jsonEqual(a[key], b[key])) distance++;
  return distance;
}

/** @internal The replay state behind a server made by `QmpTestServer.replay()`. */
export class CassettePlayer {
  readonly unmatched: UnmatchedCommand[] = [];
  readonly strict: boolean;
  readonly #recordings: Recording[];
  // Per command name: its recordings in order, and where the unused ones start (replays mostly go in order).
  readonly #byName = new Map<string, { list: Recording[]; firstUnused: number }>();
  readonly #negotiation: Recording;
  readonly #cassette: Cassette;
  readonly #redact: ReplayOptions["redact"];
  readonly #source: string;
  // After-reply events not sent yet, with when they are due; one timer for the earliest.
  #deferred: DeferredEvent[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(cassette: Cassette, source: string, options: ReplayOptions) {
    this.#cassette = cassette;
    this.#source = source;
    this.strict = options.strict === true;
    this.#redact = options.redact;
    ({ recordings: this.#recordings, negotiation: this.#negotiation } = readRecordings(cassette));
    for (const r of this.#recordings) {
      const entry = this.#byName.get(r.command) ?? { list: [], firstUnused: 0 };
      entry.list.push(r);
      this.#byName.set(r.command, entry);
    }
  }

  /** Recorded commands not asked for so far. */
  get unused(): UnusedRecording[] {
    return this.#recordings.filter((r) => !r.used).map((r) => ({ command: r.command, arguments: r.arguments, line: r.line }));
  }

  /** Options for the server: the recorded greeting, no default handlers, every command from the cassette. */
  serverOptions(): QmpTestServerOptions {
    const greeting = this.#cassette.header.greeting;
    const negotiate = defaultHandlers()["qmp_capabilities"] as Handler;
    const oobCommands = new Set(DEFAULT_OOB_COMMANDS);
    for (const r of this.#recordings) if (r.oob) oobCommands.add(r.command);
    return {
      greeting: greeting === null ? false : { version: greeting.QMP.version, capabilities: greeting.QMP.capabilities },
      defaultHandlers: false,
      oobCommands: [...oobCommands],
      handlers: {
        qmp_capabilities: (args, ctx) => {
          const result = negotiate(args, ctx);
          ctx.afterReply(() => this.#defer(this.#negotiation, ctx.server));
          return result;
        },
      },
      fallback: (args, ctx) => this.#serve(args, ctx),
    };
  }

  /** Throws a {@link ReplayMismatchError} in strict mode when something did not go as recorded. */
  check(): void {
    const unused = this.unused;
    if (this.strict && (this.unmatched.length > 0 || unused.length > 0)) {
      throw new ReplayMismatchError([...this.unmatched], unused);
    }
  }

  /** Stops the event timer. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deferred = [];
  }

  #serve(received: Record<string, unknown>, ctx: HandlerContext): unknown {
    this.#flush(); // events recorded before this command was sent go out before anything of it
    const args = this.#redactedArgs(received, ctx);
    const recording = this.#take(ctx.command, args);
    if (recording === undefined) return this.#unmatched(ctx.command, args);
    for (const event of recording.before) emitRecorded(ctx.server, event.message);
    const reply = recording.reply;
    if (reply === undefined) {
      // QEMU never answered it while recording: neither do we (the connection's close ends the wait;
      // one listener on its signal for all such commands, so many of them print no warning).
      return new Promise((resolve) => onAbort(ctx.signal, () => resolve(undefined)));
    }
    if (ctx.command === "quit") {
      // Like QEMU: the rest of what was recorded goes out, then the connection ends.
      ctx.afterReply(() => {
        for (const event of recording.after) emitRecorded(ctx.server, event.message);
        ctx.end({ reset: true });
      });
    } else ctx.afterReply(() => this.#defer(recording, ctx.server));
    if (reply.error !== undefined) throw new QmpTestError(reply.error.class, reply.error.desc);
    return reply.return;
  }

  // The first unused recording of `command` with equal arguments, marked used.
  #take(command: string, args: Record<string, unknown>): Recording | undefined {
    const entry = this.#byName.get(command);
    if (entry === undefined) return undefined;
    const { list } = entry;
    for (let i = entry.firstUnused; i < list.length; i++) {
      const r = list[i] as Recording;
      if (r.used || !jsonEqual(r.arguments ?? {}, args)) continue;
      r.used = true;
      while (entry.firstUnused < list.length && (list[entry.firstUnused] as Recording).used) entry.firstUnused++;
      return r;
    }
    return undefined;
  }

  #redactedArgs(args: Record<string, unknown>, ctx: HandlerContext): Record<string, unknown> {
    if (this.#redact === undefined) return args;
    const message: Record<string, unknown> = { [ctx.oob ? "exec-oob" : "execute"]: ctx.command, arguments: args };
    if (ctx.id !== undefined) message["id"] = ctx.id;
    const redacted = this.#redact(structuredClone(message), "out")["arguments"];
    return isObject(redacted) ? redacted : {};
  }

  #unmatched(command: string, args: Record<string, unknown>): never {
    const sameName = this.#byName.get(command)?.list ?? [];
    let closest: Recording | undefined;
    let desc: string;
    const asked = describeCommand(command, args);
    if (sameName.some((r) => jsonEqual(r.arguments ?? {}, args))) {
      const count = sameName.filter((r) => jsonEqual(r.arguments ?? {}, args)).length;
      closest = sameName.find((r) => jsonEqual(r.arguments ?? {}, args));
      desc = `replay: no recorded reply left for ${asked}: the cassette records it ${count === 1 ? "once" : `${count} times`} and every reply was used`;
    } else {
      const candidates = sameName.length > 0 ? sameName : this.#recordings;
      let best = Infinity;
      for (const r of candidates) {
        const distance =
          sameName.length > 0
            ? argumentDistance(r.arguments ?? {}, args) + (r.used ? 0.5 : 0)
            : editDistance(r.command, command) + (r.used ? 0.5 : 0);
        if (distance < best) [best, closest] = [distance, r];
      }
      desc = `replay: no recorded reply for ${asked}: it is not in the cassette ${this.#source}`;
    }
    const closestText = closest === undefined ? undefined : describeCommand(closest.command, closest.arguments);
    desc += closestText === undefined ? " (it records no commands)" : `; closest recorded command: ${closestText}`;
    this.unmatched.push({ command, arguments: args, closest: closestText, desc });
    throw new QmpTestError("GenericError", desc);
  }

  // Queues a recording's after-reply events at their recorded distance from its reply.
  #defer(recording: Recording, server: QmpTestServer): void {
    if (recording.after.length === 0) return;
    const now = Date.now();
    for (const event of recording.after) {
      const gap = Math.min(MAX_EVENT_GAP_MS, Math.max(0, event.t - recording.replyT));
      this.#deferred.push({ message: event.message, due: now + gap, server });
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#deferred[0];
    if (next === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const now = Date.now();
        while (this.#deferred[0] !== undefined && this.#deferred[0].due <= now) {
          const item = this.#deferred.shift() as DeferredEvent;
          emitRecorded(item.server, item.message);
        }
        this.#schedule();
      },
      Math.max(0, next.due - Date.now()),
    );
  }

  #flush(): void {
    const due = this.#deferred;
    this.dispose();
    for (const item of due) emitRecorded(item.server, item.message);
  }
}

function emitRecorded(server: QmpTestServer, message: EventMessage): void {
  const data = message["data"];
  const timestamp = message["timestamp"];
  server.emit(
    message.event,
    isObject(data) ? data : undefined,
    isObject(timestamp) ? { timestamp: timestamp as { seconds: number; microseconds: number } } : {},
  );
}
