/**
 * `qmpkit/testing`: a fake QMP server that behaves like QEMU 7.2, for testing code that
 * talks QMP without starting QEMU.
 * @module
 */

export { QmpTestServer } from "./server.js";
export { QmpTestError } from "./errors.js";
export {
  createDuplexPair,
  resetDuplex,
  type DuplexPairOptions,
} from "./duplex-pair.js";
export type { NextCommandOptions } from "./received.js";
export type {
  Handler,
  HandlerContext,
  QmpTestAddress,
  QmpTestEventOptions,
  QmpTestGreeting,
  QmpTestGreetingMessage,
  QmpTestListenTarget,
  QmpTestServerOptions,
  QmpTestVersion,
  ReceivedMessage,
} from "./types.js";
