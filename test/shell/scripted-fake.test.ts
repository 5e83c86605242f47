/** Scripted mode in-process against the fake server (exact numbers, events with --pretty). */
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { expect, it } from "vitest";
import { QmpTestServer, qemu72Schema } from "../../runtime/testing/index.js";
import { runCli, type ShellIo } from "../../runtime/shell/cli.js";
import { tempDir } from "../helpers/qemu.js";

function io(lines: readonly string[]): ShellIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const sink = (append: (t: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  return {
    stdin: Readable.from(lines.map((l) => `${l}\n`)),
    stdout: sink((t) => (out += t)),
    stderr: sink((t) => (err += t)),
    env: {},
    out: () => out,
    err: () => err,
  };
}

it("prints integers beyond 2^53 exactly, in replies and in arguments", async () => {
  using dir = tempDir();
  // No `schema` option: the fake server would check with the same width-less validator.
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  server.handle("query-memory-size-summary", () => ({ "base-memory": 18446744073709551615n }));
  server.handle("migrate-set-parameters", () => ({}));
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io(["query-memory-size-summary", "migrate-set-parameters max-bandwidth=18446744073709551615"]);
  // max-bandwidth is a QAPI `size`: introspection shows `int`, so the shell leaves an integer
  // beyond int64 to QEMU instead of refusing it.
  expect(await runCli(["shell", path], cli)).toBe(0);
  expect(cli.out()).toBe('{"base-memory":18446744073709551615}\n{}\n');
  const sent = server.received.find((m) => m.command === "migrate-set-parameters");
  expect(sent?.args).toEqual({ "max-bandwidth": 18446744073709551615n });
  expect(sent?.raw).toContain('"max-bandwidth":18446744073709551615}');
});

it("still refuses what no integer width could accept, and sends nothing", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io(["block-dirty-bitmap-add node=n name=b granularity=x", "block-dirty-bitmap-add node=n name=b granularity=1.5"]);
  expect(await runCli(["shell", path], cli)).toBe(1);
  expect(cli.out()).toBe(
    // QEMU 7.2's own text for a uint32 member given a string or a fraction (measured), from qmpkit's default facts
    '{"error":{"class":"GenericError","desc":"Parameter \'granularity\' expects uint64"}}\n'.repeat(2),
  );
  expect(server.received.filter((m) => m.command === "block-dirty-bitmap-add")).toEqual([]);
});
