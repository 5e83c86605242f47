/**
 * Reference values measured on QEMU 7.2 (Debian 12), used where the test server's
 * options leave something unsaid.
 * @module
 */

import type { QmpTestGreeting, QmpTestGreetingMessage, QmpTestVersion } from "./types.js";

/** QEMU 7.2's version as measured. QEMU prints `micro, minor, major` in this order. */
export const DEFAULT_VERSION: QmpTestVersion = {
  qemu: { micro: 22, minor: 2, major: 7 },
  package: "Debian 1:7.2+dfsg-7+deb12u18+b3",
};

/** QEMU 7.2's commands that carry `allow-oob`. */
export const DEFAULT_OOB_COMMANDS: readonly string[] = ["migrate-pause", "migrate-recover", "yank", "query-yank"];

/** A copy in QEMU's key order, whatever order the caller wrote. */
export function copyVersion(v: QmpTestVersion): QmpTestVersion {
  return {
    qemu: { micro: v.qemu.micro, minor: v.qemu.minor, major: v.qemu.major },
    package: v.package,
  };
}

/** The version and greeting message of a server constructed with `greeting`. */
export function greetingOf(greeting: QmpTestGreeting | false): {
  version: QmpTestVersion;
  greeting: QmpTestGreetingMessage | false;
} {
  if (greeting === false) return { version: copyVersion(DEFAULT_VERSION), greeting };
  const version = copyVersion(greeting.version ?? DEFAULT_VERSION);
  const capabilities = [...(greeting.capabilities ?? ["oob"])];
  return { version, greeting: { QMP: { version, capabilities } } };
}

/** An event timestamp for now, with microseconds like QEMU's. */
export function timestampNow(): { seconds: number; microseconds: number } {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return { seconds: Math.floor(micros / 1e6), microseconds: micros % 1e6 };
}
