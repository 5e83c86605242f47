/**
 * A deliberately minimal QMP client with no library: the "raw" baseline. Frames QEMU's
 * output by newline (QEMU ends every message with `\r\n`), JSON.parses each line, routes
 * replies by numeric id. It sends exactly the bytes qmpkit sends (`JSON.stringify` of the
 * same object, no separator), so both clients cost QEMU the same input bytes.
 * @module
 */
import net from "node:net";
import type { Duplex } from "node:stream";

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The raw client. */
export class RawQmp {
  private carry = "";
  private lastId = 0;
  private readonly pending = new Map<number, Waiter>();
  private greeted: Waiter | undefined;
  private greetingSeen: unknown;
  /** In-band commands allowed in flight for {@link pipeline}'s windowed mode. */
  inFlight = 0;

  constructor(readonly stream: Duplex) {
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("error", () => {});
    stream.on("close", () => {
      const error = new Error("raw client: connection closed");
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
      this.greeted?.reject(error);
    });
  }

  /** Connects to a unix socket. */
  static connect(path: string): Promise<RawQmp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawQmp(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Waits for the greeting and negotiates (with oob when asked). */
  async handshake(oob: boolean): Promise<void> {
    if (this.greetingSeen === undefined) {
      await new Promise<unknown>((resolve, reject) => (this.greeted = { resolve, reject }));
    }
    await this.execute("qmp_capabilities", oob ? { enable: ["oob"] } : undefined);
  }

  /** Sends one command and resolves with its `return`. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = ++this.lastId;
    const message: Record<string, unknown> = { execute: command };
    if (args !== undefined) message["arguments"] = args;
    message["id"] = id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.stream.write(JSON.stringify(message));
    });
  }

  /**
   * Sends `count` commands; with `window`, keeps at most that many in flight (what qmpkit
   * does with oob negotiated). Resolves when every reply arrived.
   */
  async pipeline(command: string, count: number, window = Infinity): Promise<void> {
    if (window === Infinity) {
      const all: Array<Promise<unknown>> = [];
      for (let i = 0; i < count; i++) all.push(this.execute(command));
      await Promise.all(all);
      return;
    }
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < count) {
        sent++;
        await this.execute(command);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
  }

  /** Closes the stream. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.once("close", () => resolve());
      this.stream.destroy();
    });
  }

  private onData(chunk: Buffer): void {
    let text = this.carry + chunk.toString("utf8");
    let newline: number;
    while ((newline = text.indexOf("\n")) !== -1) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (line.trim() !== "") this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
    this.carry = text;
  }

  private onMessage(message: Record<string, unknown>): void {
    if ("QMP" in message) {
      this.greetingSeen = message;
      this.greeted?.resolve(message);
      return;
    }
    const id = message["id"];
    if (typeof id !== "number") return; // events and id-less errors: ignored here
    const waiter = this.pending.get(id);
    if (waiter === undefined) return;
    this.pending.delete(id);
    if ("return" in message) waiter.resolve(message["return"]);
    else waiter.reject(new Error(`raw client: error reply ${JSON.stringify(message["error"])}`));
  }
}
