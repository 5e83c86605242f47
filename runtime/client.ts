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
import { ArgumentError, ConnectError, DisconnectedError, ExecuteError, ProtocolError, StateError } from "./errors.js";
import { EventHub, type EventCallback } from "./event-hub.js";
import { EventListener, type EventMatch, type ListenOptions } from "./event-listener.js";
import type { EventEnvelope, QmpGreeting } from "./envelopes.js";
import { toFd } from "./fd/index.js";
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
import { DEFAULT_ATTEMPT_TIMEOUT, Reconnection, notifyReconnected, type ReconnectInfo } from "./reconnect.js";
import type { QmpSchema } from "./schema/qmp-schema.js";
import { SchemaCache, type IntrospectOptions } from "./schema/schema-cache.js";

// The negotiation and the introspection itself are never validated.
const NEVER_VALIDATED = new Set(["qmp_capabilities", "query-qmp-schema"]);

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
  private handshake: { greeting(greeting: QmpGreeting): void; ended(error: Error | undefined): void } | undefined;
  private connectAbort: AbortController | undefined;
  private connecting: Promise<void> | undefined;
  private disconnecting: Promise<void> | undefined;
  // Opt-in reconnect: the last connect() target (never a Duplex or accept()), and the episode under way.
  private reconnectTarget: { target: ConnectTarget; timeout: number | undefined } | undefined;
  private reconnection: Reconnection | undefined;
  private readonly reconnectCallbacks = new Set<(info: ReconnectInfo) => unknown>();
  private readonly schemas: SchemaCache;

  constructor(options: QmpClientOptions = {}) {
    this.options = resolveClientOptions(options);
    this.events = new EventHub(this.options.logger);
    this.schemas = new SchemaCache(this.options.schemaOptions);
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
    if (this.reconnection?.active) {
      return this.reconnection.sendWhenBack("query-qmp-schema", options, (left) =>
        this.introspect({ ...options, timeout: left.timeout }),
      ) as Promise<QmpSchema>;
    }
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
    if (this.currentState === "idle") {
      const reconnectable = this.options.reconnect !== undefined && typeof (target as { pipe?: unknown }).pipe !== "function";
      this.reconnectTarget = reconnectable ? { target, timeout: options.timeout } : undefined;
    }
    return this.startConnecting((signal) => openTransport(target, signal, this.options.fdPassing), options);
  }

  /**
   * With the `reconnect` option: calls `callback` each time the client is `"running"` again
   * after a lost connection, to re-arm what the new QEMU does not know (e.g. re-add fds,
   * re-create objects). It runs before commands that waited for the reconnection are sent;
   * commands it executes synchronously go out first. Returns an unsubscribe function.
   */
  onReconnect(callback: (info: ReconnectInfo) => unknown): () => void {
    this.reconnectCallbacks.add(callback);
    return () => this.reconnectCallbacks.delete(callback);
  }

  /**
   * Listens on a unix path or TCP endpoint, takes exactly one connection from QEMU (started
   * with `-qmp unix:PATH` without `server`), stops listening, then greets and negotiates.
   */
  accept(target: AcceptTarget, options: AcceptOptions = {}): Promise<void> {
    if (this.currentState === "idle") this.reconnectTarget = undefined;
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
    const oob = options?.oob === true;
    const message: Record<string, unknown> = oob ? { "exec-oob": command } : { execute: command };
    if (args !== undefined) message["arguments"] = args;
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
  async executeUntil<K extends CommandName<Api>, N extends EventName<Api>>(
    command: K,
    args: CommandArgs<Api, K>,
    names: N | readonly N[],
    match?: EventMatch<QmpEventOf<Api, N>>,
    options: ExecuteUntilOptions = {},
  ): Promise<{ result: CommandReturn<Api, K>; event: QmpEventOf<Api, N> }> {
    const deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout;
    using listener = this.listen(names);
    const result = (await this.untyped().execute(command, args as object | undefined, options)) as CommandReturn<Api, K>;
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    const event = await listener.wait(match, { signal: options.signal, timeout: remaining });
    return { result, event };
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
    if (this.session !== undefined && this.currentState === "running") {
      try {
        fdCommands.checkFdCapable(this.session);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return fdCommands.addFds(this.untyped(), fds, options);
  }

  /** Removes one fd of an fdset, or all of them (`remove-fd`). */
  removeFd(fdsetId: number, fd?: number, options?: fdCommands.FdCommandOptions): Promise<void> {
    return fdCommands.removeFd(this.untyped(), fdsetId, fd, options);
  }

  /** Closes the connection; pending commands reject with {@link DisconnectedError}. Idempotent. */
  disconnect(): Promise<void> {
    if (this.currentState === "disconnecting" && this.disconnecting !== undefined) return this.disconnecting;
    if (this.currentState === "idle") return Promise.resolve();
    if (this.reconnection?.active) return this.reconnection.stop();
    if (this.currentState === "connecting") {
      this.connectAbort?.abort(new DisconnectedError("disconnect() called while connecting"));
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
    if (this.reconnection?.active) {
      return this.reconnection.sendWhenBack(command, options, (opts) => this.sendCommand(message, command, args, opts));
    }
    if (this.currentState !== "running" || session === undefined) {
      return Promise.reject(new StateError(`cannot execute ${command}: client is ${this.currentState}, not running`));
    }
    if (options?.oob === true && !session.oob) {
      return Promise.reject(new StateError(`cannot exec-oob ${command}: out-of-band was not negotiated on this connection`));
    }
    if (this.options.validate && !NEVER_VALIDATED.has(command)) {
      const schema = this.schemas.ready(session);
      if (schema === undefined) return this.introspectThenSend(message, command, args, options);
      let issues;
      try {
        issues = schema.validateArguments(command, args);
      } catch (error) {
        return Promise.reject(error); // e.g. a throwing toJSON(), which serialising would meet too
      }
      if (issues.length > 0) return Promise.reject(new ArgumentError(command, args, issues));
    }
    const fds = options?.fds;
    if (fds === undefined || fds.length === 0) return session.send(message, command, args, options);
    if (options?.noReply === true) return Promise.reject(new TypeError("fds cannot be passed with noReply"));
    try {
      fdCommands.checkFdCapable(session);
      return session.sendWithFds(message, command, args, options ?? {}, fds.map(toFd));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // First command of a connection with `validate`: fetch the schema within the command's own deadline.
  private async introspectThenSend(
    message: Record<string, unknown>,
    command: string,
    args: unknown,
    options: ExecuteOptions | undefined,
  ): Promise<unknown> {
    const deadline = options?.timeout === undefined ? undefined : Date.now() + options.timeout;
    await this.introspect({ signal: options?.signal, timeout: options?.timeout });
    const timeout = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
    return this.sendCommand(message, command, args, { ...options, timeout });
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
    const controller = new AbortController();
    this.connectAbort = controller;
    const { signal: userSignal, timeout } = options;
    const onUserAbort = () => controller.abort(userSignal?.reason);
    userSignal?.addEventListener("abort", onUserAbort, { once: true });
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => controller.abort(new DOMException(`connect timed out after ${timeout} ms`, "TimeoutError")), timeout);
    try {
      userSignal?.throwIfAborted();
      const transport = await open(controller.signal);
      await this.handshake_(transport, controller.signal);
      // The connection may have ended between the negotiation reply and this line.
      if (this.session === undefined) throw new DisconnectedError("connection closed right after the handshake");
    } catch (error) {
      void this.session?.close();
      this.session = undefined;
      if (userSignal?.aborted && error === userSignal.reason) throw error;
      throw error instanceof ConnectError ? error : new ConnectError(`QMP connect failed: ${describe(error)}`, { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      userSignal?.removeEventListener("abort", onUserAbort);
      this.connectAbort = undefined;
      this.handshake = undefined;
    }
  }

  // Greeting and negotiation on a fresh transport; rejects on abort or a lost connection.
  private async handshake_(transport: OpenTransport, signal: AbortSignal): Promise<void> {
    let greeted!: (greeting: QmpGreeting) => void;
    const greeting = new Promise<QmpGreeting>((resolve) => (greeted = resolve));
    // Rejected by an abort (timeout, disconnect()) or the end of the connection, at any step.
    let fail!: (error: unknown) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {}); // raced below; never left unobserved
    const onAbort = () => fail(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.handshake = {
      greeting: (received) => greeted(received),
      // Report the root cause (a bad greeting, ECONNRESET), not the wrapper.
      ended: (error) => fail(error?.cause ?? error ?? new DisconnectedError("connection closed during the handshake")),
    };
    const session = this.attach(transport);
    try {
      signal.throwIfAborted();
      if (this.options.awaitGreeting) this.lastGreeting = await Promise.race([greeting, failed]);
      if (!this.options.negotiate) return;
      const offered = this.lastGreeting?.capabilities ?? [];
      const enable = this.options.oob && offered.includes("oob") ? ["oob"] : [];
      const negotiation = session.send(
        enable.length > 0 ? { execute: "qmp_capabilities", arguments: { enable } } : { execute: "qmp_capabilities" },
        "qmp_capabilities",
        enable.length > 0 ? { enable } : undefined,
      );
      await Promise.race([negotiation, failed]).catch((error: unknown) => {
        throw error instanceof ExecuteError
          ? new ConnectError(`capabilities negotiation failed: ${error.desc}`, { cause: error })
          : error;
      });
      session.oob = enable.length > 0;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
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
    if (error !== undefined && this.reconnectTarget !== undefined && this.options.reconnect !== undefined) {
      if (this.options.reconnect.retries > 0) return this.startReconnecting(this.reconnectTarget, error);
    }
    this.events.sessionEnded(error instanceof DisconnectedError ? error : undefined);
    // A protocol failure is reported as the ProtocolError itself; commands got DisconnectedError.
    this.setState("idle", error?.cause instanceof ProtocolError ? error.cause : error);
  }

  private startReconnecting(from: { target: ConnectTarget; timeout: number | undefined }, lost: Error): void {
    const config = this.options.reconnect as NonNullable<ResolvedClientOptions["reconnect"]>;
    // Listeners stay open: they get the new connection's events (or the end, if this gives up).
    this.setState("connecting", lost.cause instanceof ProtocolError ? lost.cause : lost);
    this.reconnection = new Reconnection(
      config,
      {
        attempt: (signal) =>
          this.openSession((s) => openTransport(from.target, s, this.options.fdPassing), {
            signal,
            timeout: from.timeout ?? DEFAULT_ATTEMPT_TIMEOUT,
          }),
        succeeded: (attempts) => {
          this.events.sessionStarted();
          this.setState("running");
          notifyReconnected(this.reconnectCallbacks, { attempts, error: lost }, this.options.logger);
        },
        gaveUp: (error, attempts) => {
          this.options.logger.debug(`${this.options.name}: reconnecting gave up after ${attempts} attempts`);
          this.events.sessionEnded(
            new DisconnectedError(`connection lost; reconnecting gave up: ${error.message}`, { cause: error }),
          );
          this.setState("idle", error);
        },
        stopped: () => {
          void this.session?.close();
          this.session = undefined;
          this.events.sessionEnded(undefined);
          this.setState("idle");
        },
      },
      lost,
    );
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
