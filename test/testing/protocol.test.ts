import { describe, expect, test } from "vitest";
import { QmpClient } from "qmpkit";
import { QmpTestError, QmpTestServer } from "qmpkit/testing";
import { negotiated, RawClient } from "./raw-client.js";

const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';

describe("greeting and negotiation", () => {
  test("greets with QEMU 7.2's exact bytes", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.nextLine();
    expect(client.text).toBe(GREETING + "\r\n");
  });

  test("custom greeting keeps QEMU's key order", async () => {
    await using server = new QmpTestServer({
      greeting: {
        version: { qemu: { major: 9, minor: 1, micro: 0 }, package: "" },
        capabilities: [],
      },
    });
    const client = new RawClient(server.connectPair());
    expect(await client.nextLine()).toBe(
      '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, "major": 9}, "package": ""}, "capabilities": []}}',
    );
    client.send({ execute: "qmp_capabilities", id: 1 });
    await client.next();
    client.send({ execute: "query-version", id: 2 });
    expect(await client.next()).toEqual({
      return: { qemu: { micro: 0, minor: 1, major: 9 }, package: "" },
      id: 2,
    });
  });

  test("every command before qmp_capabilities is CommandNotFound", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.next();
    client.send({ execute: "query-status", id: 1 });
    client.send({ execute: "no-such-command", id: 2 });
    expect(await client.nextLine()).toBe(
      `{"id": 1, "error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}}`,
    );
    expect(await client.next()).toMatchObject({
      id: 2,
      error: { class: "CommandNotFound" },
    });
    client.send({ "exec-oob": "yank", id: 3 });
    expect(await client.next()).toEqual({
      id: 3,
      error: {
        class: "GenericError",
        desc: "QMP input member 'exec-oob' is unexpected",
      },
    });
  });

  test("no events before negotiation; events after", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.next();
    expect(server.emit("STOP")).toBe(0);
    client.send({ execute: "qmp_capabilities" });
    expect(await client.next()).toEqual({ return: {} });
    expect(server.emit("STOP")).toBe(1);
    expect(await client.next()).toMatchObject({ event: "STOP" });
  });

  test("a second qmp_capabilities is CommandNotFound", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send({ execute: "qmp_capabilities", id: "again" });
    expect(await client.nextLine()).toBe(
      '{"id": "again", "error": {"class": "CommandNotFound", "desc": "Capabilities negotiation is already complete, command ignored"}}',
    );
  });

  test("unknown or malformed capabilities are GenericError and leave negotiation open", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.next();
    for (const args of [{ enable: ["foo"] }, { enable: "oob" }, { x: 1 }, { enable: [1] }]) {
      client.send({ execute: "qmp_capabilities", arguments: args });
      expect(await client.next()).toMatchObject({
        error: { class: "GenericError" },
      });
    }
    client.send({
      execute: "qmp_capabilities",
      arguments: { enable: ["oob"] },
    });
    expect(await client.next()).toEqual({ return: {} });
  });

  test("oob cannot be enabled when not offered", async () => {
    await using server = new QmpTestServer({ greeting: { capabilities: [] } });
    const client = new RawClient(server.connectPair());
    await client.next();
    client.send({
      execute: "qmp_capabilities",
      arguments: { enable: ["oob"] },
    });
    expect(await client.next()).toEqual({
      error: { class: "GenericError", desc: "Capability 'oob' not available" },
    });
  });

  test("a pipelined command right after qmp_capabilities is served negotiated", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.next();
    client.send('{"execute":"qmp_capabilities"}{"execute":"query-status","id":1}');
    expect(await client.next()).toEqual({ return: {} });
    expect(await client.next()).toMatchObject({
      id: 1,
      return: { status: "running" },
    });
  });

  test("greeting: false serves at once, qemu-ga style, with \\n line endings", async () => {
    await using server = new QmpTestServer({
      greeting: false,
      lineEnding: "\n",
    });
    const client = new RawClient(server.connectPair(), "\n");
    client.send({ execute: "query-status", id: 1 });
    expect(await client.nextLine()).toBe('{"return": {"status": "running", "singlestep": false, "running": true}, "id": 1}');
    client.send({ execute: "qmp_capabilities", id: 2 });
    expect(await client.next()).toMatchObject({
      id: 2,
      error: { class: "CommandNotFound" },
    });
    expect(client.text.includes("\r")).toBe(false);
  });
});

