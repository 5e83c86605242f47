// fd passing through the client API (getfd, add-fd, fdsets), against a real QEMU 7.2.
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ExecuteError, QmpClient, StateError } from "../../runtime/index.js";
import { QEMU, qemuPerTest, connectWhenListening, describeWith, freePort, spawnQemu, tempDir } from "../helpers/qemu.js";

const start = qemuPerTest();

function pipeFd(dir: string, name: string): number {
  const path = join(dir, name);
  execFileSync("mkfifo", [path]);
  return openSync(path, "r+"); // a FIFO opened read-write is a pipe end that never blocks
}

describeWith(QEMU)("fd passing through QmpClient (real QEMU)", () => {
  it("passes a pipe with getfd and closes it with closefd", async () => {
    using dir = tempDir();
    const vm = await start();
    const fd = pipeFd(dir.path, "p0");
    try {
      await vm.qmp.execute("getfd", { fdname: "p0" }, { fds: [fd] });
      await vm.qmp.closefd("p0");
      await expect(vm.qmp.closefd("p0")).rejects.toBeInstanceOf(ExecuteError);
      await vm.qmp.getfd("p1", fd);
      await vm.qmp.closefd("p1");
    } finally {
      closeSync(fd);
    }
  });

  it("adds a file to an fdset, creates and opens an image through /dev/fdset/N, then removes it", async () => {
    using dir = tempDir();
    const vm = await start();
    const image = join(dir.path, "disk.raw");
    const file = await open(image, "w+");
    try {
      const { fd, "fdset-id": set } = await vm.qmp.addFd(file, { opaque: "disk" });
      expect(fd).toBeGreaterThan(2);
      const sets = (await vm.qmp.execute("query-fdsets")) as Array<{
        "fdset-id": number;
        fds: Array<{ fd: number; opaque?: string }>;
      }>;
      expect(sets).toContainEqual({ "fdset-id": set, fds: [{ fd, opaque: "disk" }] });
      using jobs = vm.qmp.listen("JOB_STATUS_CHANGE");
      await vm.qmp.execute("blockdev-create", {
        "job-id": "c0",
        options: { driver: "file", filename: `/dev/fdset/${set}`, size: 1 << 20 },
      });
      await jobs.wait({ data: { id: "c0", status: "concluded" } }, { timeout: 10_000 });
      const [job] = (await vm.qmp.execute("query-jobs")) as Array<{ error?: string }>;
      expect(job?.error).toBeUndefined();
      await vm.qmp.execute("job-dismiss", { id: "c0" });
      await vm.qmp.execute("blockdev-add", { driver: "file", "node-name": "f0", filename: `/dev/fdset/${set}` });
      const nodes = (await vm.qmp.execute("query-named-block-nodes")) as Array<{
        "node-name": string;
        image: { "virtual-size": number };
      }>;
      expect(nodes.find((n) => n["node-name"] === "f0")?.image["virtual-size"]).toBe(1 << 20);
      await vm.qmp.execute("blockdev-del", { "node-name": "f0" });
      await vm.qmp.removeFd(set, fd);
      expect(await vm.qmp.execute("query-fdsets")).toEqual([]);
    } finally {
      await file.close();
    }
    expect(readFileSync(image).length).toBe(1 << 20);
  });

  it("adds several fds to one free fdset, and rolls back when one fails", async () => {
    using dir = tempDir();
    const vm = await start();
    const a = await open(join(dir.path, "a"), "w+");
    const b = await open(join(dir.path, "b"), "w+");
    try {
      const { fdsetId, fds } = await vm.qmp.addFds([a, b], { opaque: "pair" });
      expect(fds).toHaveLength(2);
      const second = await vm.qmp.addFds([a]);
      expect(second.fdsetId).not.toBe(fdsetId);
      await vm.qmp.removeFd(second.fdsetId);
      // A negative fdset id is rejected by QEMU after the first add succeeded elsewhere: all-or-nothing.
      const before = await vm.qmp.execute("query-fdsets");
      await expect(vm.qmp.addFds([a, b], { fdsetId: -1 })).rejects.toBeInstanceOf(ExecuteError);
      expect(await vm.qmp.execute("query-fdsets")).toEqual(before);
      await vm.qmp.removeFd(fdsetId);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("does not let an fd sent with a failing command leak into a later command", async () => {
    using dir = tempDir();
    const vm = await start();
    const fd = pipeFd(dir.path, "stale");
    try {
      // Fails in argument checking, before QEMU takes the fd: without the library's drain the
      // fd would stay inside QEMU and a later fd-less getfd would silently take it.
      for (const fdname of [5, "1digit"]) {
        await expect(vm.qmp.execute("getfd", { fdname }, { fds: [fd] })).rejects.toBeInstanceOf(ExecuteError);
        const later = await vm.qmp.execute("getfd", { fdname: "later" }).catch((e: unknown) => e);
        expect(later).toBeInstanceOf(ExecuteError);
        expect((later as ExecuteError).desc).toMatch(/No file descriptor supplied/);
      }
    } finally {
      closeSync(fd);
    }
  });

  it("keeps concurrent fd-carrying commands tied to their own fds", async () => {
    using dir = tempDir();
    const vm = await start();
    const fds = Array.from({ length: 6 }, (_, i) => pipeFd(dir.path, `c${i}`));
    try {
      await Promise.all(fds.map((fd, i) => vm.qmp.addFd(fd, { fdsetId: 10 + i, opaque: `c${i}` })));
      const sets = (await vm.qmp.execute("query-fdsets")) as Array<{ "fdset-id": number; fds: Array<{ opaque?: string }> }>;
      for (let i = 0; i < fds.length; i++) expect(sets.find((s) => s["fdset-id"] === 10 + i)?.fds[0]?.opaque).toBe(`c${i}`);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });

  it("passes fds on a connection QEMU made to us (accept, client-mode QMP)", async () => {
    using dir = tempDir();
    const path = join(dir.path, "listen.sock");
    const qmp = new QmpClient();
    let child: ReturnType<typeof spawnQemu> | undefined;
    const fd = pipeFd(dir.path, "accepted");
    try {
      await qmp.accept(path, { timeout: 10_000, onListening: () => void (child = spawnQemu(["-qmp", `unix:${path}`])) });
      await qmp.getfd("from-accept", fd);
      await qmp.closefd("from-accept");
      await expect(qmp.closefd("from-accept")).rejects.toBeInstanceOf(ExecuteError);
    } finally {
      closeSync(fd);
      await qmp.disconnect();
      child?.kill("SIGKILL");
    }
  });

  it("refuses fds on TCP before sending anything, and rejects a closed fd", async () => {
    using dir = tempDir();
    const port = await freePort();
    const child = spawnQemu(["-qmp", `tcp:127.0.0.1:${port},server=on,wait=off`]);
    const qmp = new QmpClient();
    const fd = pipeFd(dir.path, "tcp");
    try {
      await connectWhenListening(qmp, { host: "127.0.0.1", port });
      const error = await qmp.getfd("t", fd).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateError);
      expect((error as Error).message).toMatch(/unix-socket connection; this one is tcp/);
      expect(await qmp.execute("query-status")).toMatchObject({ running: true });
    } finally {
      closeSync(fd);
      await qmp.disconnect();
      child.kill("SIGKILL");
    }
    const vm = await start();
    const closed = await open(join(dir.path, "closed"), "w");
    await closed.close();
    await expect(vm.qmp.addFd(closed)).rejects.toBeInstanceOf(StateError);
    await expect(vm.qmp.getfd("bad", 987654)).rejects.toThrow();
    expect(await vm.qmp.execute("query-status")).toMatchObject({ running: true });
  });
});
