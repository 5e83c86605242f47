import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { lstat, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { QmpTestServer } from "qmpkit/testing";
import { negotiated, RawClient, resources, settledResources } from "./raw-client.js";

describe("listening", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "qmp-test-server-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("unix socket: mode 0600, serves, removed on close", async () => {
    const path = join(dir, "qmp.sock");
    const before = resources();
    const server = new QmpTestServer();
    expect(await server.listen({ path })).toEqual({ path });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const client = await RawClient.unix(path);
    await client.negotiate();
    client.send({ execute: "query-status", id: 1 });
    expect(await client.next()).toMatchObject({ id: 1 });
    expect(server.connections).toBe(1);
    await server.close();
    expect(server.connections).toBe(0);
    await expect(lstat(path)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await client.ended).toEqual({});
    // The client socket is ours to close; only then may the counts match.
    client.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(await settledResources(before)).toEqual(before);
  });

  test("a stale socket file is replaced; a regular file is not", async () => {
    const path = join(dir, "stale.sock");
    // A process that exits without closing its server leaves the file behind, like a killed QEMU.
    const script = `require("net").createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`;
    expect(spawnSync(process.execPath, ["-e", script]).status).toBe(0);
    expect((await lstat(path)).isSocket()).toBe(true);
    await using server = new QmpTestServer();
    await server.listen({ path });
    await (await RawClient.unix(path)).next();
    const file = join(dir, "file");
    await writeFile(file, "x");
    await expect(server.listen({ path: file })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });

  test("TCP on a free port; [Symbol.asyncDispose]", async () => {
    let port = 0;
    {
      await using server = new QmpTestServer();
      const address = await server.listen({ host: "127.0.0.1", port: 0 });
      expect(address).toMatchObject({ host: "127.0.0.1" });
      port = (address as { port: number }).port;
      const client = await RawClient.tcp("127.0.0.1", port);
      await client.negotiate();
      expect(server.received).toHaveLength(1);
    }
    await expect(RawClient.tcp("127.0.0.1", port)).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
  });

  test("connectTo: dial out to a listening client, like QEMU's client mode", async () => {
    const path = join(dir, "client.sock");
    const accepted = new Promise<RawClient>((resolve) => {
      const listener = createServer((socket) => {
        listener.close();
        resolve(new RawClient(socket));
      });
      listener.listen(path);
    });
    await using server = new QmpTestServer();
    await new Promise((r) => setTimeout(r, 10));
    await server.connectTo({ path });
    const client = await accepted;
    await client.negotiate();
    expect(server.connections).toBe(1);
    await expect(server.connectTo({ path: join(dir, "nobody") })).rejects.toMatchObject({ code: "ENOENT" });
    client.close();
  });

  test("close() is idempotent and later use fails clearly", async () => {
    const server = new QmpTestServer();
    await server.close();
    await server.close();
    expect(() => server.connectPair()).toThrow("closed");
    await expect(server.listen({ port: 0 })).rejects.toThrow("closed");
  });
});

describe("record", () => {
  test("received and nextCommand", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send('{"execute":"stop","arguments":{},"id":1}');
    client.send('{"execute":"cont"}');
    expect(await server.nextCommand("cont")).toMatchObject({
      command: "cont",
      oob: false,
      connection: 1,
    });
    // The earliest unclaimed command comes first: qmp_capabilities, then stop.
    expect((await server.nextCommand()).command).toBe("qmp_capabilities");
    const stop = await server.nextCommand();
    expect(stop).toEqual({
      message: { execute: "stop", arguments: {}, id: 1 },
      raw: '{"execute":"stop","arguments":{},"id":1}',
      oob: false,
      command: "stop",
      id: 1,
      args: {},
      connection: 1,
    });
    expect(server.received.map((m) => m.command)).toEqual(["qmp_capabilities", "stop", "cont"]);
    expect(server.received[2]).not.toHaveProperty("id");
    await expect(server.nextCommand(undefined, { timeout: 20 })).rejects.toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    const aborted = server.nextCommand("x", { signal: controller.signal });
    controller.abort(new Error("stop waiting"));
    await expect(aborted).rejects.toThrow("stop waiting");
    server.clearReceived();
    expect(server.received).toEqual([]);
  });

  // Bug: each nextCommand() wait added its own "abort" listener to the caller's signal.
  test("many nextCommand waits on one signal add one abort listener", async () => {
    await using server = new QmpTestServer();
    const controller = new AbortController();
    const { signal } = controller;
    const waits = Array.from({ length: 15 }, (_, i) => server.nextCommand(`x${i}`, { signal }));
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    controller.abort(new Error("stop waiting"));
    for (const result of await Promise.allSettled(waits)) expect(result).toMatchObject({ reason: { message: "stop waiting" } });
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
