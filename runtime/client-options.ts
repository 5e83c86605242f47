/**
 * Options and message types of {@link QmpClient}.
 * @module
 */
import type { AddressInfo } from "node:net";
import type { ExecuteOptions } from "./api.js";
import type { QmpLogger } from "./logger.js";
import type { MessageHooks } from "./session.js";

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
