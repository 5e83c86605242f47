import { spawn, execFileSync } from "node:child_process";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { ConnectError, DisconnectedError, ExecuteError, QmpClient, launchQemu } from "../../runtime/index.js";
import { QEMU, qemuPerTest, QSD, connectWhenListening, describeWith, freePort, spawnQemu, tempDir } from "../helpers/qemu.js";

const start = qemuPerTest();

describeWith(QEMU)("real QEMU: runtime core", () => {
  it("reads the greeting and negotiates oob", async () => {
    const vm = await start();
    expect(vm.qmp.state).toBe("running");
    expect(vm.qmp.greeting?.version.qemu.major).toBeGreaterThanOrEqual(7);
    expect(vm.qmp.greeting?.capabilities).toContain("oob");
    expect(vm.qmp.oobEnabled).toBe(true);
    const version = (await vm.qmp.execute("query-version")) as { qemu: { major: number } };
    expect(version.qemu.major).toBe(vm.qmp.greeting?.version.qemu.major);
  });

  it("executes query-status and reports errors as ExecuteError", async () => {
    const vm = await start();
    expect(await vm.qmp.execute("query-status")).toMatchObject({ status: "running", running: true });
    const error = await vm.qmp.execute("no-such-command").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecuteError);
    expect(error).toMatchObject({ errorClass: "CommandNotFound", command: "no-such-command", code: "QMP_EXECUTE" });
  });

  it("stops and continues the VM", async () => {
    const vm = await start(["-machine", "none", "-nodefaults", "-display", "none", "-S"]);
    expect(await vm.qmp.execute("query-status")).toMatchObject({ running: false });
    await vm.qmp.execute("cont");
    expect(await vm.qmp.execute("query-status")).toMatchObject({ running: true });
    await vm.qmp.execute("stop");
    expect(await vm.qmp.execute("query-status")).toMatchObject({ status: "paused" });
  });

  it("routes 1,000 concurrent commands to their own replies", async () => {
    const vm = await start();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        i % 2 === 0
          ? vm.qmp.execute("query-status").then((r) => ({ i, ok: r }))
          : vm.qmp.execute("qom-list", { path: `/nowhere-${i}` }).then(
              () => ({ i, ok: "unexpected" }),
              (e: ExecuteError) => ({ i, desc: e.desc, args: e.arguments }),
            ),
      ),
    );
    for (const result of results) {
      if (result.i % 2 === 0) expect(result).toMatchObject({ ok: { status: "running" } });
      else {
        expect(result).toMatchObject({ args: { path: `/nowhere-${result.i}` } });
        expect((result as { desc: string }).desc).toContain(`/nowhere-${result.i}`);
      }
    }
  });

  it("lets an exec-oob reply overtake a blocked in-band command", async () => {
    using dir = tempDir();
    const fifo = join(dir.path, "fifo");
    execFileSync("mkfifo", [fifo]);
    const vm = await start();
    const order: string[] = [];
    const blocked = vm.qmp.execute("blockdev-add", { driver: "file", "node-name": "f0", filename: fifo, "read-only": true }).then(
      () => order.push("blockdev-add"),
      () => order.push("blockdev-add"),
    );
    await sleep(100); // let QEMU's main loop enter open() on the FIFO
    const yank = await vm.qmp.execute("query-yank", undefined, { oob: true, timeout: 5000 });
    order.push("query-yank");
    expect(Array.isArray(yank)).toBe(true);
    const writer = await open(fifo, "w"); // a writer unblocks QEMU's open()
    await blocked;
    await writer.close();
    expect(order).toEqual(["query-yank", "blockdev-add"]);
  });

  it("times out on a stopped QEMU and stays usable after SIGCONT", async () => {
    const vm = await start();
    process.kill(vm.pid, "SIGSTOP");
    try {
      const error = await vm.qmp.execute("query-status", undefined, { timeout: 200 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "TimeoutError" });
    } finally {
      process.kill(vm.pid, "SIGCONT");
    }
    expect(await vm.qmp.execute("query-status", undefined, { timeout: 5000 })).toMatchObject({ running: true });
  });

  it("rejects pending commands with DisconnectedError when QEMU is killed", async () => {
    const vm = await start();
    process.kill(vm.pid, "SIGSTOP");
    const pending = [vm.qmp.execute("query-status"), vm.qmp.execute("query-version")].map((p) => p.catch((e: unknown) => e));
    await sleep(50);
    process.kill(vm.pid, "SIGKILL");
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(DisconnectedError);
    expect(vm.qmp.state).toBe("idle");
  });

  it("treats the end after quit as a clean disconnect", async () => {
    const vm = await start();
    const changes: Array<[string, Error | undefined]> = [];
    vm.qmp.onStateChange((state, _previous, error) => changes.push([state, error]));
    await expect(vm.qmp.execute("quit")).resolves.toEqual({});
    await new Promise<void>((resolve) => vm.process.once("exit", () => resolve()));
    await sleep(20);
    expect(vm.qmp.state).toBe("idle");
    expect(changes).toEqual([["idle", undefined]]);
  });

  it("accepts a connection from QEMU in client mode", async () => {
    using dir = tempDir();
    const path = join(dir.path, "listen.sock");
    const qmp = new QmpClient();
    let child: ReturnType<typeof spawn> | undefined;
    try {
      await qmp.accept(path, {
        timeout: 10_000,
        onListening: () => {
          child = spawn(QEMU, ["-machine", "none", "-nodefaults", "-display", "none", "-qmp", `unix:${path}`], {
            stdio: "ignore",
          });
        },
      });
      expect(await qmp.execute("query-status")).toMatchObject({ running: true });
      await qmp.execute("quit");
    } finally {
      await qmp.disconnect();
      child?.kill("SIGKILL");
    }
  });

  it("connects over TCP", async () => {
    const port = await freePort();
    const child = spawnQemu(["-qmp", `tcp:127.0.0.1:${port},server=on,wait=off`]);
    const qmp = new QmpClient();
    try {
      await connectWhenListening(qmp, { host: "127.0.0.1", port });
      expect(qmp.transport).toBe("tcp");
      expect(await qmp.execute("query-status")).toMatchObject({ running: true });
    } finally {
      await qmp.disconnect();
      child.kill("SIGKILL");
    }
  });

  it("reports a refused connection as ConnectError with the OS cause", async () => {
    using dir = tempDir();
    const error = await new QmpClient().connect(join(dir.path, "missing.sock")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).cause).toMatchObject({ code: "ENOENT" });
  });

  it("forwards QEMU's stderr when it fails to start", async () => {
    const error = await launchQemu({ binary: QEMU, args: ["-machine", "no-such-machine"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/unsupported machine type/);
  });
});

describeWith(QSD)("real qemu-storage-daemon", () => {
  it("greets, negotiates and runs commands", async () => {
    await using vm = await launchQemu({ binary: QSD });
    expect(vm.qmp.greeting?.version.qemu.major).toBeGreaterThanOrEqual(7);
    expect(await vm.qmp.execute("query-named-block-nodes")).toEqual([]);
  });
});
