/** The terminal front end in-process (a stand-in terminal) against the fake server. */
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { QmpTestServer, qemu72Schema } from "../../runtime/testing/index.js";
import { runCli, type ShellIo } from "../../runtime/shell/cli.js";
import { tempDir } from "../helpers/qemu.js";

/** A terminal that records what reaches it in one go (one write, or one writev of corked writes). */
function terminal(): { stream: Writable & { isTTY: boolean; columns: number }; batches: string[] } {
  const batches: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        batches.push(chunk.toString());
        callback();
      },
      writev(chunks, callback) {
        batches.push(chunks.map((c) => (c.chunk as Buffer).toString()).join(""));
        callback();
      },
    }),
    { isTTY: true, columns: 80 },
  );
  return { stream, batches };
}

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !test(); i++) await sleep(25);
  if (!test()) throw new Error(`timed out waiting for ${what}`);
}

it("an event and the redrawn prompt with the half-typed line reach the terminal in one write", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = terminal();
  const io: ShellIo = { stdin: input, stdout: output.stream, stderr: terminal().stream, env: { NO_COLOR: "1" } };
  const exit = runCli(["shell", path, "--no-history"], io);
  await until(() => output.batches.join("").includes("(QEMU) "), "the prompt");
  input.write("query-na");
  await until(() => output.batches.join("").endsWith("query-na"), "the echo");
  const before = output.batches.length;
  server.emit("STOP");
  await until(() => output.batches.join("").includes(" STOP"), "the event");
  const event = output.batches.slice(before).find((b) => b.includes(" STOP")) as string;
  // ...then the prompt and the line, the cursor put back at its column.
  // eslint-disable-next-line no-control-regex -- the cursor escape
  expect(event).toMatch(/ STOP\n[^]*\(QEMU\) query-na(\x1b\[\d+G)?$/);
  input.write("\x15\x04"); // Ctrl-U, Ctrl-D
  expect(await exit).toBe(0);
});

it("--no-history saves nothing, yet Up recalls a line of this session", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = terminal();
  const io: ShellIo = { stdin: input, stdout: output.stream, stderr: terminal().stream, env: { NO_COLOR: "1" } };
  const exit = runCli(["shell", path, "--no-history"], io);
  await until(() => output.batches.join("").includes("(QEMU) "), "the prompt");
  input.write("query-name\r");
  await until(() => server.received.filter((m) => m.command === "query-name").length === 1, "query-name");
  input.write("\x1b[A\r"); // Up, Enter
  await until(() => server.received.filter((m) => m.command === "query-name").length === 2, "the recalled query-name");
  input.write("\x04");
  expect(await exit).toBe(0);
});
