// The fd lane (runtime/fd-lane.ts) against the fd-capable fake server: ordering, timeouts
// while waiting for a turn, never-sent commands, and the stale-fd drain.
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecuteError, QmpClient, StateError, fdPassingAvailable } from "../../runtime/index.js";
import { QmpTestError, QmpTestServer } from "../../runtime/testing/index.js";
import { tempDir } from "../helpers/qemu.js";

const required = Boolean(process.env["QMP_REQUIRE_QEMU"]);

describe.skipIf(!fdPassingAvailable() && !required)("fd lane", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: QmpTestServer;
  let fd: number;
  const connect = async (options: ConstructorParameters<typeof QmpClient>[0] = {}) => {
    const qmp = new QmpClient(options);
    await qmp.connect(join(dir.path, "qmp.sock"));
    return qmp;
  };

  beforeEach(async () => {
    dir = tempDir();
    server = new QmpTestServer();
    await server.listen({ path: join(dir.path, "qmp.sock") });
    fd = openSync("/dev/null", "r");
  });
  afterEach(async () => {
    await server.close();
    closeSync(fd);
    dir[Symbol.dispose]();
  });

  it("a closed fd fails only its own command and leaves nothing behind", async () => {
    const qmp = await connect();
    await expect(qmp.getfd("a", 987_654)).rejects.toThrow();
    await expect(qmp.getfd("b", fd, { timeout: 1000 })).resolves.toBeUndefined();
    expect(await qmp.execute("query-status")).toMatchObject({ running: true });
    await qmp.disconnect();
  });

  it("a command waiting for its turn still times out and aborts", async () => {
    const qmp = await connect();
    server.hang("add-fd");
    const first = qmp.addFd(fd, { timeout: 100 }).catch((e: unknown) => e);
    const controller = new AbortController();
    const second = qmp.getfd("b", fd, { timeout: 50, signal: controller.signal }).catch((e: unknown) => e);
    const third = qmp.getfd("c", fd, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("abort")), 70);
    expect(await second).toMatchObject({ name: "TimeoutError" });
    expect(await third).toMatchObject({ message: "abort" });
    expect(await first).toMatchObject({ name: "TimeoutError" });
    await qmp.disconnect();
  });

  it("a command that timed out before it was sent does not block the lane", async () => {
    const qmp = await connect({ maxInFlight: 1 });
    const release = server.hang("query-status");
    const blocker = qmp.execute("query-status");
    await expect(qmp.addFd(fd, { timeout: 50 })).rejects.toMatchObject({ name: "TimeoutError" });
    release();
    await blocker;
    await expect(qmp.getfd("b", fd, { timeout: 1000 })).resolves.toBeUndefined();
    await qmp.disconnect();
  });

  it("every queued fd command settles when the connection drops, and early rejections free the lane", async () => {
    const qmp = await connect();
    const args: Record<string, unknown> = {};
    args["self"] = args;
    await expect(qmp.execute("getfd", args, { fds: [fd] })).rejects.toBeInstanceOf(TypeError);
    await expect(qmp.getfd("after-circular", fd, { timeout: 1000 })).resolves.toBeUndefined();
    server.hang("getfd");
    const queued = ["a", "b", "c", "d"].map((name) => qmp.getfd(name, fd).catch((e: unknown) => e));
    await sleep(20);
    server.disconnect();
    const outcomes = await Promise.race([Promise.all(queued), sleep(2000, "stuck" as const)]);
    expect(outcomes).not.toBe("stuck");
    await qmp.disconnect();
  });

  it("drains a stale fd after a failed reply, also when the caller had stopped waiting", async () => {
    server.handle("slow-fail", async () => {
      await sleep(100);
      throw new QmpTestError("GenericError", "failed");
    });
    const qmp = await connect();
    for (const timeout of [undefined, 20]) {
      await expect(qmp.execute("slow-fail", {}, { fds: [fd], timeout })).rejects.toBeDefined();
      await sleep(150); // the reply arrived; the lane drained
      const later = await qmp.execute("getfd", { fdname: `later-${timeout}` }).catch((e: unknown) => e);
      expect(later).toBeInstanceOf(ExecuteError);
      expect((later as ExecuteError).desc).toMatch(/No file descriptor supplied/);
    }
    await qmp.disconnect();
  });

  // Bug: a closed fd number was not a StateError, and an fd attached to a non-fd command stayed for the next fd command.
  it("a closed fd number is a StateError; fds left by a non-fd command are swept", async () => {
    using dir = tempDir();
    const server = new QmpTestServer();
    const path = join(dir.path, "qmp.sock");
    await server.listen(path); // a plain string path, like the client's targets
    const qmp = new QmpClient();
    await qmp.connect(path);
    const fd = openSync("/dev/null", "r");
    try {
      await expect(qmp.getfd("closed", 987_654)).rejects.toBeInstanceOf(StateError);
      await qmp.execute("query-status", undefined, { fds: [fd] });
      await expect(qmp.execute("getfd", { fdname: "later" })).rejects.toMatchObject({
        desc: "No file descriptor supplied via SCM_RIGHTS",
      });
    } finally {
      closeSync(fd);
      await qmp.disconnect();
      await server.close();
    }
  });
});
