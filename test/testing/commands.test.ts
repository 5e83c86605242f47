import { describe, expect, test } from "vitest";
import { QmpTestServer } from "qmpkit/testing";
import { negotiated, RawClient } from "./raw-client.js";

describe("default commands", () => {
  test("stop/cont: the event comes before the reply, state is tracked", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send({ execute: "stop", id: 1 });
    expect(await client.nextLine()).toMatch(/^\{"timestamp": \{"seconds": \d+, "microseconds": \d+\}, "event": "STOP"\}$/);
    expect(await client.next()).toEqual({ return: {}, id: 1 });
    client.send({ execute: "stop", id: 2 });
    expect(await client.next()).toEqual({ return: {}, id: 2 }); // already paused: no second STOP
    client.send({ execute: "query-status", id: 3 });
    expect(await client.nextLine()).toBe('{"return": {"status": "paused", "singlestep": false, "running": false}, "id": 3}');
    client.send({ execute: "cont", id: 4 });
    expect(await client.next()).toMatchObject({ event: "RESUME" });
    expect(await client.next()).toEqual({ return: {}, id: 4 });
    expect(server.status).toBe("running");
  });

  test("events reach every negotiated connection", async () => {
    await using server = new QmpTestServer();
    const a = await negotiated(server);
    const b = await negotiated(server);
    const c = new RawClient(server.connectPair());
    await c.next();
    a.send({ execute: "system_powerdown", id: 1 });
    expect(await a.next()).toMatchObject({ event: "POWERDOWN" });
    expect(await a.next()).toEqual({ return: {}, id: 1 });
    expect(await b.next()).toMatchObject({ event: "POWERDOWN" });
    expect(await c.quiet()).toBe("");
    expect(Object.keys(await (server.emit("X", { a: 1 }), b.next()))).toEqual(["timestamp", "event", "data"]);
  });

  test("unexpected arguments are rejected like QEMU", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send({ execute: "stop", arguments: { x: 1 }, id: 1 });
    expect(await client.next()).toEqual({
      id: 1,
      error: { class: "GenericError", desc: "Parameter 'x' is unexpected" },
    });
  });

  test("query-version and query-commands", async () => {
    await using server = new QmpTestServer({
      handlers: { "query-foo": () => 1 },
    });
    const client = await negotiated(server);
    client.send({ execute: "query-version" });
    expect(await client.nextLine()).toBe(
      '{"return": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}}',
    );
    client.send({ execute: "query-commands" });
    const names = ((await client.next()).return as Array<{ name: string }>).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["qmp_capabilities", "query-status", "stop", "cont", "quit", "query-foo"]));
  });

  test("quit: SHUTDOWN, then the reply, then the end of the stream", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send({ execute: "quit" });
    expect(await client.next()).toMatchObject({
      event: "SHUTDOWN",
      data: { guest: false, reason: "host-qmp-quit" },
    });
    expect(await client.nextLine()).toBe('{"return": {}}');
    expect(await client.ended).toEqual({});
    await new Promise((r) => setImmediate(r));
    expect(server.connections).toBe(0);
  });
});

test("a handler's signal aborts when its connection closes", async () => {
  await using server = new QmpTestServer();
  let resolveAborted: (reason: unknown) => void = () => {};
  const aborted = new Promise((r) => (resolveAborted = r));
  server.handle(
    "wait",
    (_args, ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener("abort", () => {
          resolveAborted(ctx.signal.reason);
          reject(ctx.signal.reason as Error);
        }),
      ),
  );
  const client = await negotiated(server);
  client.send({ execute: "wait", id: 1 });
  await server.nextCommand("wait");
  client.close();
  expect(await aborted).toBeInstanceOf(Error);
});

describe("request validation", () => {
  test.each([
    ["[1,2]", '{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}'],
    ["42 ", '{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}'],
    ['{"id":7}', `{"id": 7, "error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}}`],
    [
      '{"execute":5,"id":1}',
      `{"id": 1, "error": {"class": "GenericError", "desc": "QMP input member 'execute' must be a string"}}`,
    ],
    [
      '{"execute":"stop","arguments":[],"id":1}',
      `{"id": 1, "error": {"class": "GenericError", "desc": "QMP input member 'arguments' must be an object"}}`,
    ],
    ['{"execute":"stop","foo":1}', `{"error": {"class": "GenericError", "desc": "QMP input member 'foo' is unexpected"}}`],
    [
      '{"exec-oob":"yank","id":1}',
      `{"id": 1, "error": {"class": "GenericError", "desc": "QMP input member 'exec-oob' is unexpected"}}`,
    ],
    ["}", '{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}'],
    ['{"execute":"stop",}', '{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}'],
    ["nul ", `{"error": {"class": "GenericError", "desc": "JSON parse error, invalid keyword 'nul'"}}`],
  ])("%s", async (input, reply) => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send(input);
    expect(await client.nextLine()).toBe(reply);
    expect(await client.quiet(20)).toBe("");
  });

  test("single-quoted strings are accepted like QEMU", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send("{'execute':'query-status','id':'it\\'s'}");
    expect(await client.next()).toMatchObject({ id: "it's" });
  });

  test("exec-oob with oob enabled: allowed commands only", async () => {
    await using server = new QmpTestServer({
      handlers: { yank: () => ({}) },
      oobCommands: ["yank"],
    });
    const client = await negotiated(server, ["oob"]);
    client.send({ "exec-oob": "yank", id: 1 });
    expect(await client.next()).toEqual({ return: {}, id: 1 });
    client.send({ "exec-oob": "query-status", id: 2 });
    expect(await client.next()).toEqual({
      id: 2,
      error: {
        class: "GenericError",
        desc: "The command query-status does not support OOB",
      },
    });
    client.send({ "exec-oob": "nope", id: 3 });
    expect(await client.next()).toMatchObject({
      id: 3,
      error: { class: "CommandNotFound" },
    });
    client.send({ execute: "yank", "exec-oob": "yank", id: 4 });
    expect(await client.next()).toMatchObject({
      error: { desc: "QMP input member 'execute' clashes with 'exec-oob'" },
    });
    expect(server.received.at(-4)).toMatchObject({
      oob: true,
      command: "yank",
      id: 1,
    });
  });
});
