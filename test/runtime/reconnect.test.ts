// Opt-in reconnect against the fake server on a unix socket (real QEMU: reconnect-qemu.test.ts).
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectError,
  DisconnectedError,
  ProtocolError,
  QmpClient,
  StateError,
  type QmpClientOptions,
  type QmpState,
} from "../../runtime/index.js";
import { backoffDelay, resolveReconnect } from "../../runtime/reconnect.js";
import { QmpTestServer, type QmpTestServerOptions } from "../../runtime/testing/index.js";
import { tempDir } from "../helpers/qemu.js";
import { waitForState as waitForStateWithin } from "../helpers/state.js";

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A fake server listening on a fresh unix path, and a client with reconnect connected to it. */
async function setup(clientOptions: QmpClientOptions = {}, serverOptions: QmpTestServerOptions = {}) {
  const dir = tempDir();
  cleanup.push(() => dir[Symbol.dispose]());
  const path = join(dir.path, "qmp.sock");
  const servers: QmpTestServer[] = [];
  const startServer = async (options: QmpTestServerOptions = serverOptions, prepare?: (server: QmpTestServer) => void) => {
    const server = new QmpTestServer(options);
    prepare?.(server);
    servers.push(server);
    await server.listen({ path });
    return server;
  };
  const server = await startServer();
  const qmp = new QmpClient({ reconnect: { delay: 5, maxDelay: 20 }, ...clientOptions });
  const states: Array<[QmpState, Error | undefined]> = [];
  qmp.onStateChange((state, _previous, error) => states.push([state, error]));
  cleanup.push(() => Promise.all(servers.map((s) => s.close())));
  cleanup.push(() => qmp.disconnect());
  await qmp.connect(path, { timeout: 2000 });
  return { qmp, server, path, states, startServer };
}

