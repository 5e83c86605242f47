/**
 * A minimal in-memory QMP peer: greets, answers every command with a fixed reply carrying
 * the request's id. No JSON parsing, no validation, no records: the cheapest possible
 * server, so that a client measured against it shows (almost) only its own cost.
 * @module
 */
import type { Duplex } from "node:stream";

const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}\r\n';
const STATUS = '{"return": {"status": "running", "singlestep": false, "running": true}, "id": ';
const EMPTY = '{"return": {}, "id": ';

/**
 * Serves `stream` (the server side of a duplex pair). Assumes compact single-object
 * requests whose `"id"` is the last member, as both qmpkit and the raw client send them.
 */
export function attachEchoPeer(stream: Duplex): void {
  let carry = "";
  stream.on("error", () => {});
  stream.on("data", (chunk: Buffer) => {
    let text = carry + chunk.toString("latin1");
    let out = "";
    // Requests have at most one nested object (`arguments`), and `"id":N}` ends each one.
    for (;;) {
      const idAt = text.indexOf('"id":');
      if (idAt === -1) break;
      const end = text.indexOf("}", idAt);
      if (end === -1) break;
      out += (text.startsWith('{"execute":"qmp_capabilities"') ? EMPTY : STATUS) + text.slice(idAt + 5, end) + "}\r\n";
      text = text.slice(end + 1);
    }
    carry = text;
    if (out !== "") stream.write(out);
  });
  stream.write(GREETING);
}
