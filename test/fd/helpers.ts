import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { connectFdSocket, type FdCapableSocket } from "../../runtime/fd/index.js";

export const hasQemu = spawnSync("qemu-system-x86_64", ["--version"]).status === 0;
export const requireQemu = Boolean(process.env["QMP_REQUIRE_QEMU"]);

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "qmpkit-fd-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Collects bytes from a stream; `until(n)` waits for at least n bytes in total. */
export function collect(stream: Duplex): { bytes(): Buffer; until(n: number, ms?: number): Promise<Buffer> } {
  const chunks: Buffer[] = [];
  let total = 0;
  let waiter: (() => void) | undefined;
  stream.on("data", (d: Buffer) => {
    chunks.push(d);
    total += d.length;
    waiter?.();
  });
  const bytes = () => Buffer.concat(chunks);
  return {
    bytes,
    until: (n, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} bytes, got ${total}`)), ms);
        const check = () => {
          if (total >= n) {
            clearTimeout(timer);
            waiter = undefined;
            resolve(bytes());
          }
        };
        waiter = check;
        check();
      }),
  };
}

/** Reads QMP messages (one JSON object per `\r\n` line) and skips events. */
export class QmpLines {
  #buffer = "";
  #messages: unknown[] = [];
  #wake: (() => void) | undefined;

  constructor(stream: Duplex) {
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      this.#buffer += text;
      let i: number;
      while ((i = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, i).trim();
        this.#buffer = this.#buffer.slice(i + 1);
        if (line === "") continue;
        const msg: unknown = JSON.parse(line);
        if (typeof msg === "object" && msg !== null && "event" in msg) continue;
        this.#messages.push(msg);
      }
      this.#wake?.();
    });
  }

  async next(ms = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    while (this.#messages.length === 0) {
      if (Date.now() > deadline) throw new Error("timed out waiting for a QMP message");
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.#messages.shift() as Record<string, unknown>;
  }
}

/** A real QEMU with a QMP unix socket, and an fd-capable connection to it. */
export async function startQemu(
  dir: string,
): Promise<{ qemu: ChildProcess; sock: FdCapableSocket; lines: QmpLines; path: string }> {
  const path = join(dir, "q.sock");
  const qemu = spawn(
    "qemu-system-x86_64",
    ["-machine", "none", "-nodefaults", "-display", "none", "-qmp", `unix:${path},server=on,wait=off`],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (existsSync(path)) {
      try {
        const sock = await connectFdSocket(path);
        return { qemu, sock, lines: new QmpLines(sock), path };
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    } else if (Date.now() > deadline || qemu.exitCode !== null) {
      throw new Error("QEMU did not create its QMP socket");
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function stopQemu(qemu: ChildProcess): Promise<void> {
  if (qemu.exitCode !== null || qemu.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    qemu.once("exit", () => resolve());
    qemu.kill("SIGTERM");
  });
}
