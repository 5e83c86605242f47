/**
 * Type-level description of a QMP interface. The runtime is schema-agnostic: it is generic
 * over an API description whose `commands` and `events` maps are supplied by generated
 * bindings (e.g. `QemuApi` from `qmpkit/qemu`), with an untyped default.
 * @module
 */
import type { FileHandle } from "node:fs/promises";

/** Options accepted by every command execution. */
export interface ExecuteOptions {
  /** Send as `exec-oob` (out-of-band). Needs oob negotiated and an oob-capable command. */
  oob?: boolean | undefined;
  /** Abort the wait for the reply; the command rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for the reply; rejects with a `TimeoutError` DOMException. */
  timeout?: number | undefined;
  /**
   * The command sends no reply on success (QAPI `success-response: false`, e.g. qemu-ga's
   * `guest-shutdown`): resolve with `undefined` once the message is written. An error
   * reply, if the server sends one, is then logged and dropped.
   */
  noReply?: boolean | undefined;
  /**
   * File descriptors to pass with the command (SCM_RIGHTS), e.g. for `getfd` and `add-fd`:
   * they travel in the same `sendmsg` as the command's first bytes. Unix-socket connections
   * only, with the optional native part installed. The caller keeps ownership: close them
   * once the command settled.
   */
  fds?: readonly (number | FileHandle)[] | undefined;
}

/**
 * An API description. `commands` maps a wire name to `{ args, returns }` (`args` is
 * `undefined` for commands without arguments); `events` maps an event name to its `data`
 * type (`undefined` for events without data).
 */
export interface QmpApi {
  readonly commands: object;
  readonly events: object;
}

/** The default API: any command name, any arguments, `unknown` results. */
export interface UntypedApi {
  commands: Record<string, { args: Record<string, unknown> | undefined; returns: unknown }>;
  events: Record<string, Record<string, unknown> | undefined>;
}

/** Command names of an API. */
export type CommandName<Api extends QmpApi> = keyof Api["commands"] & string;

/** The entry of command `K` in an API's command map: `{ args, returns }`. */
export type CommandSpecOf<Api extends QmpApi, K> = K extends keyof Api["commands"] ? Api["commands"][K] : never;

/** The `arguments` type of command `K`. */
export type CommandArgs<Api extends QmpApi, K> = CommandSpecOf<Api, K> extends { args: infer A } ? A : never;

/** The `return` type of command `K`. */
export type CommandReturn<Api extends QmpApi, K> = CommandSpecOf<Api, K> extends { returns: infer R } ? R : never;

/** Parameters after the command name: arguments are optional when the command needs none. */
export type ExecuteRest<A> = undefined extends A ? [args?: A, options?: ExecuteOptions] : [args: A, options?: ExecuteOptions];

/** Event names of an API. */
export type EventName<Api extends QmpApi> = keyof Api["events"] & string;

/** When QEMU emitted an event. Both fields may be -1 when QEMU could not read the clock. */
export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

/** An event as it arrives: `data` is absent for events without members. */
export type QmpEvent<Name extends string = string, Data = Record<string, unknown> | undefined> = undefined extends Data
  ? { event: Name; timestamp: QmpTimestamp; data?: Data }
  : { event: Name; timestamp: QmpTimestamp; data: Data };

/** The union of typed events for the names `N` of an API (distributes over `N`). */
export type QmpEventOf<Api extends QmpApi, N extends string = EventName<Api>> = N extends keyof Api["events"]
  ? QmpEvent<N, Api["events"][N]>
  : never;

/**
 * What generated command wrappers need from a client. Every `QmpClient<Api>` satisfies it,
 * whatever its `Api`, so typed wrappers work on untyped clients too.
 */
export interface QmpExecutor {
  execute(command: string, args?: object, options?: ExecuteOptions): Promise<unknown>;
}
