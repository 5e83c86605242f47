/**
 * One client connection of the fake server: framing, negotiation state, dispatch, replies.
 * @module
 */

import type { Duplex } from "node:stream";
import { resetDuplex } from "./duplex-pair.js";
import type { FaultTable } from "./faults.js";
import type { FdsetTable } from "./fdsets.js";
import { bindFdState, ConnectionFds, takeFramedFds } from "./fds.js";
import { formatQmpJson } from "./json-format.js";
import { JsonFramer, type Frame } from "./framing.js";
import { readFrame } from "./input.js";
import { checkRequest, errorBody, errorReply, returnReply, type RequestContext, type ValidRequest } from "./protocol.js";
import type { ReceivedLog } from "./received.js";
import type { QmpTestServer } from "./server.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import { schemaHasCommand, schemaRejects } from "./schema-check.js";
import type { Handler, HandlerContext, QmpTestEventOptions } from "./types.js";

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly server: QmpTestServer;
  /** The greeting message, or `undefined` for none (no negotiation either). */
  readonly greeting: Record<string, unknown> | undefined;
  readonly lineEnding: string;
  readonly pretty: boolean;
  readonly sequential: boolean;
  readonly faults: FaultTable;
  readonly log: ReceivedLog;
  /** The server's fdsets (`add-fd`). */
  readonly fdsets: FdsetTable;
  handler(name: string): Handler | undefined;
  /** When set, commands are checked against it like QEMU does. */
  readonly schema: QmpSchema | undefined;
  allowsOob(name: string): boolean;
  emit(event: string, data: Record<string, unknown> | undefined, options: QmpTestEventOptions | undefined): void;
  closed(connection: QmpConnection): void;
}

/** A request and the fds that came with it. */
interface Request {
  readonly message: Record<string, unknown>;
  readonly fds: readonly number[];
}

/** A connected client. Created by the server for each socket or in-memory pair. */
export class QmpConnection implements RequestContext {
  /** Capabilities negotiation has completed (always true without a greeting). */
  negotiated: boolean;
  /** exec-oob was enabled by negotiation. */
  oobEnabled = false;
  readonly #stream: Duplex;
  readonly #host: ConnectionHost;
  readonly #framer = new JsonFramer();
  readonly #abort = new AbortController();
  readonly #fds = new ConnectionFds();
  // Bytes received before the current chunk, to place each frame's end in the stream.
  #bytesIn = 0;
  // In-band work that later in-band commands must wait for (sequential mode, negotiation).
  #tail: Promise<void> | undefined;

