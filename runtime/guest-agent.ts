/**
 * qemu-ga's stream resynchronisation (`guest-sync-delimited`).
 * @module
 */
import { randomInt } from "node:crypto";
import type { ExecuteOptions } from "./api.js";
import { ProtocolError, StateError } from "./errors.js";
import type { Session } from "./session.js";

/**
 * Drops partial input on both sides, discards whatever the agent sent before its 0xFF
 * marker, and checks that the agent echoes a fresh random token.
 */
export async function syncGuestAgent(session: Session, options: ExecuteOptions): Promise<void> {
  if (session.pendingCount > 0)
    throw new StateError("cannot sync while commands are in flight: their replies would be discarded");
  const token = randomInt(1, 2 ** 31);
  session.resync();
  const args = { id: token };
  const echoed = await session.send({ execute: "guest-sync-delimited", arguments: args }, "guest-sync-delimited", args, options);
  if (echoed !== token) throw new ProtocolError(`guest-sync-delimited echoed ${JSON.stringify(echoed)} instead of ${token}`);
}
