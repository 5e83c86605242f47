/**
 * Real-QEMU test support: tests skip only when the binary is missing AND
 * QMP_REQUIRE_QEMU is unset; with QMP_REQUIRE_QEMU set they run (and fail if QEMU is missing).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";

export const QEMU = process.env["QMP_QEMU_BINARY"] ?? "qemu-system-x86_64";
export const QSD = process.env["QMP_QSD_BINARY"] ?? "qemu-storage-daemon";
export const QGA = process.env["QMP_QGA_BINARY"] ?? "qemu-ga";

const required = process.env["QMP_REQUIRE_QEMU"] !== undefined && process.env["QMP_REQUIRE_QEMU"] !== "";

/** True when `binary --version` runs. */
export function hasBinary(binary: string): boolean {
  const result = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return result.status === 0;
}

/** `describe` for suites that need `binary`: skipped only when it is missing and not required. */
export function describeWith(binary: string): typeof describe | typeof describe.skip {
  return hasBinary(binary) || required ? describe : describe.skip;
}

/** A temp directory removed by the returned disposer. */
export function tempDir(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "qmpkit-test-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}
