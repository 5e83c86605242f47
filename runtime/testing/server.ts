/**
 * `QmpTestServer`: a fake QEMU monitor that speaks QMP like QEMU 7.2, with controls for tests.
 * @module
 */

import type { Duplex } from "node:stream";
import { QmpConnection, type ConnectionHost } from "./connection.js";
import { createDuplexPair } from "./duplex-pair.js";
import { FaultTable } from "./faults.js";
import { FdsetTable } from "./fdsets.js";
import { defaultHandlers } from "./handlers/defaults.js";
import { dial, listen, type Listener } from "./listen.js";
import { DEFAULT_OOB_COMMANDS, greetingOf, timestampNow } from "./qemu-defaults.js";
import { loadTestSchema } from "./schema-check.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import { ReceivedLog, type NextCommandOptions } from "./received.js";
import type {
  Handler,
  QmpTestAddress,
  QmpTestEventOptions,
  QmpTestGreetingMessage,
  QmpTestListenTarget,
  QmpTestServerOptions,
  QmpTestVersion,
  ReceivedMessage,
} from "./types.js";

/**
 * A fake QMP server for tests: listens on a unix socket or TCP port, or hands out in-memory
 * duplex pairs; greets and negotiates like QEMU 7.2; serves commands from handlers; records
 * what it received; emits events; injects faults. Dispose with `close()` or `await using`.
 *
 * @example
 * await using server = new QmpTestServer();
 * server.handle("query-foo", () => ({ foo: 1 }));
 * const stream = server.connectPair();
 */
export class QmpTestServer implements AsyncDisposable {
  /** The greeting sent on connect, or `false` when there is none (no negotiation either). */
  readonly greeting: QmpTestGreetingMessage | false;
  /** The version `query-version` reports (the greeting's, or QEMU 7.2's). */
  readonly version: QmpTestVersion;
  /** Run state shared by the default handlers (`query-status`, `stop`, `cont`); settable. */
  status: string;
  /** The schema commands are checked against (the `schema` option), if any. */
  readonly schema: QmpSchema | undefined;
  readonly #handlers = new Map<string, Handler>();
  readonly #oobCommands: Set<string>;
  readonly #faults = new FaultTable();
  readonly #log = new ReceivedLog();
  readonly #fdsets = new FdsetTable();
  readonly #connections = new Set<QmpConnection>();
  readonly #listeners = new Set<Listener>();
  readonly #host: ConnectionHost;
  #nextConnectionId = 1;
  #closed = false;

  constructor(options: QmpTestServerOptions = {}) {
    // null, like false, means no greeting at all (qemu-ga style).
    ({ version: this.version, greeting: this.greeting } = greetingOf(
      options.greeting === null ? false : (options.greeting ?? {}),
    ));
    this.status = options.status ?? "running";
    this.schema = options.schema === undefined ? undefined : loadTestSchema(options.schema, options.schemaOptions);
    const schema = this.schema;
    if (schema !== undefined) this.handle("query-qmp-schema", () => schema.entries);
    this.#oobCommands = new Set(options.oobCommands ?? DEFAULT_OOB_COMMANDS);
    if (options.defaultHandlers !== false) for (const [name, h] of Object.entries(defaultHandlers())) this.handle(name, h);
    for (const [name, h] of Object.entries(options.handlers ?? {})) this.handle(name, h);
    const lineEnding = options.lineEnding ?? "\r\n";
    this.#host = {
      server: this,
      greeting: this.greeting === false ? undefined : { QMP: this.greeting.QMP },
      lineEnding,
      pretty: options.pretty ?? false,
      sequential: options.sequential ?? false,
      faults: this.#faults,
      log: this.#log,
      fdsets: this.#fdsets,
      handler: (name) => this.#handlers.get(name),
      schema: this.schema,
      allowsOob: (name) => this.#oobCommands.has(name),
      emit: (event, data, opts) => void this.emit(event, data, opts),
      closed: (connection) => {
        this.#connections.delete(connection);
        // Like QEMU, which frees unused fdsets when its last monitor client leaves.
        if (this.#connections.size === 0) this.#fdsets.clear();
      },
    };
  }

