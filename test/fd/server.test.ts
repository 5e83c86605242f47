// listenFdServer + connectFdSocket: fds received, usable, and tied to the right bytes.
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateError } from "../../runtime/errors.js";
import { connectFdSocket, listenFdServer, toFd, type FdReceivingSocket, type FdServer } from "../../runtime/fd/index.js";
import { loadFdNative } from "../../runtime/fd/native.js";
import { collect, tempDir } from "./helpers.js";

describe("fd server and client", () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: FdServer | undefined;
  let path: string;
  const toClose: number[] = [];

  beforeEach(() => {
    tmp = tempDir();
    path = join(tmp.dir, "s.sock");
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const fd of toClose.splice(0)) closeSync(fd);
    tmp.remove();
  });

  const serve = async (): Promise<() => Promise<FdReceivingSocket>> => {
    const accepted: FdReceivingSocket[] = [];
    let wake: (() => void) | undefined;
    server = await listenFdServer(path, (s) => {
      accepted.push(s);
      wake?.();
    });
    return async () => {
      while (accepted.length === 0) await new Promise<void>((r) => (wake = r));
      return accepted.shift()!;
    };
  };

  it("receives an fd that is usable, at the exact offset of the bytes it came with", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const file = join(tmp.dir, "out.txt");
    const fd = openSync(file, "w+");
    toClose.push(fd);
    // Both writes happen before the server reads: the kernel would glue them into one read.
    client.write("hello ");
    client.writeWithFds(Buffer.from("world"), [fd]);
    const conn = await next();
    await collect(conn).until(11);
    const received = conn.takeReceivedFds();
    expect(received).toEqual([{ offset: 6, fds: [expect.any(Number)] }]);
    const got = received[0]!.fds[0]!;
    expect(got).not.toBe(fd);
    writeSync(got, "written through the passed fd");
    closeSync(got);
    expect(readFileSync(file, "utf8")).toBe("written through the passed fd");
    client.destroy();
  });

  it("keeps several batches apart, each with its own offset, and takes them by offset", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const a = openSync(join(tmp.dir, "a"), "w+");
    const b = openSync(join(tmp.dir, "b"), "w+");
    const c = openSync(join(tmp.dir, "c"), "w+");
    toClose.push(a, b, c);
    client.writeWithFds(Buffer.from("{1}"), [a, b]);
    client.write("{2}");
    client.writeWithFds(Buffer.from("{3}"), [c]);
    client.write("{4}");
    const conn = await next();
    expect((await collect(conn).until(12)).toString()).toBe("{1}{2}{3}{4}");
    const first = conn.takeReceivedFds(6);
    expect(first.map((r) => [r.offset, r.fds.length])).toEqual([[0, 2]]);
    const rest = conn.takeReceivedFds();
    expect(rest.map((r) => [r.offset, r.fds.length])).toEqual([[6, 1]]);
    for (const r of [...first, ...rest]) for (const fd of r.fds) closeSync(fd);
    client.destroy();
  });

  it("an fd written behind megabytes of backpressure arrives exactly at its offset", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const conn = await next();
    conn.pause(); // the server reads nothing yet: the client's buffer fills
    const big = Buffer.alloc(4 << 20, 0x61);
    const fd = openSync(join(tmp.dir, "f"), "w+");
    toClose.push(fd);
    client.write(big);
    let fdsSent = false;
    expect(client.writeWithFds(Buffer.from("FD"), [fd], () => (fdsSent = true))).toBe(false);
    client.write("tail");
    await new Promise((r) => setTimeout(r, 50));
    expect(fdsSent).toBe(false);
    const bytes = collect(conn);
    conn.resume();
    const all = await bytes.until(big.length + 6);
    expect(all.subarray(big.length).toString()).toBe("FDtail");
    expect(fdsSent).toBe(true);
    const received = conn.takeReceivedFds();
    expect(received).toEqual([{ offset: big.length, fds: [expect.any(Number)] }]);
    closeSync(received[0]!.fds[0]!);
    expect(client.bytesWritten).toBe(big.length + 6);
    expect(conn.bytesRead).toBe(big.length + 6);
    client.destroy();
  });

  it("every one of many fd-carrying writes under backpressure arrives at its exact offset", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const conn = await next();
    conn.pause();
    const fd = openSync(join(tmp.dir, "many"), "w+");
    toClose.push(fd);
    const count = 2000;
    const size = 700;
    for (let i = 0; i < count; i++) client.writeWithFds(Buffer.alloc(size, 0x30 + (i % 10)), [fd]);
    const bytes = collect(conn);
    conn.resume();
    await bytes.until(count * size);
    const received = conn.takeReceivedFds();
    for (const r of received) for (const f of r.fds) closeSync(f);
    expect(received.map((r) => r.offset)).toEqual(Array.from({ length: count }, (_, i) => i * size));
    client.destroy();
  });

  it("refuses a closed fd before queueing, and skips only the message whose fd closed while queued", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const conn = await next();
    conn.pause();
    const dead = openSync(join(tmp.dir, "dead"), "w+");
    closeSync(dead);
    expect(() => client.writeWithFds(Buffer.from("x"), [dead])).toThrow(expect.objectContaining({ code: "EBADF" }));
    expect(() => client.writeWithFds(Buffer.alloc(0), [0])).toThrow(RangeError);
    expect(() => client.writeWithFds(Buffer.from("x"), [-1])).toThrow(RangeError);

    const big = Buffer.alloc(1 << 20, 0x62);
    client.write(big);
    const late = openSync(join(tmp.dir, "late"), "w+");
    const result = new Promise<Error | null | undefined>((resolve) => client.writeWithFds(Buffer.from("LOST"), [late], resolve));
    closeSync(late); // closed while queued: the caller broke the contract
    client.write("after");
    const bytes = collect(conn);
    conn.resume();
    expect(await result).toMatchObject({ code: "EBADF" });
    const all = await bytes.until(big.length + 5);
    expect(all.subarray(big.length).toString()).toBe("after");
    expect(conn.takeReceivedFds()).toEqual([]);
    expect(client.destroyed).toBe(false);
    client.destroy();
  });

  it("fails pending fd writes when destroyed", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const conn = await next();
    conn.pause();
    const fd = openSync(join(tmp.dir, "g"), "w+");
    toClose.push(fd);
    client.write(Buffer.alloc(1 << 20));
    const result = new Promise<Error | null | undefined>((resolve) => client.writeWithFds(Buffer.from("x"), [fd], resolve));
    client.destroy();
    expect(await result).toBeInstanceOf(Error);
    await once(client, "close");
    expect(fstatSync(fd).isFile()).toBe(true); // the caller's fd is still the caller's
  });

  it("ends cleanly: peer EOF gives 'end' and 'close'; server close destroys connections and unlinks", async () => {
    const next = await serve();
    const client = await connectFdSocket(path);
    const conn = await next();
    const c = collect(client);
    const ended = once(client, "end");
    const closed = once(client, "close");
    conn.end("bye");
    await ended;
    expect(c.bytes().toString()).toBe("bye");
    await closed;
    await server!.close();
    expect(conn.destroyed).toBe(true);
    await expect(connectFdSocket(path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("rejects with the OS error: ENOENT, ECONNREFUSED, and an aborted signal's reason", async () => {
    await expect(connectFdSocket(join(tmp.dir, "missing.sock"))).rejects.toMatchObject({
      code: "ENOENT",
      syscall: "connect",
    });
    const native = loadFdNative();
    const stale = join(tmp.dir, "stale.sock");
    native.close(native.listen(stale, 1)); // the socket file stays, nobody listens
    await expect(connectFdSocket(stale)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const reason = new Error("stop");
    await expect(connectFdSocket(stale, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(listenFdServer(stale, () => {})).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("toFd takes numbers and open FileHandles", async () => {
    const handle = await open(join(tmp.dir, "h"), "w+");
    expect(toFd(handle)).toBe(handle.fd);
    expect(toFd(5)).toBe(5);
    expect(() => toFd(-1)).toThrow(RangeError);
    await handle.close();
    expect(() => toFd(handle)).toThrow(StateError);
  });
  it("reports a peer's reset as ECONNRESET, like net.Socket (not libuv's poll EBADF)", async () => {
    const net = await import("node:net");
    const peers: import("node:net").Socket[] = [];
    // pauseOnConnect: the peer never reads, so closing it with our bytes unread resets the connection.
    const plain = net.createServer({ pauseOnConnect: true }, (s) => peers.push(s));
    await new Promise<void>((resolve) => plain.listen(path, resolve));
    try {
      const client = await connectFdSocket(path);
      const failed = once(client, "error");
      client.resume();
      client.write("unread by the peer");
      while (peers.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      peers[0]!.destroy();
      const [error] = (await failed) as [NodeJS.ErrnoException];
      expect(error.code).toBe("ECONNRESET");
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });
});
