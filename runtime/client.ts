/**
 * The QMP client: connection lifecycle, negotiation, command execution and events.
 * @module
 */
import type {
  CommandArgs,
  CommandName,
  CommandReturn,
  EventName,
  ExecuteOptions,
  ExecuteRest,
  QmpApi,
  QmpEvent,
  QmpEventOf,
  QmpExecutor,
  UntypedApi,
} from "./api.js";
import { DisconnectedError, ProtocolError, StateError } from "./errors.js";
import { EventHub, type EventCallback } from "./event-hub.js";
import { EventListener, type EventMatch, type ListenOptions } from "./event-listener.js";
import type { EventEnvelope, QmpGreeting } from "./envelopes.js";
import * as fdCommands from "./fd-commands.js";
import { syncGuestAgent } from "./guest-agent.js";
import { Session } from "./session.js";
import {
  resolveClientOptions,
  type AcceptOptions,
  type ConnectOptions,
  type ExecuteUntilOptions,
  type QmpClientOptions,
  type QmpCommandMessage,
  type QmpState,
  type ResolvedClientOptions,
} from "./client-options.js";
import { acceptTransport, type AcceptTarget } from "./accept.js";
import { openTransport, type ConnectTarget, type OpenTransport } from "./transport.js";
import type { ReconnectInfo } from "./reconnect.js";
import { ClientReconnect } from "./client-reconnect.js";
import type { QmpSchema } from "./schema/qmp-schema.js";
import { SchemaCache, type IntrospectOptions } from "./schema/schema-cache.js";
import { commandMessage, sendOnSession } from "./send-command.js";
import { executeUntil } from "./execute-until.js";
import { Handshake, describe } from "./handshake.js";

/**
 * An async QMP client. Generic over an API description (see `qmpkit/qemu`'s `QemuApi`);
 * untyped by default.
 *
 * @example
 * ```ts
 * await using qmp = new QmpClient();
 * await qmp.connect("/run/vm.qmp");
 * const status = await qmp.execute("query-status");
 * ```
 */
export class QmpClient<Api extends QmpApi = UntypedApi> implements AsyncDisposable {
  private currentState: QmpState = "idle";
  private session: Session | undefined;
  private lastGreeting: QmpGreeting | undefined;
  private readonly stateCallbacks = new Set<(state: QmpState, previous: QmpState, error?: Error) => void>();
  private readonly events: EventHub;
  private readonly options: ResolvedClientOptions;
  private handshake: Handshake | undefined;
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;
  private readonly reconnect: ClientReconnect;
  private readonly schemas: SchemaCache;

  constructor(options: QmpClientOptions = {}) {
    this.options = resolveClientOptions(options);
    this.events = new EventHub(this.options.logger);
    this.schemas = new SchemaCache(this.options.schemaOptions);
    this.reconnect = new ClientReconnect(this.options, this.events, {
      openSession: (open, options) => this.openSession(open, options),
      setState: (state, error) => this.setState(state, error),
      dropSession: () => this.dropSession(),
    });
  }

  /** The current connection state. */
  get state(): QmpState {
    return this.currentState;
  }

  /** The greeting of the current (or last) connection; undefined before the first one. */
  get greeting(): QmpGreeting | undefined {
    return this.lastGreeting;
  }

  /** True when out-of-band execution was negotiated on the current connection. */
  get oobEnabled(): boolean {
    return this.session?.oob ?? false;
  }

  /** The transport of the current connection (`"unix"`, `"tcp"`, `"tls"`, `"duplex"`). */
  get transport(): OpenTransport["kind"] | undefined {
    return this.session?.kind;
  }

  /** The schema introspected on the current connection, once {@link introspect} (or `validate`) fetched it. */
  get schema(): QmpSchema | undefined {
    return this.session === undefined ? undefined : this.schemas.ready(this.session);
  }

  /**
   * The live schema of the connected QEMU (`query-qmp-schema`), fetched once per connection
   * and cached until the connection ends; `refresh` asks again. Rejects with
   * {@link StateError} when not connected, {@link ExecuteError} when the server has no
   * introspection (qemu-ga), `signal.reason` on abort and a `TimeoutError` on timeout.
   * While reconnecting it waits for the new connection, like a command.
   */
  introspect(options: IntrospectOptions = {}): Promise<QmpSchema> {
    const waiting = this.reconnect.whenBack("query-qmp-schema", options, (left) =>
      this.introspect({ ...options, timeout: left.timeout }),
    );
    if (waiting !== undefined) return waiting as Promise<QmpSchema>;
    const session = this.session;
    if (this.currentState !== "running" || session === undefined) {
      return Promise.reject(new StateError(`cannot introspect: client is ${this.currentState}, not running`));
    }
    const fetch = () => session.send({ execute: "query-qmp-schema" }, "query-qmp-schema", undefined);
    return this.schemas.get(session, fetch, options);
  }

