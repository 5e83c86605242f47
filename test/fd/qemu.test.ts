// The fd transport against a real QEMU 7.2, with hand-written QMP.
import { execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toFd, type FdCapableSocket } from "../../runtime/fd/index.js";
import { hasQemu, requireQemu, startQemu, stopQemu, tempDir, type QmpLines } from "./helpers.js";

const send = (sock: FdCapableSocket, json: unknown, fds: readonly number[] = []): Promise<void> =>
  new Promise((resolve, reject) =>
    sock.writeWithFds(Buffer.from(JSON.stringify(json)), fds, (err) => (err ? reject(err) : resolve())),
  );

describe.skipIf(!hasQemu && !requireQemu)("fd passing to real QEMU", () => {
  let tmp: ReturnType<typeof tempDir>;
  let qemu: ChildProcess;
  let sock: FdCapableSocket;
  let lines: QmpLines;
  const opened: number[] = [];

  /** A pipe fd (a FIFO opened read-write is a pipe and does not block). */
  const pipeFd = (name: string): number => {
    const path = join(tmp.dir, name);
    execFileSync("mkfifo", [path]);
    const fd = openSync(path, "r+");
    opened.push(fd);
    return fd;
  };

  const execute = async (json: unknown, fds: readonly number[] = []): Promise<Record<string, unknown>> => {
    await send(sock, json, fds);
    return lines.next();
  };

  beforeAll(async () => {
    if (!hasQemu) throw new Error("QMP_REQUIRE_QEMU is set but qemu-system-x86_64 is not installed");
    tmp = tempDir();
    ({ qemu, sock, lines } = await startQemu(tmp.dir));
    const greeting = await lines.next();
    expect(greeting).toHaveProperty("QMP.version.qemu");
    expect(await execute({ execute: "qmp_capabilities" })).toEqual({ return: {} });
  });

  afterAll(async () => {
    sock?.destroy();
    if (qemu) await stopQemu(qemu);
    for (const fd of opened) closeSync(fd);
    tmp?.remove();
  });

  it("getfd takes a pipe's fd sent with the command, closefd releases it", async () => {
    const fd = pipeFd("p0");
    expect(await execute({ execute: "getfd", arguments: { fdname: "p0" } }, [fd])).toEqual({ return: {} });
    expect(await execute({ execute: "closefd", arguments: { fdname: "p0" } })).toEqual({ return: {} });
    const again = await execute({ execute: "closefd", arguments: { fdname: "p0" } });
    expect(again).toHaveProperty("error.class", "GenericError");
  });

  it("getfd without an fd is refused", async () => {
    const reply = await execute({ execute: "getfd", arguments: { fdname: "none" } });
    expect(reply).toEqual({ error: { class: "GenericError", desc: "No file descriptor supplied via SCM_RIGHTS" } });
  });

  it("fds stay with their own command when commands are written back to back", async () => {
    const fd = pipeFd("p1");
    // Written synchronously one after the other: QEMU sees the bytes in one go.
    sock.write(JSON.stringify({ execute: "getfd", arguments: { fdname: "early" }, id: 1 }));
    sock.writeWithFds(Buffer.from(JSON.stringify({ execute: "getfd", arguments: { fdname: "p1" }, id: 2 })), [fd]);
    sock.write(JSON.stringify({ execute: "closefd", arguments: { fdname: "p1" }, id: 3 }));
    expect(await lines.next()).toMatchObject({ id: 1, error: { desc: "No file descriptor supplied via SCM_RIGHTS" } });
    expect(await lines.next()).toEqual({ id: 2, return: {} });
    expect(await lines.next()).toEqual({ id: 3, return: {} });
  });

  it("add-fd of a temp file, query-fdsets, blockdev-add on /dev/fdset/N, remove-fd", async () => {
    const file: FileHandle = await open(join(tmp.dir, "disk.img"), "w+");
    try {
      await file.truncate(1 << 20);
      const added = await execute({ execute: "add-fd", arguments: { "fdset-id": 7, opaque: "disk" } }, [toFd(file)]);
      expect(added).toMatchObject({ return: { "fdset-id": 7, fd: expect.any(Number) } });
      const qemuFd = (added["return"] as { fd: number }).fd;

      const sets = await execute({ execute: "query-fdsets" });
      expect(sets["return"]).toContainEqual({ "fdset-id": 7, fds: [{ fd: qemuFd, opaque: "disk" }] });

      const node = { driver: "file", "node-name": "fdnode", filename: "/dev/fdset/7" };
      expect(await execute({ execute: "blockdev-add", arguments: node })).toEqual({ return: {} });
      expect(await execute({ execute: "blockdev-del", arguments: { "node-name": "fdnode" } })).toEqual({ return: {} });

      expect(await execute({ execute: "remove-fd", arguments: { "fdset-id": 7, fd: qemuFd } })).toEqual({ return: {} });
      const after = await execute({ execute: "query-fdsets" });
      expect(JSON.stringify(after["return"])).not.toContain(`"fd":${qemuFd},`);
    } finally {
      await file.close();
    }
  });

  it("an fd queued behind a full socket buffer still travels with its own command", async () => {
    // QEMU reads ~3.6 µs per byte: 300 KB keeps the socket buffer full for about a second,
    // so the getfd below waits for EAGAIN to clear and must keep its fd for the retry.
    const fd = pipeFd("p2");
    const padding = "x".repeat(300_000);
    sock.write(JSON.stringify({ execute: "query-status", id: padding }));
    sock.write(JSON.stringify({ execute: "getfd", arguments: { fdname: "nofd" }, id: "a" }));
    const sent = send(sock, { execute: "getfd", arguments: { fdname: "p2" }, id: "b" }, [fd]);
    expect(sock.writableLength).toBeGreaterThan(0); // really queued
    await sent;
    expect(await lines.next(20_000)).toMatchObject({ id: padding, return: { status: expect.any(String) } });
    expect(await lines.next()).toMatchObject({ id: "a", error: { desc: "No file descriptor supplied via SCM_RIGHTS" } });
    expect(await lines.next()).toEqual({ id: "b", return: {} });
    expect(await execute({ execute: "closefd", arguments: { fdname: "p2" } })).toEqual({ return: {} });
  }, 30_000);
});
