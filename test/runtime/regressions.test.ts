// Regression tests for bugs found in review: each failed before its fix.
import net from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ConnectError, DisconnectedError, QmpClient } from "../../runtime/index.js";
import { QmpTestServer } from "../../runtime/testing/index.js";
import { connectedPair } from "../helpers/fake.js";
import { tempDir } from "../helpers/qemu.js";

/** Resolves with "pending" when `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  return Promise.race([promise, sleep(ms, "pending" as const)]);
}

describe("handshake", () => {
  it("a timeout, an abort and disconnect() still end a connect stuck in negotiation", async () => {
    const server = new QmpTestServer();
    server.hang("qmp_capabilities");
    const timedOut = await new QmpClient().connect(server.connectPair(), { timeout: 50 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(ConnectError);
    expect((timedOut as ConnectError).cause).toMatchObject({ name: "TimeoutError" });

    const controller = new AbortController();
    const aborted = new QmpClient().connect(server.connectPair(), { signal: controller.signal }).catch((e: unknown) => e);
    await sleep(20);
    controller.abort(new Error("stop"));
    expect(await within(aborted, 500)).toMatchObject({ message: "stop" });

    const qmp = new QmpClient();
    const connecting = qmp.connect(server.connectPair()).catch((e: unknown) => e);
    await sleep(20);
    expect(await within(qmp.disconnect(), 500)).toBeUndefined();
    expect(await connecting).toBeInstanceOf(ConnectError);
    expect(qmp.state).toBe("idle");
    await server.close();
  });

  it("a failed reconnect leaves listeners of a lost session failing, not finished", async () => {
    await using pair = await connectedPair();
    const listener = pair.qmp.listen("STOP");
    pair.server.disconnect();
    await sleep(10);
    pair.server.handle("qmp_capabilities", () => {
      throw new Error("busy");
    });
    await expect(pair.qmp.connect(pair.server.connectPair())).rejects.toBeInstanceOf(ConnectError);
    await expect(listener[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(DisconnectedError);
  });

  it("disconnect() after a quick reconnect ends the new connection, not an old promise", async () => {
    const server = new QmpTestServer();
    const qmp = new QmpClient();
    await qmp.connect(server.connectPair());
    const first = qmp.disconnect();
    const second = qmp.connect(server.connectPair()).catch((e: unknown) => e);
    await qmp.disconnect();
    await first;
    await second;
    expect(qmp.state).toBe("idle");
    await server.close();
  });
});

describe("session", () => {
  it("ignores the rest of a chunk after a fatal protocol error", async () => {
    await using pair = await connectedPair();
    const seen: string[] = [];
    pair.qmp.on("*", (event) => seen.push(event.event));
    pair.server.sendRaw(
      '{"error": {"class": "GenericError", "desc": "JSON parse error"}}\r\n' +
        '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP"}\r\n' +
        '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 0, "major": 99}, "package": ""}, "capabilities": []}}\r\n',
    );
    await sleep(20);
    expect(pair.qmp.state).toBe("idle");
    expect(seen).toEqual([]);
    expect(pair.qmp.greeting?.version.qemu.major).toBe(7);
  });

  it("does not reuse the id of a command that timed out until its late reply came", async () => {
    await using pair = await connectedPair();
    pair.server.delay("slow", 80);
    pair.server.handle("slow", () => ({ from: "slow" }));
    await expect(pair.qmp.executeMessage({ execute: "slow", id: "x" }, { timeout: 20 })).rejects.toMatchObject({
      name: "TimeoutError",
    });
    await expect(pair.qmp.executeMessage({ execute: "query-status", id: "x" })).rejects.toBeInstanceOf(TypeError);
    await sleep(100);
    expect(await pair.qmp.executeMessage({ execute: "query-status", id: "x" })).toMatchObject({ running: true });
  });

  it("rejects bad option values and a throwing outbound hook without throwing synchronously", async () => {
    expect(() => new QmpClient({ maxInFlight: 0 })).toThrow(RangeError);
    await using pair = await connectedPair(
      {},
      {
        hooks: {
          outbound: (m) => {
            if (m["execute"] === "boom") throw new Error("hook");
          },
        },
      },
    );
    const result = pair.qmp.execute("boom");
    await expect(result).rejects.toThrow("hook");
    expect(await pair.qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("an iterator stays finished after return()", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen();
    const iterator = listener[Symbol.asyncIterator]();
    await iterator.return?.();
    pair.server.emit("STOP");
    await sleep(10);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(listener.size).toBe(1);
  });
});

describe("accept", () => {
  it("settles when aborted during the stale-socket check", async () => {
    using dir = tempDir();
    const controller = new AbortController();
    const qmp = new QmpClient();
    const accepting = qmp.accept(join(dir.path, "a.sock"), { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error("now"));
    expect(await within(accepting, 500)).toMatchObject({ message: "now" });
    expect(qmp.state).toBe("idle");
  });

  it("fails with the error of a throwing onListening, unix and TCP", async () => {
    using dir = tempDir();
    for (const target of [join(dir.path, "b.sock"), { port: 0 }]) {
      const error = await new QmpClient()
        .accept(target, {
          timeout: 2000,
          onListening: () => {
            throw new Error("could not start QEMU");
          },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).cause).toMatchObject({ message: "could not start QEMU" });
    }
  });

  it("refuses a socket path another process listens on, and leaves it alone", async () => {
    using dir = tempDir();
    const path = join(dir.path, "live.sock");
    const live = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => live.listen(path, resolve));
    const error = await new QmpClient().accept(path, { timeout: 1000 }).catch((e: unknown) => e);
    expect(String((error as ConnectError).cause)).toMatch(/in use/);
    await new Promise<void>((resolve, reject) => net.connect(path).once("connect", resolve).once("error", reject));
    live.close();
  });
});