  /** Observes state changes; `error` is set when a connection was lost. Returns an unsubscribe function. */
  onStateChange(callback: (state: QmpState, previous: QmpState, error?: Error) => void): () => void {
    this.stateCallbacks.add(callback);
    return () => this.stateCallbacks.delete(callback);
  }

  /** Connects, waits for the greeting and negotiates capabilities. Rejects with {@link ConnectError}. */
  connect(target: ConnectTarget, options: ConnectOptions = {}): Promise<void> {
    if (this.currentState === "idle") this.reconnect.remember(target, options.timeout);
    return this.startConnecting((signal) => openTransport(target, signal, this.options.fdPassing), options);
  }

  /**
   * With the `reconnect` option: calls `callback` each time the client is `"running"` again
   * after a lost connection, to re-arm what the new QEMU does not know (e.g. re-add fds,
   * re-create objects). It runs before commands that waited for the reconnection are sent;
   * commands it executes synchronously go out first. Returns an unsubscribe function.
   */
  onReconnect(callback: (info: ReconnectInfo) => unknown): () => void {
    return this.reconnect.subscribe(callback);
  }

  /**
   * Listens on a unix path or TCP endpoint, takes exactly one connection from QEMU (started
   * with `-qmp unix:PATH` without `server`), stops listening, then greets and negotiates.
   */
  accept(target: AcceptTarget, options: AcceptOptions = {}): Promise<void> {
    if (this.currentState === "idle") this.reconnect.forget();
    return this.startConnecting(
      (signal) => acceptTransport(target, signal, options.onListening, this.options.fdPassing),
      options,
    );
  }

  private startConnecting(open: (signal: AbortSignal) => Promise<OpenTransport>, options: ConnectOptions): Promise<void> {
    if (this.currentState !== "idle") return Promise.reject(new StateError(`cannot connect: client is ${this.currentState}`));
    const connecting = this.establish(open, options);
    this.connecting = connecting;
    return connecting;
  }

  /**
   * Executes a command and resolves with its `return` value. Rejects with
   * {@link ExecuteError} when QEMU reports an error, {@link DisconnectedError} when the
   * connection ends first, `signal.reason` on abort, and a `TimeoutError` on timeout.
   */
  execute<K extends CommandName<Api>>(command: K, ...rest: ExecuteRest<CommandArgs<Api, K>>): Promise<CommandReturn<Api, K>> {
    const [args, options] = rest as unknown as [Record<string, unknown> | undefined, ExecuteOptions | undefined];
    const message = commandMessage(command, args, options?.oob === true);
    return this.sendCommand(message, command, args, options) as Promise<CommandReturn<Api, K>>;
  }

  /** Sends a caller-built command message (an `id` is added unless present) and resolves with its `return`. */
  executeMessage(message: QmpCommandMessage, options: Omit<ExecuteOptions, "oob"> = {}): Promise<unknown> {
    const copy: Record<string, unknown> = { ...message };
    const command = copy["exec-oob"] ?? copy["execute"];
    if (typeof command !== "string") return Promise.reject(new TypeError('message needs an "execute" or "exec-oob" string'));
    return this.sendCommand(copy, command, copy["arguments"], { ...options, oob: copy["exec-oob"] !== undefined });
  }

  /**
   * Starts buffering events now. `names`: one name, a list, or undefined / `"*"` for all.
   * See {@link EventListener}.
   */
  listen(names?: "*", options?: ListenOptions<QmpEventOf<Api>>): EventListener<QmpEventOf<Api>>;
  listen<N extends EventName<Api>>(
    names: N | readonly N[],
    options?: ListenOptions<QmpEventOf<Api, N>>,
  ): EventListener<QmpEventOf<Api, N>>;
  listen<E extends { event: string }>(names?: string | readonly string[], options: ListenOptions<E> = {}): EventListener<E> {
    return this.events.listen(names, options);
  }

