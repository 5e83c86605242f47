/**
 * One connection's worth of state: the reader loop (framing → parse → route), the writer
 * path and the pending-reply map (entries: pending-command.ts; the in-band window:
 * in-flight-window.ts). The client owns at most one.
 * @module
 */
import type { Duplex } from "node:stream";
import type { ExecuteOptions } from "./api.js";
import { DisconnectedError, ExecuteError, ProtocolError, StateError } from "./errors.js";
import type { ResolvedClientOptions } from "./client-options.js";
import { classifyMessage, isReply, type EventEnvelope, type QmpGreeting, type ReplyEnvelope } from "./envelopes.js";
import { ByteRecordWriter } from "./byte-record-writer.js";
import { FdLane } from "./fd-lane.js";
import { InFlightWindow } from "./in-flight-window.js";
import { MessageFramer, type FramerSink } from "./framing.js";
import { parseLosslessJson } from "./json-parse.js";
import { PendingCommand, type CommandId } from "./pending-command.js";
import { stringifyMessage } from "./json-stringify.js";
import type { FdCapableSocket } from "./fd/index.js";
import type { TransportKind } from "./transport.js";

/** What a session tells its owner. */
export interface SessionEvents {
  greeting(greeting: QmpGreeting): void;
  event(event: EventEnvelope): void;
  /** `error` is undefined for an expected end (user disconnect, or EOF after `quit`). */
  ended(error: Error | undefined): void;
}

type Pending = PendingCommand;
type Id = CommandId;

/** See {@link Session.send}'s `onReply`. */
export type ReplyHook = (reply: ReplyEnvelope | undefined) => void;

/** @internal */
export class Session {
  readonly framer: MessageFramer;
  // TLS to QEMU needs one record per byte (see ByteRecordWriter); other transports write directly.
  private readonly byteRecords: ByteRecordWriter | undefined;
  /** True once oob was negotiated on this connection. */
  oob = false;
  /** Set when we sent `quit`: the end of the stream is then expected. */
  private quitSent = false;
  private closing = false;
  private done = false;
  private lastId = 0;
  private readonly pending = new Map<Id, Pending>();
  private readonly window: InFlightWindow<Pending>;
  private socketError: Error | undefined;
  // Called once per id: with QEMU's reply (even to an abandoned command), or with undefined
  // when the message was never sent or the session ended.
  private readonly replyHooks = new Map<Id, ReplyHook>();
  private readonly fdLane = new FdLane(this);
  // Checks input held for an unfinished message once the current burst of input is handled.
  private checkTimer: NodeJS.Immediate | undefined;
  private readonly sink: FramerSink = {
    message: (value, text) => this.onMessage(value, text),
    delimiter: () => {},
  };

