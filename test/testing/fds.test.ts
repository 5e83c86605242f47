// The fake server receiving file descriptors (SCM_RIGHTS) from a QmpClient, like QEMU 7.2.
import { execFileSync } from "node:child_process";
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ExecuteError, QmpClient } from "qmpkit";
import { QmpTestServer, type HandlerContext } from "qmpkit/testing";
import { connectFdSocket, fdPassingAvailable } from "../../runtime/fd/index.js";
import { ScriptedFdStream } from "./fd-stream.js";
import { RawClient } from "./raw-client.js";

const available = fdPassingAvailable();
const required = Boolean(process.env["QMP_REQUIRE_QEMU"]);

/** Number of open fds of this process. */
const openFds = (): number => readdirSync("/proc/self/fd").length;

/** Polls until `check` holds (fds close on the server's side asynchronously). */
async function eventually(check: () => boolean, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

const isOpen = (fd: number): boolean => {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!available && !required)("fd passing to QmpTestServer", () => {
  let dir: string;
  let server: QmpTestServer;
  let qmp: QmpClient;
  const mine: number[] = [];

  /** A pipe: a FIFO opened read-write (never blocks) and a write end. */
  const pipe = (name: string): { read: number; write: number } => {
    const path = join(dir, name);
    execFileSync("mkfifo", [path]);
    const read = openSync(path, "r+");
    const write = openSync(path, "w");
    mine.push(read, write);
    return { read, write };
  };

  const readPipe = (fd: number): string => {
    const buffer = Buffer.alloc(100);
    return buffer.toString("utf8", 0, readSync(fd, buffer));
  };

  beforeEach(async () => {
    if (!available) throw new Error("QMP_REQUIRE_QEMU is set but fd passing is unavailable");
    dir = mkdtempSync(join(tmpdir(), "qmp-test-fds-"));
    server = new QmpTestServer();
    const path = join(dir, "qmp.sock");
    await server.listen({ path });
    qmp = new QmpClient();
    await qmp.connect(path, { timeout: 2000 });
  });

  afterEach(async () => {
    await qmp?.disconnect();
    await server?.close();
    for (const fd of mine.splice(0)) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  test("getfd: the record and the handler see the fd, which reaches the pipe", async () => {
    const { read, write } = pipe("p0");
    let seen: readonly number[] = [];
    await qmp.execute("getfd", { fdname: "p0" }, { fds: [write] });
    const record = await server.nextCommand("getfd", { timeout: 1000 });
    expect(record.fds).toHaveLength(1);
    const fd = record.fds?.[0] ?? -1;
    expect(fd).not.toBe(write);
    writeSync(fd, "through the server's copy");
    expect(readPipe(read)).toBe("through the server's copy");
    // A custom handler sees the fds and may take one, after which it is its own.
    server.handle("take-it", (_args, ctx: HandlerContext) => {
      seen = ctx.fds;
      const taken = ctx.takeFd();
      if (taken === undefined) throw new Error("no fd");
      writeSync(taken, "taken");
      closeSync(taken);
      return { fds: ctx.fds.length };
    });
    expect(await qmp.execute("take-it", undefined, { fds: [write] })).toEqual({
      fds: 1,
    });
    expect(seen).toHaveLength(1);
    expect(readPipe(read)).toBe("taken");
    expect((await server.nextCommand("take-it")).fds).toEqual(seen);
    // closefd releases the named fd; a second closefd fails like QEMU.
    await qmp.closefd("p0");
    expect(isOpen(fd)).toBe(false);
    await expect(qmp.closefd("p0")).rejects.toMatchObject({
      errorClass: "GenericError",
      desc: "File descriptor named 'p0' not found",
    });
  });

  test("getfd errors: no fd, a name starting with a digit (which consumes the fd)", async () => {
    const { write } = pipe("p1");
    const noFd = qmp.execute("getfd", { fdname: "x" });
    await expect(noFd).rejects.toBeInstanceOf(ExecuteError);
    await expect(noFd).rejects.toMatchObject({
      errorClass: "GenericError",
      desc: "No file descriptor supplied via SCM_RIGHTS",
    });
    await expect(qmp.getfd("1x", write)).rejects.toMatchObject({
      desc: "Parameter 'fdname' expects a name not starting with a digit",
    });
    const record = await server.nextCommand("getfd");
    expect(record).not.toHaveProperty("fds");
    const taken = (await server.nextCommand("getfd")).fds?.[0] ?? -1;
    expect(isOpen(taken)).toBe(false);
  });

  test("add-fd, query-fdsets, remove-fd round trip", async () => {
    const a = pipe("a").write;
    const b = pipe("b").write;
    const first = await qmp.addFd(a, { opaque: "disk" });
    expect(first["fdset-id"]).toBe(0);
    const second = await qmp.addFd(b, { fdsetId: 0 });
    const third = await qmp.addFd(b);
    expect(third["fdset-id"]).toBe(1);
    expect(await qmp.execute("query-fdsets")).toEqual([
      { fds: [{ fd: third.fd }], "fdset-id": 1 },
      {
        fds: [{ fd: first.fd, opaque: "disk" }, { fd: second.fd }],
        "fdset-id": 0,
      },
    ]);
    await qmp.removeFd(0, first.fd);
    expect(isOpen(first.fd)).toBe(false);
    await expect(qmp.removeFd(0, first.fd)).rejects.toMatchObject({
      desc: `File descriptor named 'fdset-id:0, fd:${first.fd}' not found`,
    });
    await qmp.removeFd(0);
    await expect(qmp.removeFd(0)).rejects.toMatchObject({
      desc: "File descriptor named 'fdset-id:0' not found",
    });
    expect(await qmp.execute("query-fdsets")).toEqual([{ fds: [{ fd: third.fd }], "fdset-id": 1 }]);
    const many = await qmp.addFds([a, b]);
    expect(many).toEqual({
      fdsetId: 0,
      fds: [expect.any(Number), expect.any(Number)],
    });
  });

  test("fds sent with a command that does not take them are collected by the client's sweep", async () => {
    const { write } = pipe("p2");
    await qmp.execute("query-status", undefined, { fds: [write] });
    const stale = (await server.nextCommand("query-status")).fds?.[0] ?? -1;
    // Like QEMU, the fake keeps the unused fd for the next fd-taking command; the client's
    // getfd/closefd pair without fds takes it and closes it.
    expect((await server.nextCommand("getfd")).args).toEqual({ fdname: "qmpkit-stale-fd" });
    await server.nextCommand("closefd");
    await eventually(() => !isOpen(stale));
    await expect(qmp.execute("getfd", { fdname: "late" })).rejects.toMatchObject({
      desc: "No file descriptor supplied via SCM_RIGHTS",
    });
  });

  test("after a failed fd command the client drains the fd QEMU-style; nothing leaks into later commands", async () => {
    const { write } = pipe("p3");
    await expect(qmp.execute("closefd", { fdname: "nope" }, { fds: [write] })).rejects.toBeInstanceOf(ExecuteError);
    // The client's getfd/closefd drain ran before this (fd commands are serialized).
    await expect(qmp.addFd(write, { fdsetId: -1 })).rejects.toMatchObject({
      desc: "Parameter 'fdset-id' expects a non-negative value",
    });
    await expect(qmp.execute("getfd", { fdname: "x" })).rejects.toMatchObject({
      desc: "No file descriptor supplied via SCM_RIGHTS",
    });
  });

  test("back-to-back fd commands on a raw fd socket each get their own fds", async () => {
    const a = pipe("pa");
    const b = pipe("pb");
    const sock = await connectFdSocket(join(dir, "qmp.sock"));
    const raw = new RawClient(sock);
    await raw.negotiate();
    sock.writeWithFds(Buffer.from('{"execute":"getfd","arguments":{"fdname":"a"}}'), [a.write]);
    sock.write(" \n");
    sock.writeWithFds(Buffer.from('{"execute":"getfd","arguments":{"fdname":"b"}}'), [b.write]);
    expect(await raw.next()).toEqual({ return: {} });
    expect(await raw.next()).toEqual({ return: {} });
    const [first, second] = server.received.filter((m) => m.command === "getfd");
    writeSync(first?.fds?.[0] ?? -1, "to a");
    writeSync(second?.fds?.[0] ?? -1, "to b");
    expect([readPipe(a.read), readPipe(b.read)]).toEqual(["to a", "to b"]);
    raw.close();
  });

  test("no fd leaks once the connection and the server close", async () => {
    await qmp.disconnect();
    await server.close();
    const before = openFds();
    const { write } = pipe("p4");
    const other = new QmpTestServer();
    const path = join(dir, "other.sock");
    await other.listen({ path });
    await qmp.connect(path, { timeout: 2000 });
    await qmp.getfd("kept", write);
    await qmp.addFd(write);
    await qmp.execute("query-status", undefined, { fds: [write] });
    await qmp.execute("query-status", undefined, { fds: [write, write] });
    expect(openFds()).toBeGreaterThan(before + 6);
    await qmp.disconnect();
    await other.close();
    for (const fd of mine.splice(0)) closeSync(fd);
    await eventually(() => openFds() === before);
    expect(openFds()).toBe(before);
  });
});

test("fds go to the message whose bytes they came with, by stream offset", async () => {
  await using server = new QmpTestServer({ greeting: false });
  const stream = new ScriptedFdStream();
  const [a, b, c] = [0, 1, 2].map(() => openSync("/dev/null", "r"));
  const cmd = (name: string): string => JSON.stringify({ execute: "getfd", arguments: { fdname: name } });
  const first = cmd("a");
  const second = ` ${cmd("b")}`;
  // One chunk holding both messages: a batch at byte 0 (before a), two batches within b
  // (only the latest counts, the other is closed as in QEMU), and one for later bytes.
  stream.addFds(0, [a ?? -1]);
  stream.addFds(first.length + 1, [b ?? -1]);
  stream.addFds(first.length + 3, [c ?? -1]);
  const later = openSync("/dev/null", "r");
  stream.addFds(first.length + second.length, [later]);
  server.attach(stream);
  stream.push(first + second);
  await new Promise((r) => setImmediate(r));
  expect(server.received.map((m) => m.fds)).toEqual([[a], [c]]);
  expect(stream.output).toBe('{"return": {}}\r\n{"return": {}}\r\n');
  expect([isOpen(a ?? -1), isOpen(b ?? -1), isOpen(c ?? -1)]).toEqual([true, false, true]);
  // The batch for bytes not received yet stays with the stream (its owner closes it).
  expect(stream.takeReceivedFds()).toEqual([{ offset: first.length + second.length, fds: [later] }]);
  closeSync(later);
  await server.close();
  expect([isOpen(a ?? -1), isOpen(c ?? -1)]).toEqual([false, false]);
});