  /** Calls `callback` for every matching event (`"*"`: all); returns an unsubscribe function. Callback errors are reported, not propagated. */
  on(names: "*", callback: (event: QmpEventOf<Api>) => void): () => void;
  on<N extends EventName<Api>>(names: N | readonly N[], callback: (event: QmpEventOf<Api, N>) => void): () => void;
  on(names: string | readonly string[], callback: (event: never) => void): () => void {
    return this.events.on(names, callback as EventCallback);
  }

  /**
   * Subscribes to `names`, executes the command, and waits for the first event matching
   * `match` — also when QEMU sends it before the command's reply.
   */
  executeUntil<K extends CommandName<Api>, N extends EventName<Api>>(
    command: K,
    args: CommandArgs<Api, K>,
    names: N | readonly N[],
    match?: EventMatch<QmpEventOf<Api, N>>,
    options: ExecuteUntilOptions = {},
  ): Promise<{ result: CommandReturn<Api, K>; event: QmpEventOf<Api, N> }> {
    const execute = () => this.untyped().execute(command, args as object | undefined, options) as Promise<CommandReturn<Api, K>>;
    return executeUntil(execute, () => this.listen(names), match, options);
  }

  /**
   * qemu-ga only: resynchronises the stream with `guest-sync-delimited` — drops partial
   * input on both sides, discards whatever the agent sent before its 0xFF marker, and checks
   * that the agent echoes a fresh random token. Call it with no command in flight.
   */
  syncGuestAgent(options: Omit<ExecuteOptions, "oob" | "noReply"> = {}): Promise<void> {
    const session = this.session;
    if (this.currentState !== "running" || session === undefined) {
      return Promise.reject(new StateError(`cannot sync: client is ${this.currentState}`));
    }
    return syncGuestAgent(session, options);
  }

  /** Passes `fd` to QEMU under `name` (`getfd`). See {@link ExecuteOptions.fds} for requirements. */
  getfd(name: string, fd: fdCommands.PassableFd, options?: fdCommands.FdCommandOptions): Promise<void> {
    return fdCommands.getfd(this.untyped(), name, fd, options);
  }

  /** Makes QEMU close the fd it keeps under `name` (`closefd`). */
  closefd(name: string, options?: fdCommands.FdCommandOptions): Promise<void> {
    return fdCommands.closefd(this.untyped(), name, options);
  }

  /** Adds `fd` to an fdset (`add-fd`); a new fdset unless `fdsetId` is given. Use it as `/dev/fdset/N`. */
  addFd(fd: fdCommands.PassableFd, options?: fdCommands.AddFdOptions): Promise<fdCommands.AddFdResult> {
    return fdCommands.addFd(this.untyped(), fd, options);
  }

  /** Adds several fds to one (free, unless given) fdset, all or nothing. */
  addFds(fds: readonly fdCommands.PassableFd[], options?: fdCommands.AddFdOptions): Promise<{ fdsetId: number; fds: number[] }> {
    // Refuse before query-fdsets goes out: nothing may be sent on a connection that cannot pass fds.
    const refusal = this.currentState === "running" ? fdCommands.fdPassingRefusal(this.session) : undefined;
    return refusal ?? fdCommands.addFds(this.untyped(), fds, options);
  }

  /** Removes one fd of an fdset, or all of them (`remove-fd`). */
  removeFd(fdsetId: number, fd?: number, options?: fdCommands.FdCommandOptions): Promise<void> {
    return fdCommands.removeFd(this.untyped(), fdsetId, fd, options);
  }

  /** Closes the connection; pending commands reject with {@link DisconnectedError}. Idempotent. */
  disconnect(): Promise<void> {
    if (this.currentState === "disconnecting" && this.disconnecting !== undefined) return this.disconnecting;
    if (this.currentState === "idle") return Promise.resolve();
    if (this.reconnect.active) return this.reconnect.stop();
    if (this.currentState === "connecting") {
      this.handshake?.abort(new DisconnectedError("disconnect() called while connecting"));
      return (
        this.connecting?.then(
          () => this.disconnect(),
          () => {},
        ) ?? Promise.resolve()
      );
    }
    const session = this.session;
    this.setState("disconnecting");
    this.disconnecting = (session?.close() ?? Promise.resolve()).finally(() => {
      this.disconnecting = undefined;
    });
    return this.disconnecting;
  }