describe("handlers", () => {
  test("return values, undefined → {}, async handlers", async () => {
    await using server = new QmpTestServer({
      handlers: { "query-foo": () => ({ foo: [1, "two"] }) },
    });
    server.handle("nothing", () => undefined);
    server.handle("later", async (args) => {
      await new Promise((r) => setTimeout(r, 5));
      return args["v"];
    });
    const client = await negotiated(server);
    client.send({ execute: "query-foo", id: 1 });
    expect(await client.next()).toEqual({ return: { foo: [1, "two"] }, id: 1 });
    client.send({ execute: "nothing", id: 2 });
    expect(await client.next()).toEqual({ return: {}, id: 2 });
    client.send({ execute: "later", arguments: { v: 7 }, id: 3 });
    expect(await client.next()).toEqual({ return: 7, id: 3 });
  });

  test("QmpTestError → its class and desc; other errors → GenericError", async () => {
    await using server = new QmpTestServer();
    server.handle("dev", () => {
      throw new QmpTestError("DeviceNotFound", "Device 'x' not found");
    });
    server.handle("boom", () => {
      throw new Error("kaboom");
    });
    server.handle("async-boom", () => Promise.reject(new QmpTestError("KVMMissingCap", "no")));
    const client = await negotiated(server);
    client.send({ execute: "dev", id: 1 });
    expect(await client.nextLine()).toBe('{"id": 1, "error": {"class": "DeviceNotFound", "desc": "Device \'x\' not found"}}');
    client.send({ execute: "boom" });
    expect(await client.next()).toEqual({
      error: { class: "GenericError", desc: "kaboom" },
    });
    client.send({ execute: "async-boom", id: 3 });
    expect(await client.next()).toEqual({
      id: 3,
      error: { class: "KVMMissingCap", desc: "no" },
    });
  });

  test("async handlers run concurrently: replies go out as they finish", async () => {
    await using server = new QmpTestServer();
    server.handle("sleep", async (args) => {
      await new Promise((r) => setTimeout(r, Number(args["ms"])));
      return args["ms"];
    });
    const client = await negotiated(server);
    client.send({ execute: "sleep", arguments: { ms: 60 }, id: "slow" });
    client.send({ execute: "sleep", arguments: { ms: 1 }, id: "fast" });
    expect((await client.next()).id).toBe("fast");
    expect((await client.next()).id).toBe("slow");
  });

  test("sequential: in-band replies in order, exec-oob overtakes a hung command", async () => {
    await using server = new QmpTestServer({ sequential: true });
    server.handle("sleep", async (args) => {
      await new Promise((r) => setTimeout(r, Number(args["ms"])));
      return args["ms"];
    });
    server.handle("query-yank", () => []);
    const client = await negotiated(server, ["oob"]);
    client.send({ execute: "sleep", arguments: { ms: 40 }, id: "slow" });
    client.send({ execute: "sleep", arguments: { ms: 1 }, id: "fast" });
    expect((await client.next()).id).toBe("slow");
    expect((await client.next()).id).toBe("fast");
    const release = server.hang("query-status");
    client.send({ execute: "query-status", id: "blocked" });
    client.send({ execute: "sleep", arguments: { ms: 0 }, id: "queued" });
    client.send({ "exec-oob": "query-yank", id: "oob" });
    expect(await client.next()).toEqual({ return: [], id: "oob" });
    expect(await client.quiet()).toBe("");
    release();
    expect((await client.next()).id).toBe("blocked");
    expect((await client.next()).id).toBe("queued");
  });

  test("handle() returns a remover; options.handlers replace defaults; defaultHandlers: false", async () => {
    await using server = new QmpTestServer({
      handlers: { "query-status": () => "mine" },
    });
    const remove = server.handle("tmp", () => 1);
    expect(server.commandNames()).toContain("tmp");
    remove();
    const client = await negotiated(server);
    client.send({ execute: "query-status", id: 1 });
    expect(await client.next()).toEqual({ return: "mine", id: 1 });
    client.send({ execute: "tmp", id: 2 });
    expect(await client.next()).toMatchObject({
      error: { class: "CommandNotFound" },
    });
    await using bare = new QmpTestServer({ defaultHandlers: false });
    expect(bare.commandNames()).toEqual([]);
  });

  test("ctx: command, oob, connection, afterReply, end", async () => {
    await using server = new QmpTestServer();
    server.handle("bye", (_args, ctx) => {
      expect([ctx.command, ctx.oob, ctx.connection, ctx.negotiated]).toEqual(["bye", false, 1, true]);
      ctx.afterReply(() => {
        ctx.emit("GOODBYE", { n: 1 }, { timestamp: { seconds: -1, microseconds: -1 } });
        ctx.end();
      });
      return {};
    });
    const client = await negotiated(server);
    client.send({ execute: "bye", id: 1 });
    expect(await client.next()).toEqual({ return: {}, id: 1 });
    expect(await client.nextLine()).toBe(
      '{"timestamp": {"seconds": -1, "microseconds": -1}, "event": "GOODBYE", "data": {"n": 1}}',
    );
    expect(await client.ended).toEqual({});
  });

  // Bug: the fake server refused {class, desc} throws, a numeric listen port and greeting: null.
  test("the fake server takes {class, desc} throws, a numeric port, and greeting: null", async () => {
    const server = new QmpTestServer({ greeting: null });
    server.handle("boom", () => {
      throw { class: "DeviceNotFound", desc: "no such device" };
    });
    const address = (await server.listen(0)) as { host: string; port: number };
    const qmp = new QmpClient({ negotiate: false, awaitGreeting: false });
    await qmp.connect({ host: address.host, port: address.port });
    await expect(qmp.execute("boom")).rejects.toMatchObject({ errorClass: "DeviceNotFound", desc: "no such device" });
    await qmp.disconnect();
    await server.close();
  });
});
