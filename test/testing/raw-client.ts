// A deliberately dumb QMP client for testing the fake server: it frames by line ending
// and parses with JSON.parse, so it depends on nothing the server under test provides.
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { QmpTestServer } from "qmpkit/testing";

export class RawClient {
  /** Everything received so far, as text. */
  text = "";
  readonly ended: Promise<{ error?: string }>;
  #consumed = 0;
  #wake: (() => void) | undefined;
  #done = false;

  constructor(
    readonly stream: Duplex,
    readonly separator = "\r\n",
  ) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      this.text += chunk;
      this.#wake?.();
    });
    this.ended = new Promise((resolve) => {
      stream.on("error", (e: NodeJS.ErrnoException) => {
        this.#done = true;
        this.#wake?.();
        resolve({ error: e.code ?? e.message });
      });
      stream.on("end", () => {
        this.#done = true;
        this.#wake?.();
        resolve({});
      });
    });
  }

  static async unix(path: string, separator?: string): Promise<RawClient> {
    return RawClient.#connected(connect({ path }), separator);
  }

  static async tcp(host: string, port: number): Promise<RawClient> {
    return RawClient.#connected(connect({ host, port }));
  }

  static #connected(socket: Socket, separator?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawClient(socket, separator));
      });
    });
  }

  send(data: string | object): void {
    this.stream.write(typeof data === "string" ? data : JSON.stringify(data));
  }

  /** The next complete line (without its separator). */
  async nextLine(timeout = 2000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const end = this.text.indexOf(this.separator, this.#consumed);
      if (end >= 0) {
        const line = this.text.slice(this.#consumed, end);
        this.#consumed = end + this.separator.length;
        return line;
      }
      if (this.#done) throw new Error(`stream ended; unread: ${JSON.stringify(this.text.slice(this.#consumed))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; unread: ${JSON.stringify(this.text.slice(this.#consumed))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async next(timeout?: number): Promise<Record<string, unknown>> {
    return JSON.parse(await this.nextLine(timeout)) as Record<string, unknown>;
  }

  /** Text not consumed yet. */
  get unread(): string {
    return this.text.slice(this.#consumed);
  }

  /** Reads the greeting and negotiates. */
  async negotiate(enable?: string[]): Promise<void> {
    await this.next();
    this.send(enable === undefined ? { execute: "qmp_capabilities" } : { execute: "qmp_capabilities", arguments: { enable } });
    const reply = await this.next();
    if (JSON.stringify(reply) !== '{"return":{}}') throw new Error(`negotiation failed: ${JSON.stringify(reply)}`);
  }

  /** Asserts that nothing more arrives within `ms`. */
  async quiet(ms = 50): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    return this.unread;
  }

  close(): void {
    this.stream.destroy();
  }
}

/** An in-memory client that has read the greeting and negotiated. */
export async function negotiated(server: QmpTestServer, enable?: string[]): Promise<RawClient> {
  const client = new RawClient(server.connectPair());
  await client.negotiate(enable);
  return client;
}

const WATCHED_RESOURCES = new Set(["Timeout", "PipeWrap", "PipeServerWrap", "TCPWrap", "TCPSocketWrap", "TCPServerWrap"]);

/** Timers, sockets and servers alive now (the runner's own pipes are in both samples). */
export function resources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => WATCHED_RESOURCES.has(r))
    .sort();
}

/**
 * Waits (up to `ms`) for the live resources to come back to `before`, returning them:
 * short timers of the runner or of earlier tests may still be finishing.
 */
export async function settledResources(before: readonly string[], ms = 200): Promise<string[]> {
  const deadline = Date.now() + ms;
  let now = resources();
  while (JSON.stringify(now) !== JSON.stringify(before) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    now = resources();
  }
  return now;
}

/** Lets pending I/O callbacks run. */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
