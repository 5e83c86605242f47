/**
 * The error a handler throws to make the fake server answer with a QMP error.
 * @module
 */

/**
 * Thrown from a {@link Handler} to reply `{"error": {"class": errorClass, "desc": desc}}`.
 * Any other thrown `Error` becomes a `GenericError` carrying its message.
 *
 * @example
 * server.handle("device_del", () => { throw new QmpTestError("DeviceNotFound", "Device 'x' not found"); });
 */
export class QmpTestError extends Error {
  override readonly name = "QmpTestError";
  /** QEMU's error class: GenericError, CommandNotFound, DeviceNotActive, DeviceNotFound, KVMMissingCap. */
  readonly errorClass: string;
  /** The human-readable description sent as `desc`. */
  readonly desc: string;

  constructor(errorClass: string, desc: string) {
    super(`${errorClass}: ${desc}`);
    this.errorClass = errorClass;
    this.desc = desc;
  }
}
