import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli, type ShellIo } from "../../runtime/shell/cli.js";

function io(): ShellIo & { out: () => string; err: () => string } {
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
    stdin: Readable.from([]),
    stdout: sink((t) => (out += t)),
    stderr: sink((t) => (err += t)),
    env: {},
    out: () => out,
    err: () => err,
  };
}

describe("qmpkit CLI", () => {
  it("shell --help lists every option", async () => {
    const cli = io();
    expect(await runCli(["shell", "--help"], cli)).toBe(0);
    for (const flag of [
      "--tcp",
      "--qemu",
      "--qemu-arg",
      "--qga",
      "--schema",
      "--hmp",
      "-p, --pretty",
      "-v, --verbose",
      "--log",
      "--events",
      "--history",
      "--timeout",
      "--validate",
    ])
      expect(cli.out()).toContain(flag);
    expect(cli.out()).toContain("--no-validate");
  });

  it.each([["-h"], ["shell", "-h"]])("%s prints the help, exit 0", async (...argv) => {
    const cli = io();
    expect(await runCli(argv, cli)).toBe(0);
    expect(cli.out()).toContain("--help");
    expect(cli.err()).toBe("");
  });

  it.each([
    [[], /command is required/],
    [["shell"], /where to connect is missing/],
    [["shell", "--tcp", "localhost"], /--tcp expects HOST:PORT/],
    [["shell", "--tcp", "h:1", "/s"], /mutually exclusive/],
    [["shell", "/s", "--qemu-arg", "-S"], /--qemu-arg needs --qemu/],
    [["shell", "--qemu-arg", "-S", "/s"], /--qemu-arg needs --qemu/],
    [["shell", "--qga", "--hmp", "/s"], /--qga and --hmp cannot be combined/],
    [["shell", "--qga", "--qemu", "qemu-system-x86_64"], /--qga needs/],
    [["shell", "/s", "--bogus"], /Unknown argument/],
    [["shell", "/s", "--timeout", "0"], /--timeout expects a positive number/],
    [["shell", "/s", "--timeout", "soon"], /--timeout expects a positive number of milliseconds, got "soon"/],
    [["shell", "/s", "--timeout", "1.5"], /--timeout expects a positive number of milliseconds, got "1.5"/],
    [["shell", "/s", "--timeout"], /--timeout expects a positive number of milliseconds, got ""/],
    [["frobnicate"], /Unknown argument/],
  ])("usage error %j exits 2 with a clear message", async (argv, message) => {
    const cli = io();
    expect(await runCli(argv, cli)).toBe(2);
    expect(cli.err()).toMatch(message);
    expect(cli.out()).toBe("");
  });

  it("a socket that is not there exits 1", async () => {
    const cli = io();
    expect(await runCli(["shell", "/nonexistent/qmp.sock"], cli)).toBe(1);
    expect(cli.err()).toMatch(/^qmpkit shell: cannot connect: .*ENOENT/);
  });
});