  /** Same as {@link disconnect}; enables `await using qmp = new QmpClient()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect();
  }

  private untyped(): QmpExecutor {
    // the helpers speak plain QMP whatever this client's API
    return this as unknown as QmpExecutor;
  }

  private sendCommand(
    message: Record<string, unknown>,
    command: string,
    args: unknown,
    options: ExecuteOptions | undefined,
  ): Promise<unknown> {
    const session = this.session;
    const waiting =
      this.reconnect.active && this.reconnect.whenBack(command, options, (o) => this.sendCommand(message, command, args, o));
    if (waiting) return waiting;
    if (this.currentState !== "running" || session === undefined) {
      return Promise.reject(new StateError(`cannot execute ${command}: client is ${this.currentState}, not running`));
    }
    const validation = !this.options.validate
      ? undefined
      : {
          schema: this.schemas.ready(session),
          introspect: (introspectOptions: IntrospectOptions) => this.introspect(introspectOptions),
          send: (sendOptions: ExecuteOptions) => this.sendCommand(message, command, args, sendOptions),
        };
    return sendOnSession(session, message, command, args, options, validation);
  }

  private async establish(open: (signal: AbortSignal) => Promise<OpenTransport>, options: ConnectOptions): Promise<void> {
    if (this.currentState !== "idle") throw new StateError(`cannot connect: client is ${this.currentState}`);
    this.setState("connecting");
    try {
      await this.openSession(open, options);
      this.events.sessionStarted(); // only now: a failed connect leaves listeners as they were
      this.setState("running");
    } catch (error) {
      if (this.currentState !== "idle") this.setState("idle");
      throw error;
    }
  }

  // Opens a transport, greets and negotiates: on success `this.session` is ready to run.
  // Rejects with ConnectError (or the caller's abort reason) and leaves nothing open.
  private async openSession(open: (signal: AbortSignal) => Promise<OpenTransport>, options: ConnectOptions): Promise<void> {
    const handshake = new Handshake(options);
    this.handshake = handshake;
    const attempt = async (signal: AbortSignal) => {
      const session = this.attach(await open(signal));
      await handshake.negotiate(session, this.options, this.lastGreeting, (greeting) => (this.lastGreeting = greeting));
      // The connection may have ended between the negotiation reply and this line.
      if (this.session === undefined) throw new DisconnectedError("connection closed right after the handshake");
    };
    await handshake.run(attempt, () => this.dropSession()).finally(() => (this.handshake = undefined));
  }

  private attach(transport: OpenTransport): Session {
    const session: Session = new Session(
      transport.stream,
      transport.kind,
      {
        greeting: (greeting) => {
          if (this.handshake !== undefined) this.handshake.greeting(greeting);
          else this.lastGreeting = greeting;
        },
        event: (event) => this.events.dispatch(event as EventEnvelope & QmpEvent),
        ended: (error) => this.onSessionEnded(session, error),
      },
      this.options,
    );
    this.session = session;
    return session;
  }

  private onSessionEnded(session: Session, error: Error | undefined): void {
    if (this.session !== session) return;
    this.session = undefined;
    if (this.currentState === "connecting") {
      this.handshake?.ended(error); // establish() reports it; listeners never saw this session
      return;
    }
    // Lost (not the user's disconnect, not the end after quit): come back when asked to.
    if (error !== undefined && this.reconnect.armed) return this.startReconnecting(error);
    this.events.sessionEnded(error instanceof DisconnectedError ? error : undefined);
    // A protocol failure is reported as the ProtocolError itself; commands got DisconnectedError.
    this.setState("idle", error?.cause instanceof ProtocolError ? error.cause : error);
  }

  private startReconnecting(lost: Error): void {
    // Listeners stay open: they get the new connection's events (or the end, if this gives up).
    this.setState("connecting", lost.cause instanceof ProtocolError ? lost.cause : lost);
    this.reconnect.start(lost);
  }

  // On failure or a stopped reconnect: nothing of the session may stay open.
  private dropSession(): void {
    void this.session?.close();
    this.session = undefined;
  }

  private setState(next: QmpState, error?: Error): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    if (this.options.debug)
      this.options.logger.debug(`${this.options.name}: ${previous} -> ${next}${error ? ` (${error.message})` : ""}`);
    for (const callback of this.stateCallbacks) {
      try {
        callback(next, previous, error);
      } catch (callbackError) {
        this.options.logger.warn(`state-change callback threw: ${describe(callbackError)}`);
      }
    }
  }
}