  constructor(
    readonly stream: Duplex,
    readonly kind: TransportKind,
    private readonly owner: SessionEvents,
    private readonly options: Pick<
      ResolvedClientOptions,
      "maxMessageBytes" | "maxInFlight" | "bigint" | "tlsByteRecords" | "logger" | "debug" | "hooks"
    >,
  ) {
    this.window = new InFlightWindow<Pending>(options.maxInFlight, (entry) => this.write(entry));
    this.framer = new MessageFramer(options.maxMessageBytes, options.bigint ? parseLosslessJson : JSON.parse);
    this.byteRecords = kind === "tls" && options.tlsByteRecords ? new ByteRecordWriter(stream) : undefined;
    stream.on("data", (chunk: Buffer | string) => {
      if (this.done) return;
      try {
        this.framer.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, this.sink);
      } catch (error) {
        return this.readFailed(error);
      }
      if (this.framer.unchecked && this.checkTimer === undefined && !this.done) {
        this.checkTimer = setImmediate(() => this.checkHeldInput());
      }
    });
    stream.on("error", (error: Error) => {
      this.socketError ??= error;
      stream.destroy();
    });
    stream.on("end", () => this.finish());
    stream.on("close", () => this.finish());
    stream.resume(); // accepted sockets start paused so that no greeting byte is lost
  }

  // Once a burst of input is handled: checks the bytes of a message still waiting for its end.
  private checkHeldInput(): void {
    this.checkTimer = undefined;
    if (this.done) return;
    try {
      this.framer.check(this.sink);
    } catch (error) {
      this.readFailed(error);
    }
  }

  private readFailed(error: unknown): void {
    this.fail(error instanceof ProtocolError ? error : new ProtocolError(String(error), "", { cause: error }));
  }

  /** Number of commands awaiting a reply or a send slot. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a command and resolves with its `return`. The message gets an id unless it has one. */
  send(
    message: Record<string, unknown>,
    command: string,
    args: unknown,
    options?: ExecuteOptions,
    fds?: readonly number[],
    onReply?: ReplyHook,
  ): Promise<unknown> {
    const signal = options?.signal;
    const timeout = options?.timeout;
    if (this.done) return notSent(onReply, new DisconnectedError("connection closed"));
    if (signal?.aborted) return notSent(onReply, signal.reason);
    if (command === "quit") this.quitSent = true;
    if (options?.noReply === true) {
      onReply?.(undefined);
      return this.sendWithoutReply(message);
    }
    let id = message["id"] as Id | undefined;
    if (id === undefined) {
      do id = ++this.lastId;
      while (this.inFlight(id));
      message["id"] = id;
    } else if ((typeof id !== "string" && typeof id !== "number") || this.inFlight(id)) {
      return notSent(
        onReply,
        new TypeError(`message id must be a string or number not already in flight, got ${JSON.stringify(id)}`),
      );
    }
    let text: string;
    try {
      // Before anything is registered: a circular argument or a throwing hook rejects cleanly.
      text = this.serialise(message);
    } catch (error) {
      return notSent(onReply, error);
    }
    const entry = new PendingCommand(id, command, args, message, text, fds);
    if (signal !== undefined || timeout !== undefined) entry.arm({ signal, timeout }, (e, reason) => this.abandon(e, reason));
    this.pending.set(id, entry);
    if (onReply !== undefined) this.replyHooks.set(id, onReply);
    this.window.submit(entry, this.oob);
    return entry.promise;
  }

  /** Sends a command with fds attached; see {@link FdLane}. */
  sendWithFds(
    message: Record<string, unknown>,
    command: string,
    args: unknown,
    options: ExecuteOptions,
    fds: readonly number[],
  ): Promise<unknown> {
    return this.fdLane.run(message, command, args, options, fds);
  }

  /** Writes a command that gets no reply on success; resolves once it is flushed. */
  private sendWithoutReply(message: Record<string, unknown>): Promise<undefined> {
    if (message["id"] === undefined) message["id"] = `noreply-${++this.lastId}`;
    let text: string;
    try {
      text = this.serialise(message);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.options.debug) this.options.logger.debug(`-> ${text}`);
    return new Promise((resolve, reject) => {
      this.writeText(text, (error) =>
        error ? reject(new DisconnectedError(`write failed: ${error.message}`, { cause: error })) : resolve(undefined),
      );
    });
  }

  private writeText(text: string | Buffer, done?: (error?: Error | null) => void): void {
    if (this.byteRecords !== undefined) this.byteRecords.write(text, done);
    else this.stream.write(text, done);
  }

  // Shows the message to the outbound hook, then serialises it; both may throw.
  private serialise(message: Record<string, unknown>): string {
    this.options.hooks.outbound?.(message);
    return stringifyMessage(message);
  }

  /**
   * qemu-ga resynchronisation: writes a 0xFF byte (makes the agent drop partial input) and
   * makes the reader discard everything up to the agent's 0xFF marker.
   */
  resync(): void {
    this.writeText(Buffer.from([0xff]));
    this.framer.resync();
  }

  /** Closes the connection; pending commands reject with {@link DisconnectedError}. Resolves once closed. */
  close(): Promise<void> {
    this.closing = true;
    if (this.stream.closed) {
      this.finish();
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve) => {
      // Streams created with emitClose: false never say "close": do not wait for them forever.
      const timer = setTimeout(resolve, 1000);
      this.stream.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.finish();
    return closed;
  }

  /** Ends the connection because of a protocol error. */
  fail(error: ProtocolError): void {
    this.socketError = error;
    this.options.logger.debug(`protocol error: ${error.message}`);
    this.stream.destroy();
    this.finish();
  }

  private write(entry: Pending): void {
    entry.written = true;
    this.window.written(entry);
    const text = entry.text;
    if (this.options.debug) this.options.logger.debug(`-> ${preview(text)}`);
    if (entry.fds === undefined) {
      this.writeText(text);
      return;
    }
    // The fds travel in the same sendmsg as the message's first bytes, so QEMU ties them to it.
    try {
      (this.stream as FdCapableSocket).writeWithFds(Buffer.from(text), entry.fds, (error) => {
        if (!error) return;
        // A dead socket ends the session (finish() rejects everything with DisconnectedError);
        // a healthy one failed only this message (e.g. an fd closed meanwhile): unsend it.
        if (this.stream.destroyed || this.stream.errored) {
          this.socketError ??= error;
          this.stream.destroy();
        } else this.unsend(entry, error);
      });
    } catch (error) {
      // E.g. EBADF: one of the fds is not open. Only this message fails.
      this.unsend(
        entry,
        new StateError(`cannot pass the fds of ${entry.command}: ${(error as Error).message}`, { cause: error }),
      );
    }
  }

  // The message was not sent after all (a closed fd, too many fds): no reply will come.
  private unsend(entry: Pending, error: unknown): void {
    if (this.pending.get(entry.id) === entry) {
      this.pending.delete(entry.id);
      this.window.answered(entry);
    } else if (!this.window.settleAbandoned(entry.id)) return;
    this.fireHook(entry.id, undefined);
    entry.reject(error);
  }

  private abandon(entry: Pending, reason: unknown): void {
    if (this.pending.get(entry.id) !== entry) return;
    this.pending.delete(entry.id);
    if (entry.written) {
      this.window.abandon(entry);
    } else {
      this.window.unhold(entry);
      this.fireHook(entry.id, undefined);
    }
    entry.reject(reason);
  }

  private inFlight(id: Id): boolean {
    return this.pending.has(id) || this.window.owes(id);
  }

  private fireHook(id: Id, reply: ReplyEnvelope | undefined): void {
    if (this.replyHooks.size === 0) return;
    const hook = this.replyHooks.get(id);
    if (hook === undefined) return;
    this.replyHooks.delete(id);
    hook(reply);
  }

  private onMessage(record: Record<string, unknown>, text: string): void {
    if (this.done) return; // the rest of a chunk after a fatal error
    if (this.options.debug) this.options.logger.debug(`<- ${preview(text)}`);
    if (this.options.hooks.inbound?.(record) === false) return;
    // The common case first, without classifyMessage's result object.
    if (("return" in record || "error" in record) && isReply(record)) return this.onReply(record.id, record, text);
    const classified = classifyMessage(record);
    switch (classified.kind) {
      case "reply":
        return this.onReply(classified.reply.id, classified.reply, text);
      case "event":
        return this.owner.event(classified.event);
      case "greeting":
        return this.owner.greeting(classified.greeting);
      case "invalid":
        return this.fail(new ProtocolError(classified.reason, text));
    }
  }

  private onReply(id: unknown, reply: { return?: unknown; error?: { class: string; desc: string } }, text: string): void {
    if (id === undefined && reply.error !== undefined) {
      // QEMU could not parse something it was sent, so it cannot say which command failed:
      // we no longer know which reply belongs to which command. End the session.
      return this.fail(
        new ProtocolError(`QEMU reported an error without an id: ${reply.error.class}: ${reply.error.desc}`, text),
      );
    }
    this.fireHook(id as Id, reply);
    const entry = this.pending.get(id as Id);
    if (entry === undefined) {
      this.window.settleAbandoned(id as Id);
      if (this.options.debug) this.options.logger.debug(`dropping reply with unknown id ${JSON.stringify(id)}`);
      return;
    }
    this.pending.delete(entry.id);
    this.window.answered(entry);
    if (reply.error !== undefined) {
      entry.reject(
        new ExecuteError({
          errorClass: reply.error.class,
          desc: reply.error.desc,
          command: entry.command,
          arguments: entry.args,
          id: entry.id,
        }),
      );
    } else {
      entry.resolve(reply.return);
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.checkTimer !== undefined) clearImmediate(this.checkTimer);
    this.checkTimer = undefined;
    this.stream.destroy();
    const expected = this.closing || (this.quitSent && !(this.socketError instanceof ProtocolError));
    const cause = this.socketError;
    const error = expected
      ? undefined
      : new DisconnectedError(cause ? `connection lost: ${cause.message}` : "connection closed by peer", { cause });
    const pending = [...this.pending.values()];
    this.pending.clear();
    const hooks = [...this.replyHooks.values()];
    this.replyHooks.clear();
    for (const hook of hooks) hook(undefined);
    this.window.clear();
    for (const entry of pending) {
      // EOF after our own quit is its success: QEMU may close before the reply is read.
      if (entry.command === "quit" && this.quitSent && error === undefined) entry.resolve({});
      else
        entry.reject(
          error ?? new DisconnectedError(this.closing ? "disconnected by the client" : "connection closed after quit", { cause }),
        );
    }
    this.owner.ended(error);
  }
}

// Every way out before a command is registered tells its reply hook "never sent".
function notSent(onReply: ReplyHook | undefined, error: unknown): Promise<never> {
  onReply?.(undefined);
  return Promise.reject(error);
}

// Debug lines show at most the first 1,000 characters of a message.
function preview(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
