import { describe, expect, test } from "vitest";
import { QmpTestServer } from "qmpkit/testing";
import { negotiated as negotiatedWith, RawClient, resources, settledResources, tick } from "./raw-client.js";

const negotiated = (server: QmpTestServer): Promise<RawClient> => negotiatedWith(server, ["oob"]);

describe("hang, delay, release", () => {
  test("hang holds replies (before the handler runs) until released", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    const release = server.hang("stop");
    client.send({ execute: "stop", id: 1 });
    client.send({ execute: "query-status", id: 2 });
    expect(await client.next()).toMatchObject({
      id: 2,
      return: { status: "running" },
    });
    expect(await client.quiet()).toBe("");
    expect((await server.nextCommand("stop")).id).toBe(1);
    release();
    expect(await client.next()).toMatchObject({ event: "STOP" });
    expect(await client.next()).toEqual({ return: {}, id: 1 });
  });

  test("release(name) frees held commands; release() frees all", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    server.hang("query-status");
    server.hang("query-version");
    client.send({ execute: "query-status", id: 1 });
    client.send({ execute: "query-version", id: 2 });
    expect(await client.quiet()).toBe("");
    server.release("query-version");
    expect((await client.next()).id).toBe(2);
    server.release();
    expect((await client.next()).id).toBe(1);
  });

  test("delay replies after ms; the undo function ends it", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    const undo = server.delay("query-status", 80);
    const started = performance.now();
    client.send({ execute: "query-status", id: "late" });
    client.send({ execute: "query-version", id: "early" });
    expect((await client.next()).id).toBe("early");
    expect((await client.next()).id).toBe("late");
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    undo();
    const again = performance.now();
    client.send({ execute: "query-status", id: 3 });
    await client.next();
    expect(performance.now() - again).toBeLessThan(50);
    expect(() => server.delay("x", -1)).toThrow(RangeError);
  });

  test("many hung and delayed commands emit no MaxListenersExceededWarning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await using server = new QmpTestServer();
      const client = await negotiatedWith(server, []);
      server.hang("stop");
      server.delay("query-status", 30);
      for (let id = 1; id <= 25; id++) client.send({ execute: id % 2 === 0 ? "stop" : "query-status", id });
      for (let i = 0; i < 13; i++) expect((await client.next()).id).toBeTypeOf("number");
      server.release("stop");
      for (let i = 0; i < 12; i++) expect((await client.next()).event ?? "reply").toBeTypeOf("string");
      // A warning is emitted on the next tick after the listener that crosses the limit.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
  });

  test("close() clears pending delays and hangs: no timers left", async () => {
    const before = resources();
    const server = new QmpTestServer();
    const client = await negotiated(server);
    server.delay("query-status", 60_000);
    server.hang("stop");
    client.send({ execute: "query-status", id: 1 });
    client.send({ execute: "stop", id: 2 });
    await tick();
    expect(resources().filter((r) => r === "Timeout").length).toBeGreaterThan(before.filter((r) => r === "Timeout").length);
    const pending = server.nextCommand("never");
    await server.close();
    await expect(pending).rejects.toThrow("closed");
    await tick();
    expect(server.connections).toBe(0);
    expect(await settledResources(before)).toEqual(before);
    expect(await client.ended).toEqual({});
  });
});

describe("raw output and disconnects", () => {
  test("sendRaw reaches every connection, negotiated or not", async () => {
    await using server = new QmpTestServer();
    const a = await negotiated(server);
    const b = new RawClient(server.connectPair());
    await b.next();
    server.sendRaw("garbage\r\n");
    server.sendRaw(Buffer.from([0x7b, 0x7d, 0x0d, 0x0a]));
    for (const c of [a, b]) expect([await c.nextLine(), await c.nextLine()]).toEqual(["garbage", "{}"]);
  });

  test("sendIdlessError", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    server.sendIdlessError();
    expect(await client.next()).toEqual({
      error: {
        class: "GenericError",
        desc: "JSON parse error, invalid keyword 'garbage'",
      },
    });
    server.sendIdlessError("JSON parse error, stray '}'");
    expect(await client.next()).toEqual({
      error: { class: "GenericError", desc: "JSON parse error, stray '}'" },
    });
  });

  test("closeMidMessage: half a message, then the end", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    server.closeMidMessage('{"return": {}, "id": 1}\r\n');
    expect(await client.ended).toEqual({});
    expect(client.unread).toBe('{"return": {');
    await tick();
    expect(server.connections).toBe(0);
  });

  test("disconnect() gives EOF; disconnect({reset}) gives ECONNRESET; listeners stay", async () => {
    await using server = new QmpTestServer();
    const a = await negotiated(server);
    server.disconnect();
    expect(await a.ended).toEqual({});
    const b = await negotiated(server);
    server.disconnect({ reset: true });
    expect(await b.ended).toEqual({ error: "ECONNRESET" });
    await tick();
    expect(server.connections).toBe(0);
    const c = await negotiated(server);
    expect(server.connections).toBe(1);
    c.close();
    await tick();
    expect(server.connections).toBe(0);
  });

  test("the client closing ends the connection, and pending replies are dropped quietly", async () => {
    await using server = new QmpTestServer();
    server.handle("slow", () => new Promise((r) => setTimeout(r, 20)));
    const client = await negotiated(server);
    client.send({ execute: "slow", id: 1 });
    await tick();
    client.close();
    await new Promise((r) => setTimeout(r, 40));
    expect(server.connections).toBe(0);
  });
});