  constructor(
    readonly id: number,
    stream: Duplex,
    host: ConnectionHost,
  ) {
    this.#stream = stream;
    this.#host = host;
    this.negotiated = host.greeting === undefined;
    stream.on("data", (chunk: Buffer | string) => this.#onData(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    // Resets and EPIPE are routine when clients vanish; the close handler does the cleanup.
    stream.on("error", () => {});
    stream.once("close", () => this.#onClose());
    if (host.greeting !== undefined) this.send(host.greeting);
  }

  /** Aborted when the connection closes. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The schema has `name`, or without a schema a handler is registered for it (for request validation). */
  hasCommand(name: string): boolean {
    const schema = this.#host.schema;
    return schema === undefined ? this.#host.handler(name) !== undefined : schemaHasCommand(schema, name);
  }

  /** `name` may be sent with exec-oob (for request validation). */
  allowsOob(name: string): boolean {
    return this.#host.allowsOob(name);
  }

  /** Writes one message with the server's layout and line ending. */
  send(message: unknown): void {
    const host = this.#host;
    this.sendRaw(formatQmpJson(message, host.pretty, host.lineEnding) + host.lineEnding);
  }

  /** Writes bytes as they are. */
  sendRaw(data: string | Uint8Array): void {
    if (this.#abort.signal.aborted || this.#stream.writableEnded) return;
    this.#stream.write(data);
  }

  /** Closes the connection: `reset` → the peer sees ECONNRESET; `graceful` → flush, then close. */
  close(options: { reset?: boolean; graceful?: boolean } = {}): void {
    const stream = this.#stream;
    // Stop serving at once: held commands are dropped and later replies go nowhere.
    this.#abort.abort(new Error("connection closed"));
    this.#fds.close();
    if (stream.destroyed) return;
    if (options.reset === true) resetDuplex(stream);
    else if (options.graceful === true) stream.end(() => stream.destroy());
    else stream.destroy();
  }

  #onData(chunk: Buffer): void {
    const start = this.#bytesIn;
    this.#bytesIn += chunk.length;
    for (const frame of this.#framer.push(chunk)) {
      if (this.#abort.signal.aborted) return;
      this.#onFrame(frame, takeFramedFds(this.#stream, start + frame.end));
    }
  }

  #onFrame(frame: Frame, fds: readonly number[]): void {
    const input = readFrame(frame, this.id);
    const record = fds.length === 0 ? input.record : { ...input.record, fds: [...fds] };
    this.#host.log.add(record);
    this.#fds.arrived(fds);
    if (input.request !== undefined) this.#schedule({ message: input.request, fds });
    else {
      this.#fds.serve(fds);
      this.send({ error: { class: "GenericError", desc: input.errorDesc } });
    }
  }

  /** Runs a request now, or after the in-band work it must follow. */
  #schedule(request: Request): void {
    const { message } = request;
    // Like QEMU, only a request with exec-oob and no execute skips the in-band queue.
    const oob = this.oobEnabled && message["exec-oob"] !== undefined && message["execute"] === undefined;
    const ordered = !oob && (this.#host.sequential || !this.negotiated || this.#tail !== undefined);
    if (!ordered) {
      void this.#process(request);
      return;
    }
    const work = this.#tail === undefined ? this.#process(request) : this.#tail.then(() => this.#process(request));
    if (work === undefined) return;
    this.#tail = work;
    void work.then(() => {
      if (this.#tail === work) this.#tail = undefined;
    });
  }

  /** Validates and runs one request; returns a promise only when it could not finish synchronously. */
  #process({ message, fds }: Request): Promise<void> | undefined {
    if (this.#abort.signal.aborted) return undefined;
    const hasId = Object.hasOwn(message, "id");
    const id = message["id"];
    const host = this.#host;
    const checked = checkRequest(message, this);
    if (!checked.ok) {
      this.#fds.serve(fds);
      this.send(errorReply(checked.error, hasId, id));
      return undefined;
    }
    const gate = host.faults.gate(checked.command, this.#abort.signal);
    if (gate === undefined) return this.#invoke(checked, fds, hasId, id);
    // A rejected gate means the connection closed while the command was held: drop it.
    return gate.then(
      () => this.#invoke(checked, fds, hasId, id),
      () => undefined,
    );
  }

  #invoke(request: ValidRequest, fds: readonly number[], hasId: boolean, id: unknown): Promise<void> | undefined {
    // The fds count as received when the command runs, so a held command keeps its own.
    this.#fds.serve(fds);
    const rejected = this.#host.schema === undefined ? undefined : schemaRejects(this.#host.schema, request);
    if (rejected !== undefined) {
      this.send(errorReply(rejected, hasId, id));
      return undefined;
    }
    const handler = this.#host.handler(request.command);
    if (handler === undefined) {
      // With a schema the command exists (it was checked): only the test lacks a handler for it.
      const error =
        this.#host.schema === undefined
          ? { class: "CommandNotFound", desc: `The command ${request.command} has not been found` }
          : { class: "GenericError", desc: `QmpTestServer has no handler for ${request.command}` };
      this.send(errorReply(error, hasId, id));
      return undefined;
    }
    const after: Array<() => void> = [];
    const ctx = this.#context(request, id, fds, after);
    const reply = (value: unknown): void => {
      if (request.command === "qmp_capabilities") this.#negotiated(request.args);
      this.#finish(returnReply(value, hasId, id), after);
    };
    const fail = (error: unknown): void => this.#finish(errorReply(errorBody(error), hasId, id), after);
    let result: unknown;
    try {
      result = handler(request.args, ctx);
    } catch (error) {
      fail(error);
      return undefined;
    }
    // Anything thenable counts as async; the rest replies synchronously (the fast path).
    if (typeof (result as { then?: unknown } | null)?.then === "function") {
      return Promise.resolve(result).then(reply, fail);
    }
    reply(result);
    return undefined;
  }

  #finish(reply: Record<string, unknown>, after: ReadonlyArray<() => void>): void {
    if (this.#abort.signal.aborted) return;
    this.send(reply);
    for (const fn of after) fn();
  }

  #negotiated(args: Record<string, unknown>): void {
    const enable = args["enable"];
    this.negotiated = true;
    this.oobEnabled = Array.isArray(enable) && enable.includes("oob");
  }

  #context(request: ValidRequest, id: unknown, fds: readonly number[], after: Array<() => void>): HandlerContext {
    const host = this.#host;
    const ctx: HandlerContext = {
      command: request.command,
      id,
      oob: request.oob,
      connection: this.id,
      negotiated: this.negotiated,
      server: host.server,
      signal: this.#abort.signal,
      emit: (event, data, options) => host.emit(event, data, options),
      afterReply: (fn) => void after.push(fn),
      end: (options) => this.close(options?.reset === true ? { reset: true } : { graceful: true }),
      fds,
      takeFd: () => this.#fds.takeFd(),
    };
    bindFdState(ctx, { connection: this.#fds, fdsets: host.fdsets });
    return ctx;
  }

  #onClose(): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(new Error("connection closed"));
    this.#fds.close();
    this.#host.closed(this);
  }
}
