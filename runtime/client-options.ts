/**
 * Options and message types of {@link QmpClient}.
 * @module
 */
import type { AddressInfo } from "node:net";
import type { ExecuteOptions } from "./api.js";
import { debugFromEnv, defaultLogger, type QmpLogger } from "./logger.js";
import type { QmpSchemaOptions } from "./schema/qmp-schema.js";

/** Traffic hooks: observe (and, inbound, filter) every message. */
export interface MessageHooks {
  /** Called with each parsed inbound message; return `false` to drop it. */
  inbound?: ((message: Record<string, unknown>) => boolean | void) | undefined;
  /** Called with each outbound message when it is sent (or queued behind the in-flight window). */
  outbound?: ((message: Record<string, unknown>) => void) | undefined;
}

/** Connection state. `idle` covers both "never connected" and "disconnected". */
export type QmpState = "idle" | "connecting" | "running" | "disconnecting";

/** Options for {@link QmpClient}. */
export interface QmpClientOptions {
  /** A name used in log lines, to tell clients apart. */
  name?: string | undefined;
  /** Send `qmp_capabilities` after the greeting (default true). False for qemu-ga or manual negotiation. */
  negotiate?: boolean | undefined;
  /** Wait for the `{"QMP": ...}` greeting before anything else (default true). False for qemu-ga. */
  awaitGreeting?: boolean | undefined;
  /** Enable out-of-band execution when the server offers it (default true). */
  oob?: boolean | undefined;
  /** Largest accepted inbound message; larger ones end the session with a ProtocolError (default 64 MiB). */
  maxMessageBytes?: number | undefined;
  /**
   * With oob negotiated, the most in-band commands sent before their replies (default 8):
   * QEMU stops reading its socket beyond that, which would also hold back `exec-oob`.
   */
  maxInFlight?: number | undefined;
  /**
   * Open unix-socket connections with the native fd-capable socket when it is installed
   * (default true), so that `execute(..., { fds })` works; false always uses `net`.
   */
  fdPassing?: boolean | undefined;
  /**
   * Parse integers that a `number` cannot hold exactly (beyond ±2^53, e.g. uint64 sizes,
   * qemu-ga's `guest-get-time`) as `bigint` instead of rounding them (default false). The
   * generated types still say `number` for them. Outbound `bigint` values are always sent
   * exactly, whatever this option says.
   */
  bigint?: boolean | undefined;
  /**
   * Over TLS, send one TLS record per byte (default true). QEMU 7.2 reads a TLS monitor one
   * byte per socket wake-up and leaves the rest of a record waiting, so a command sent in one
   * record stalls; set false only for servers without that behaviour.
   */
  tlsByteRecords?: boolean | undefined;
  /** Where debug lines and warnings go (default: silent unless `DEBUG=qmpkit` or `NODE_DEBUG=qmpkit`). */
  logger?: QmpLogger | undefined;
  /** Traffic hooks for logging or filtering. */
  hooks?: MessageHooks | undefined;
  /**
   * Check every command's arguments against the live schema before sending (default false):
   * the first command of each connection introspects (`query-qmp-schema`, cached per
   * connection), invalid arguments reject with an `ArgumentError` carrying QEMU's own text,
   * and nothing is sent. `qmp_capabilities` and `query-qmp-schema` are never checked.
   */
  validate?: boolean | undefined;
  /** Facts for the live schema that introspection lacks (integer widths, alternates' names); see {@link QmpSchemaOptions}. */
  schemaOptions?: QmpSchemaOptions | undefined;
}

/** Options for {@link QmpClient.connect} and {@link QmpClient.accept}. */
export interface ConnectOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds for the whole handshake (transport, greeting, negotiation). */
  timeout?: number | undefined;
}

/** Options for {@link QmpClient.accept}. */
export interface AcceptOptions extends ConnectOptions {
  /** Called once listening, with the socket path or TCP address: start QEMU now. */
  onListening?: ((address: string | AddressInfo) => unknown) | undefined;
}

/** A command message built by the caller, for {@link QmpClient.executeMessage}. */
export type QmpCommandMessage =
  | { execute: string; arguments?: Record<string, unknown>; id?: string | number; [extra: string]: unknown }
  | { "exec-oob": string; arguments?: Record<string, unknown>; id?: string | number; [extra: string]: unknown };

/** Options for {@link QmpClient.executeUntil}. */
export type ExecuteUntilOptions = Omit<ExecuteOptions, "oob">;

/** @internal Options with every default filled in. */
export interface ResolvedClientOptions {
  name: string;
  negotiate: boolean;
  awaitGreeting: boolean;
  oob: boolean;
  maxMessageBytes: number;
  maxInFlight: number;
  fdPassing: boolean;
  bigint: boolean;
  tlsByteRecords: boolean;
  logger: QmpLogger;
  hooks: MessageHooks;
  validate: boolean;
  schemaOptions: QmpSchemaOptions;
  /** Whether to build debug lines at all (a logger was given, or DEBUG/NODE_DEBUG asks for them). */
  debug: boolean;
}

/** @internal Fills in defaults and rejects values that cannot work. */
export function resolveClientOptions(options: QmpClientOptions): ResolvedClientOptions {
  return {
    name: options.name ?? "qmp",
    negotiate: options.negotiate ?? true,
    awaitGreeting: options.awaitGreeting ?? true,
    oob: options.oob ?? true,
    maxMessageBytes: positiveInteger("maxMessageBytes", options.maxMessageBytes ?? 64 * 1024 * 1024),
    maxInFlight: positiveInteger("maxInFlight", options.maxInFlight ?? 8),
    fdPassing: options.fdPassing ?? true,
    bigint: options.bigint ?? false,
    tlsByteRecords: options.tlsByteRecords ?? true,
    logger: options.logger ?? defaultLogger,
    hooks: options.hooks ?? {},
    validate: options.validate ?? false,
    schemaOptions: options.schemaOptions ?? {},
    debug: options.logger !== undefined || debugFromEnv,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
