/**
 * Public types of the fake QMP server.
 * @module
 */

import type { QmpSchema, QmpSchemaOptions } from "../schema/qmp-schema.js";
import type { SchemaSource } from "../schema/load.js";
import type { QmpTestServer } from "./server.js";

/** The `version` member of a greeting (also what `query-version` returns). */
export interface QmpTestVersion {
  qemu: { major: number; minor: number; micro: number };
  package: string;
}

/** Greeting settings; omitted fields take QEMU 7.2's values. */
export interface QmpTestGreeting {
  version?: QmpTestVersion;
  /** Capabilities offered; QEMU offers `["oob"]`. Without "oob", exec-oob can never be enabled. */
  capabilities?: string[];
}

/** Where {@link QmpTestServer.listen} listens: a unix socket path, or TCP. */
export type QmpTestListenTarget = { path: string } | { host?: string; port?: number };

/** Where the server ended up listening. */
export type QmpTestAddress = { path: string } | { host: string; port: number };

/** Options for {@link QmpTestServer.emit}. */
export interface QmpTestEventOptions {
  /** Defaults to the current time; QEMU uses -1/-1 when it cannot read the clock. */
  timestamp?: { seconds: number; microseconds: number };
}

/** What a handler learns about the command it serves, and what it may do besides replying. */
export interface HandlerContext {
  /** The command name. */
  readonly command: string;
  /** The id the client sent, `undefined` when it sent none (big integers arrive as `bigint`). */
  readonly id: unknown;
  /** Sent with `exec-oob`. */
  readonly oob: boolean;
  /** Number of the connection (1, 2, ... in connect order). */
  readonly connection: number;
  /** Capabilities negotiation has completed on this connection. */
  readonly negotiated: boolean;
  /** The server, e.g. to reach its state or other controls. */
  readonly server: QmpTestServer;
  /** Aborted when the connection closes: an async handler can stop early; its reply would be dropped anyway. */
  readonly signal: AbortSignal;
  /** Sends an event to every negotiated connection now, i.e. before this command's reply. */
  emit(event: string, data?: Record<string, unknown>, options?: QmpTestEventOptions): void;
  /** Runs `fn` right after this command's reply was written (e.g. to emit an event or close). */
  afterReply(fn: () => void): void;
  /** Closes this connection (`reset` makes the peer see ECONNRESET, as after QEMU's `quit`). */
  end(options?: { reset?: boolean }): void;
  /**
   * The file descriptors that arrived (SCM_RIGHTS) with this command's message, as fd numbers
   * of the test process; empty when none. Only connections accepted by
   * `listen({ path })` receive fds, and only when fd passing is available (see
   * `fdPassingAvailable()` in the README); fds sent elsewhere are dropped.
   *
   * Like QEMU, the connection keeps only the latest fds received: when the server gets to
   * this command, its fds replace (and close) fds an earlier command left unused. The
   * server owns them: they stay open until a command takes them ({@link takeFd}), newer
   * fds replace them, or the connection closes. Do not close them; take them to keep them.
   */
  readonly fds: readonly number[];
  /**
   * Takes the first of the connection's latest received fds, like QEMU's fd-taking commands
   * (`getfd`, `add-fd`): usually this command's own, but an fd that came with an earlier
   * command that did not take it (and no newer fds came since) is taken as well, as in QEMU.
   * The other fds of that batch are closed. The caller owns the fd returned and must close
   * it. `undefined` when there is none (QEMU's "No file descriptor supplied via SCM_RIGHTS").
   */
  takeFd(): number | undefined;
}

/**
 * Serves one command. `args` is the `arguments` object (`{}` when none was sent; integers
 * beyond 2^53 arrive as `bigint`). The value returned (or resolved) becomes `return`
 * (`{}` for `undefined`; a `bigint` is written as an exact integer). Throw a
 * {@link QmpTestError} for a specific error class; any other throw becomes a `GenericError`.
 */
export type Handler = (args: Record<string, unknown>, ctx: HandlerContext) => unknown;

/** One message the server received, parsed or not. */
export interface ReceivedMessage {
  /** The parsed message; `undefined` when it did not parse. */
  readonly message: unknown;
  /** The message text as received (for a lexer reset: the bytes discarded, decoded leniently). */
  readonly raw: string;
  /** Sent with `exec-oob`. */
  readonly oob: boolean;
  /** The command name, when `execute` or `exec-oob` held a string. */
  readonly command?: string;
  /** The id, when one was sent. */
  readonly id?: unknown;
  /** The `arguments` member, when one was sent. */
  readonly args?: unknown;
  /** Which connection sent it (1-based, in connect order). */
  readonly connection: number;
  /**
   * The file descriptors that arrived (SCM_RIGHTS) with this message, when any (see
   * {@link HandlerContext.fds}). When several batches arrived with one message, only the
   * latest is kept, as in QEMU. The server owns these fds and closes them when the connection
   * closes, or earlier when newer fds replace them unused, unless a handler took them
   * ({@link HandlerContext.takeFd}; the default `getfd` and `add-fd` keep them until
   * `closefd`/`remove-fd` or the connection, or for fdsets the last connection, closes).
   * So a test may use them while the server holds them, but must not close them.
   */
  readonly fds?: readonly number[];
}

/** Constructor options of {@link QmpTestServer}. */
export interface QmpTestServerOptions {
  /** The greeting, or `false` / `null` for none and no negotiation (qemu-ga style). Default: QEMU 7.2's. */
  greeting?: QmpTestGreeting | false | null;
  /** Line ending after each message. Default `"\r\n"` like QEMU (qemu-ga uses `"\n"`). */
  lineEnding?: "\r\n" | "\n";
  /** Multi-line output like QEMU's `pretty=on`, to exercise a client's framing. */
  pretty?: boolean;
  /** Handlers added to (or replacing) the defaults. */
  handlers?: Record<string, Handler>;
  /** Commands allowed with exec-oob. Default: QEMU 7.2's migrate-pause, migrate-recover, yank, query-yank. */
  oobCommands?: string[];
  /** Register the default handlers (query-status, stop, cont, quit, ...). Default true. */
  defaultHandlers?: boolean;
  /** Initial run state reported by query-status. Default "running"; QEMU with -S says "prelaunch". */
  status?: string;
  /**
   * Serve in-band commands of a connection one at a time, in order, like QEMU's main loop
   * (a hung command then blocks later in-band ones; exec-oob still overtakes). Default false:
   * async handlers run concurrently and their replies go out as they finish.
   */
  sequential?: boolean;
  /**
   * Check every command like QEMU against this schema: a saved `query-qmp-schema` reply
   * (bare array or `{ return }`, e.g. `qemu72Schema()`), the path of a JSON file holding one,
   * or a `QmpSchema`. Commands the schema lacks get `CommandNotFound`; arguments that do not
   * fit get QEMU's `GenericError` text, and handlers run only for valid commands;
   * `query-qmp-schema` returns the schema. A valid command without a handler gets a
   * `GenericError` saying so. Without `schema` nothing is checked. (One difference from QEMU:
   * the server's JSON reader cannot tell `1.0` from `1`, so it takes `1.0` as an integer; a
   * JavaScript client never sends `1.0` anyway.)
   */
  schema?: SchemaSource | string | QmpSchema;
  /** Integer widths and alternates' names for QEMU's exact texts (see `QmpSchemaOptions`); ignored for a `QmpSchema`. */
  schemaOptions?: QmpSchemaOptions;
}

/** The greeting message as sent on the wire. */
export interface QmpTestGreetingMessage {
  QMP: { version: QmpTestVersion; capabilities: string[] };
}