  /** Registers (or replaces) the handler of `command`; returns a function that removes it. */
  handle(command: string, handler: Handler): () => void {
    this.#handlers.set(command, handler);
    return () => {
      if (this.#handlers.get(command) === handler) this.#handlers.delete(command);
    };
  }

  /** Names of the commands, as `query-commands` lists them: the schema's, or else those with a handler. */
  commandNames(): string[] {
    return this.schema?.commands() ?? [...this.#handlers.keys()];
  }

  /**
   * Listens on a unix socket (`{path}`; mode 0600, a stale socket file is replaced and the
   * file is removed on close) or TCP (`{host?, port?}`, default 127.0.0.1 and a free port).
   * May be called more than once. Resolves with the address actually bound. Unix-socket
   * connections receive file descriptors (SCM_RIGHTS) when fd passing is available
   * (`fdPassingAvailable()`); see `HandlerContext.fds`.
   */
  async listen(target: QmpTestListenTarget | string | number): Promise<QmpTestAddress> {
    this.#assertOpen();
    // Like the client's targets: a string is a unix socket path, a number a TCP port on 127.0.0.1.
    const where = typeof target === "string" ? { path: target } : typeof target === "number" ? { port: target } : target;
    const listener = await listen(where, (socket) => this.attach(socket));
    this.#listeners.add(listener);
    if (this.#closed) {
      // close() ran while we were binding: do not leave a listener behind.
      this.#listeners.delete(listener);
      await listener.close();
      this.#assertOpen();
    }
    return listener.address;
  }

  /**
   * Creates an in-memory connection and returns the client's end. The server's end is
   * attached at once, so the greeting is already on its way.
   */
  connectPair(): Duplex {
    this.#assertOpen();
    const [client, serverSide] = createDuplexPair();
    this.attach(serverSide);
    return client;
  }

  /**
   * Connects out to a client that listens, like QEMU's `-qmp unix:PATH` without
   * `server=on`, and serves QMP on that connection (the greeting goes out at once).
   * Rejects with the socket error (e.g. ECONNREFUSED, ENOENT) when nobody listens.
   */
  async connectTo(target: { path: string } | { host?: string; port: number }): Promise<void> {
    this.#assertOpen();
    const socket = await dial(target);
    this.attach(socket);
  }

  /** Serves QMP on an existing stream (a socket accepted elsewhere, a custom transport). */
  attach(stream: Duplex): void {
    if (this.#closed) {
      stream.destroy();
      return;
    }
    this.#connections.add(new QmpConnection(this.#nextConnectionId++, stream, this.#host));
  }

  /** Number of connections currently open. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Every message received, in order, on every connection (live array). */
  get received(): readonly ReceivedMessage[] {
    return this.#log.entries;
  }

  /** Forgets the received messages. */
  clearReceived(): void {
    this.#log.clear();
  }

  /**
   * Resolves with the earliest received command (named `name`, if given) that no earlier
   * `nextCommand` call returned, waiting for it if needed; so calling it after the command
   * arrived is not a race. Rejects on timeout/abort and when the server closes.
   */
  nextCommand(name?: string, options?: NextCommandOptions): Promise<ReceivedMessage> {
    return this.#log.next(name, options);
  }

  /**
   * Sends an event to every negotiated connection (as QEMU does, events never reach a
   * connection before negotiation, and are not queued). `data` is omitted from the message
   * when undefined, like QEMU's events without members. Returns how many got it.
   */
  emit(event: string, data?: Record<string, unknown>, options: QmpTestEventOptions = {}): number {
    const message = {
      timestamp: options.timestamp ?? timestampNow(),
      event,
      ...(data === undefined ? {} : { data }),
    };
    let count = 0;
    for (const connection of this.#connections) {
      if (!connection.negotiated) continue;
      connection.send(message);
      count++;
    }
    return count;
  }

  /**
   * Holds every later invocation of `command` before its handler runs, so it never
   * replies, until the returned function or {@link release} is called; then held
   * commands run. Pending holds are dropped on close.
   */
  hang(command: string): () => void {
    return this.#faults.hang(command);
  }

  /** Runs every later invocation of `command` `ms` milliseconds late; the returned function undoes it. */
  delay(command: string, ms: number): () => void {
    return this.#faults.delay(command, ms);
  }

  /** Ends the hang and delay of `command` (of all commands when omitted); held commands proceed. */
  release(command?: string): void {
    this.#faults.release(command);
  }

  /** Writes bytes or text as they are to every connection (negotiated or not). */
  sendRaw(data: string | Uint8Array): void {
    for (const connection of this.#connections) connection.sendRaw(data);
  }

  /** Sends the id-less error QEMU sends for input it could not parse, to every connection. */
  sendIdlessError(desc = "JSON parse error, invalid keyword 'garbage'"): void {
    for (const connection of this.#connections) connection.send({ error: { class: "GenericError", desc } });
  }

  /**
   * Writes the first half of `message` (default: a reply) to every connection, then
   * destroys them: the client sees a truncated message followed by the end of the stream.
   */
  closeMidMessage(message = '{"return": {"status": "running", "singlestep": false, "running": true}, "id": 1}\r\n'): void {
    const half = Buffer.from(message).subarray(0, Math.max(1, Math.floor(Buffer.byteLength(message) / 2)));
    for (const connection of this.#connections) {
      connection.sendRaw(half);
      connection.close({ graceful: true });
    }
  }

  /**
   * Drops every connection. Default: destroy (the client reads EOF); `reset: true` makes
   * the client see ECONNRESET, as after QEMU's `quit` or a crash. Listeners stay open.
   */
  disconnect(options: { reset?: boolean } = {}): void {
    for (const connection of this.#connections) connection.close(options.reset === true ? { reset: true } : {});
  }

  /**
   * Stops listening, drops every connection, clears hangs, delays and their timers, rejects
   * pending `nextCommand` calls, closes every received fd, and removes unix socket files.
   * Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const connection of this.#connections) connection.close();
    this.#connections.clear();
    this.#fdsets.clear();
    this.#faults.dispose();
    this.#log.rejectAll(new Error("QmpTestServer closed"));
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    await Promise.all(listeners.map((l) => l.close()));
  }

  /** Same as {@link close}; enables `await using server = new QmpTestServer()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("QmpTestServer is closed");
  }
}
