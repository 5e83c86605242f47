/** Scripted mode in-process against the fake server (exact numbers, events with --pretty). */
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
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
  // max-bandwidth is a QAPI `size`: introspection shows `int`, the widths of QEMU 7.2 say uint64.
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
  // granularity is a QAPI uint32: QEMU's text for a non-integer names uint64.
  expect(cli.out()).toBe('{"error":{"class":"GenericError","desc":"Parameter \'granularity\' expects uint64"}}\n'.repeat(2));
  expect(server.received.filter((m) => m.command === "block-dirty-bitmap-add")).toEqual([]);
});

it("with a QEMU 7.2 (widths known): uint64 values are sent exactly, an int64 member's overflow is refused unsent", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  server.handle("block-set-write-threshold", () => ({}));
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io([
    "block-set-write-threshold node-name=n write-threshold=18446744073709551615",
    "block-set-write-threshold node-name=n write-threshold=18446744073709551616",
    "balloon value=9223372036854775808",
  ]);
  expect(await runCli(["shell", path], cli)).toBe(1);
  expect(cli.out()).toBe(
    "{}\n" +
      '{"error":{"class":"GenericError","desc":"Parameter \'write-threshold\' expects uint64"}}\n' +
      '{"error":{"class":"GenericError","desc":"Invalid parameter type for \'value\', expected: integer"}}\n',
  );
  const sent = server.received.filter((m) => m.command === "block-set-write-threshold");
  expect(sent.map((m) => m.args)).toEqual([{ "node-name": "n", "write-threshold": 18446744073709551615n }]);
  expect(sent[0]?.raw).toContain('"write-threshold":18446744073709551615}');
  expect(server.received.filter((m) => m.command === "balloon")).toEqual([]);
});

it("with another QEMU version (widths unsure): an integer a uint64 takes is left to QEMU, one beyond uint64 refused", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer({ greeting: { version: { qemu: { major: 9, minor: 1, micro: 0 }, package: "" } } });
  server.handle("query-qmp-schema", () => qemu72Schema());
  server.handle("balloon", () => ({}));
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io([
    "balloon value=9223372036854775808",
    "balloon value=18446744073709551616",
    "balloon value=-9223372036854775809",
  ]);
  expect(await runCli(["shell", path], cli)).toBe(1);
  const refused = (value: string) =>
    `{"error":{"class":"GenericError","desc":"Invalid parameter type for '${value}', expected: integer"}}\n`;
  expect(cli.out()).toBe("{}\n" + refused("value") + refused("value"));
  expect(server.received.filter((m) => m.command === "balloon").map((m) => m.args)).toEqual([{ value: 9223372036854775808n }]);
});

it("events NAME ... shows only those events; events on shows all again", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  server.handle("stop", (_args, ctx) => {
    ctx.emit("STOP");
    ctx.emit("RESUME");
    return {};
  });
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io(["events STOP", "stop", "events on", "stop", "events NOPE"]);
  expect(await runCli(["shell", path, "--events"], cli)).toBe(1);
  const names = cli
    .out()
    .trimEnd()
    .split("\n")
    .map((line) => (JSON.parse(line) as { event?: string; error?: { desc: string } }).event ?? JSON.parse(line));
  expect(names).toEqual(["STOP", {}, "STOP", "RESUME", {}, { error: { class: "GenericError", desc: "no event NOPE" } }]);
});

it("a connection lost while the script waits for input is reported at once, exit 1", async () => {
  using dir = tempDir();
  await using server = new QmpTestServer();
  server.handle("query-qmp-schema", () => qemu72Schema());
  server.handle("query-name", (_args, ctx) => {
    ctx.afterReply(() => setTimeout(() => ctx.end(), 300)); // once the shell waits for the next line
    return {};
  });
  const path = join(dir.path, "fake.sock");
  await server.listen(path);
  const cli = io([]);
  const stdin = new PassThrough(); // never ends: the script is still "typing"
  stdin.write("query-name\n");
  const started = Date.now();
  expect(await runCli(["shell", path], { ...cli, stdin })).toBe(1);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(cli.out()).toBe("{}\n");
  expect(cli.err()).toMatch(/^qmpkit shell: connection lost/);
});
