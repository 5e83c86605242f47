/**
 * `qmpkit/testing`: a fake QMP server that behaves like QEMU 7.2 on the wire (greeting,
 * negotiation rules, error texts, id echo, event-before-reply, framing, pretty output),
 * for testing code that talks QMP without starting QEMU.
 *
 * @example
 * ```ts
 * import { QmpTestServer, QmpTestError } from "qmpkit/testing";
 *
 * await using server = new QmpTestServer();
 * server.handle("device_del", (args) => {
 *   throw new QmpTestError("DeviceNotFound", `Device '${String(args["id"])}' not found`);
 * });
 * const stream = server.connectPair(); // or: await server.listen({ path: "/tmp/qmp.sock" })
 * // ... drive your client over `stream` ...
 * const cmd = await server.nextCommand("device_del", { timeout: 1000 });
 * server.emit("DEVICE_DELETED", { device: "x", path: "/machine/peripheral/x" });
 * ```
 * @module
 */

export { QmpTestServer } from "./server.js";
export { QmpTestError } from "./errors.js";
export { createDuplexPair, resetDuplex, type DuplexPairOptions } from "./duplex-pair.js";
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
export { qemu72Schema, qsd72Schema } from "./schemas.js";