function waitForState(qmp: QmpClient, want: QmpState, timeout = 3000): Promise<void> {
  return waitForStateWithin(qmp, want, timeout);
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("reconnect options", () => {
  it("fills in defaults and rejects values that cannot work", () => {
    expect(resolveReconnect(undefined)).toBeUndefined();
    expect(resolveReconnect({})).toEqual({ retries: Infinity, delay: 100, maxDelay: 5000 });
    expect(() => new QmpClient({ reconnect: { retries: -1 } })).toThrow(RangeError);
    expect(() => new QmpClient({ reconnect: { retries: 1.5 } })).toThrow(RangeError);
    expect(() => new QmpClient({ reconnect: { delay: Number.NaN } })).toThrow(RangeError);
    expect(() => new QmpClient({ reconnect: { delay: 100, maxDelay: 50 } })).toThrow(RangeError);
    // a maxDelay alone below the default first wait caps it
    expect(resolveReconnect({ maxDelay: 50 })).toEqual({ retries: Infinity, delay: 50, maxDelay: 50 });
    expect(resolveReconnect({ maxDelay: 0 })).toEqual({ retries: Infinity, delay: 0, maxDelay: 0 });
  });

  it("backs off exponentially up to maxDelay, with at most 25 % jitter below", () => {
    const config = { retries: Infinity, delay: 100, maxDelay: 5000 };
    expect([0, 1, 2, 3, 6, 60, 5000].map((n) => backoffDelay(config, n, 0))).toEqual([100, 200, 400, 800, 5000, 5000, 5000]);
    expect(backoffDelay(config, 0, 1)).toBe(75);
    expect(backoffDelay(config, 10, 0.5)).toBe(4375);
  });
});

describe("reconnect against the fake server", () => {
  it("comes back after the server drops the connection; pending commands reject and are not re-sent", async () => {
    const { qmp, server, states } = await setup();
    server.hang("query-status");
    const pending = qmp.execute("query-status").catch((e: unknown) => e);
    await server.nextCommand("query-status", { timeout: 1000 });
    server.release();
    server.hang("query-status");
    server.disconnect({ reset: true });
    const error = await pending;
    expect(error).toBeInstanceOf(DisconnectedError);
    await waitForState(qmp, "running");
    server.release();
    expect(await qmp.execute("query-version")).toMatchObject({ qemu: { major: 7 } });
    // Never re-sent: the one query-status is the only one the server got.
    expect(server.received.filter((m) => m.command === "query-status")).toHaveLength(1);
    expect(states.map(([s]) => s)).toEqual(["connecting", "running", "connecting", "running"]);
    expect(states[2]?.[1]).toBeInstanceOf(DisconnectedError);
    expect(server.received.filter((m) => m.command === "qmp_capabilities")).toHaveLength(2);
  });

  it("commands issued while reconnecting wait for the new server; listeners get its events", async () => {
    const { qmp, server, startServer } = await setup();
    const listener = qmp.listen("HELLO");
    const seen: string[] = [];
    qmp.on("*", (event) => seen.push(event.event));
    await server.close(); // socket gone: attempts fail until a new server listens
    await waitForState(qmp, "connecting");
    expect(listener.closed).toBe(false);
    const waiting = qmp.execute("query-status");
    const waitingEvent = listener.wait(undefined, { timeout: 3000 });
    await sleep(60);
    const next = await startServer({ greeting: { capabilities: [] }, status: "paused" });
    expect(await waiting).toMatchObject({ status: "paused" });
    expect(qmp.oobEnabled).toBe(false); // the new connection's
    expect(qmp.greeting?.capabilities).toEqual([]);
    next.emit("HELLO", { n: 2 });
    expect(await waitingEvent).toMatchObject({ event: "HELLO", data: { n: 2 } });
    expect(seen).toEqual(["HELLO"]);
  });

  it("introspect() after a reconnect asks the new server (the schema cache ends with the connection)", async () => {
    const schemaA = [
      { name: "0", "meta-type": "object", members: [] },
      { name: "only-a", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
    ];
    const schemaB = [
      { name: "0", "meta-type": "object", members: [] },
      { name: "only-b", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
    ];
    const { qmp, server, startServer } = await setup({}, { schema: schemaA });
    expect((await qmp.introspect()).commands()).toEqual(["only-a"]);
    await server.close();
    await waitForState(qmp, "connecting");
    // asked while reconnecting: waits for the new connection (within its own timeout), like a command
    await expect(qmp.introspect({ timeout: 20 })).rejects.toMatchObject({ name: "TimeoutError" });
    const waiting = qmp.introspect({ timeout: 3000 });
    const next = await startServer({ schema: schemaB });
    expect((await waiting).commands()).toEqual(["only-b"]);
    expect(qmp.schema).toBe(await waiting);
    expect((await qmp.introspect()).commands()).toEqual(["only-b"]);
    expect(next.received.filter((m) => m.command === "query-qmp-schema")).toHaveLength(1);
  });

  it("a waiting command is bounded by its own timeout and signal", async () => {
    const { qmp, server } = await setup();
    await server.close();
    await waitForState(qmp, "connecting");
    const timedOut = await qmp.execute("query-status", undefined, { timeout: 30 }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    const aborted = qmp.execute("query-status", undefined, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error("mine"));
    expect(await aborted).toMatchObject({ message: "mine" });
  });

  it("calls onReconnect before releasing waiting commands", async () => {
    const { qmp, server, startServer } = await setup();
    const order: string[] = [];
    qmp.onReconnect((info) => {
      order.push(`reconnected after ${info.attempts >= 1 ? "n" : "0"} attempts (${info.error.constructor.name})`);
      void qmp.execute("query-version").then(() => order.push("re-armed"));
    });
    await server.close();
    await waitForState(qmp, "connecting");
    const waiting = qmp.execute("query-status").then(() => order.push("waited"));
    const next = await startServer();
    await waiting;
    await sleep(10);
    expect(order).toEqual(["reconnected after n attempts (DisconnectedError)", "re-armed", "waited"]);
    expect(next.received.map((m) => m.command)).toEqual(["qmp_capabilities", "query-version", "query-status"]);
  });

  it("gives up after `retries`: idle with the last error; waiters and listeners get DisconnectedError", async () => {
    const { qmp, server, states } = await setup({ reconnect: { retries: 3, delay: 5, maxDelay: 10 } });
    const listener = qmp.listen();
    const waitingEvent = listener.wait().catch((e: unknown) => e);
    await server.close();
    await waitForState(qmp, "connecting");
    const waiting = qmp.execute("query-status").catch((e: unknown) => e);
    await waitForState(qmp, "idle");
    const last = states.at(-1);
    expect(last?.[0]).toBe("idle");
    expect(last?.[1]).toBeInstanceOf(ConnectError);
    expect(((last?.[1] as ConnectError).cause as NodeJS.ErrnoException).code).toMatch(/ENOENT|ECONNREFUSED/);
    expect(await waiting).toBeInstanceOf(DisconnectedError);
    expect(await waitingEvent).toBeInstanceOf(DisconnectedError);
    await expect(qmp.execute("query-status")).rejects.toBeInstanceOf(StateError);
  });

  it("disconnect() during backoff stops at once, settles everything and leaves no timer", async () => {
    const before = timers();
    const { qmp, server, states } = await setup({ reconnect: { delay: 10_000 } });
    const listener = qmp.listen();
    await server.close();
    await waitForState(qmp, "connecting");
    const waiting = qmp.execute("query-status").catch((e: unknown) => e);
    const started = Date.now();
    await qmp.disconnect();
    expect(Date.now() - started).toBeLessThan(500);
    expect(qmp.state).toBe("idle");
    expect(states.at(-1)).toEqual(["idle", undefined]);
    expect(await waiting).toBeInstanceOf(DisconnectedError);
    // A user disconnect ends iteration quietly.
    const events: unknown[] = [];
    for await (const event of listener) events.push(event);
    expect(events).toEqual([]);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("disconnect() during an attempt that hangs in the handshake stops it", async () => {
    const { qmp, server, startServer } = await setup({ reconnect: { delay: 1 } });
    await server.close();
    const silent = await startServer({}, (s) => void s.hang("qmp_capabilities"));
    await sleep(50);
    expect(qmp.state).toBe("connecting");
    await qmp.disconnect();
    expect(qmp.state).toBe("idle");
    await sleep(20);
    expect(silent.connections).toBe(0);
  });

  it("reconnects after a protocol error, reporting the ProtocolError", async () => {
    const { qmp, server, states } = await setup();
    server.sendRaw('{"return": ]}\r\n');
    await waitForState(qmp, "connecting");
    expect(states.at(-1)?.[1]).toBeInstanceOf(ProtocolError);
    await waitForState(qmp, "running");
    expect(await qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("never reconnects after the user's disconnect() or quit", async () => {
    const a = await setup();
    await a.qmp.disconnect();
    await sleep(50);
    expect(a.qmp.state).toBe("idle");
    expect(a.server.received.filter((m) => m.command === "qmp_capabilities")).toHaveLength(1);
    const b = await setup();
    await b.qmp.execute("quit");
    await waitForState(b.qmp, "idle");
    await sleep(50);
    expect(b.qmp.state).toBe("idle");
    expect(b.states.map(([s]) => s)).toEqual(["connecting", "running", "idle"]);
  });

  it("a refused second connect() does not change where reconnecting goes", async () => {
    const { qmp, server } = await setup();
    await expect(qmp.connect("/nonexistent/qmp.sock")).rejects.toBeInstanceOf(StateError);
    server.disconnect();
    await waitForState(qmp, "connecting");
    await waitForState(qmp, "running");
    expect(await qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("does not apply to a Duplex target", async () => {
    const server = new QmpTestServer();
    cleanup.push(() => server.close());
    const qmp = new QmpClient({ reconnect: { delay: 1 } });
    await qmp.connect(server.connectPair());
    server.disconnect();
    await waitForState(qmp, "idle");
    await sleep(20);
    expect(qmp.state).toBe("idle");
  });
});
