/**
 * `--log FILE`: a transcript of every message sent and received, one per line with an ISO
 * timestamp and a direction (`->` sent, `<-` received). Appends, so sessions accumulate.
 * @module
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { formatJson } from "./format.js";

/** An open transcript file. */
export class Transcript {
  private readonly stream: WriteStream;
  private failed: Error | undefined;

  private constructor(stream: WriteStream) {
    this.stream = stream;
    stream.on("error", (error) => (this.failed = error));
  }

  /** Opens `path` for appending; rejects when it cannot be opened. */
  static open(path: string): Promise<Transcript> {
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
      stream.once("open", () => {
        stream.off("error", reject);
        resolve(new Transcript(stream));
      });
      stream.once("error", reject);
    });
  }

  /** Records a message; `direction` is `->` (sent) or `<-` (received). */
  message(direction: "->" | "<-", message: unknown): void {
    this.line(`${direction} ${formatJson(message, false)}`);
  }

  /** Records a note (`#` line), e.g. where the shell connected. */
  note(text: string): void {
    this.line(`# ${text}`);
  }

  private line(text: string): void {
    if (this.failed === undefined) this.stream.write(`${new Date().toISOString()} ${text}\n`);
  }

  /** Flushes and closes. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
