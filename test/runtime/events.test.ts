import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ConnectError, DisconnectedError, StateError, matchesPattern, type QmpEvent } from "../../runtime/index.js";
import { connectedPair, recordingLogger } from "../helpers/fake.js";

type Job = QmpEvent<string, { id: string; status: string }>;

describe("listeners", () => {
  it("never steal from each other: every listener sees every event it accepts", async () => {
    await using pair = await connectedPair();
    using a = pair.qmp.listen();
    using b = pair.qmp.listen("STOP");
    using c = pair.qmp.listen(["STOP", "RESUME"]);
    pair.server.emit("STOP");
    pair.server.emit("RESUME");
    pair.server.emit("BRAND_NEW_EVENT", { from: "a newer QEMU" });
    expect((await a.wait()).event).toBe("STOP");
    expect((await b.wait()).event).toBe("STOP");
    expect((await c.wait()).event).toBe("STOP");
    expect((await c.wait()).event).toBe("RESUME");
    expect((await a.wait({ event: "BRAND_NEW_EVENT" })).data).toEqual({ from: "a newer QEMU" });
    expect(b.size).toBe(0);
  });

  it("buffers from creation, so listen → execute → wait cannot miss an event sent before the reply", async () => {
    await using pair = await connectedPair();
    using stops = pair.qmp.listen("STOP");
    await pair.qmp.execute("stop"); // the fake, like QEMU, emits STOP before the reply
    expect(stops.size).toBe(1);
    expect((await stops.wait()).event).toBe("STOP");
  });

  it("pre-filters what is buffered; wait's match discards non-matching events from this listener only", async () => {
    await using pair = await connectedPair();
    using filtered = pair.qmp.listen("JOB_STATUS_CHANGE", { filter: (e) => (e as Job).data.id === "j1" });
    using all = pair.qmp.listen("JOB_STATUS_CHANGE");
    for (const [id, status] of [
      ["j0", "created"],
      ["j1", "created"],
      ["j1", "running"],
      ["j1", "concluded"],
    ]) {
      pair.server.emit("JOB_STATUS_CHANGE", { id, status });
    }
    await sleep(5);
    expect(filtered.size).toBe(3);
    expect(all.size).toBe(4);
    expect(await all.wait({ data: { status: "running" } })).toMatchObject({ data: { id: "j1", status: "running" } });
    expect(all.size).toBe(1);
    expect(await all.wait((e) => (e as Job).data.status === "concluded")).toMatchObject({ data: { id: "j1" } });
    expect(filtered.clear().map((e) => (e as Job).data.status)).toEqual(["created", "running", "concluded"]);
    expect(filtered.size).toBe(0);
  });

  it("iterates with for await", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen("JOB_STATUS_CHANGE");
    for (const status of ["created", "running", "concluded"]) pair.server.emit("JOB_STATUS_CHANGE", { id: "j", status });
    const seen: string[] = [];
    for await (const event of listener) {
      seen.push((event as Job).data.status);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["created", "running", "concluded"]);
    expect(listener.closed).toBe(false); // breaking out does not close the listener
  });

  it("fails with a clear error on the next read after overflowing (default policy)", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen(undefined, { buffer: 3 });
    for (let i = 0; i < 5; i++) pair.server.emit("TICK", { i });
    await sleep(5);
    const error = await listener.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(/overflowed its buffer of 3 events/);
  });

  it("drops the oldest events with overflow: drop-oldest", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen(undefined, { buffer: 3, overflow: "drop-oldest" });
    for (let i = 0; i < 5; i++) pair.server.emit("TICK", { i });
    await sleep(5);
    expect(listener.dropped).toBe(2);
    expect(listener.clear().map((e) => e.data?.["i"])).toEqual([2, 3, 4]);
  });

  it("times out and aborts wait() without losing later events", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen("STOP");
    await expect(listener.wait(undefined, { timeout: 10 })).rejects.toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    const waiting = listener.wait(undefined, { signal: controller.signal });
    controller.abort(new Error("enough"));
    await expect(waiting).rejects.toThrow("enough");
    pair.server.emit("STOP");
    expect((await listener.wait(undefined, { timeout: 1000 })).event).toBe("STOP");
  });

  it("allows one read at a time per listener", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen();
    const first = listener.wait();
    await expect(listener.wait()).rejects.toBeInstanceOf(StateError);
    pair.server.emit("STOP");
    expect((await first).event).toBe("STOP");
  });

  it("cleans up with using: the listener closes and stops receiving", async () => {
    await using pair = await connectedPair();
    let escaped: ReturnType<typeof pair.qmp.listen> | undefined;
    {
      using listener = pair.qmp.listen();
      escaped = listener;
    }
    expect(escaped.closed).toBe(true);
    pair.server.emit("STOP");
    await sleep(5);
    expect(escaped.size).toBe(0);
    await expect(escaped.wait()).rejects.toBeInstanceOf(StateError);
  });

  it("isolates throwing callbacks from other callbacks, listeners and the connection", async () => {
    const logger = recordingLogger();
    await using pair = await connectedPair({}, { logger });
    const seen: string[] = [];
    pair.qmp.on("*", () => {
      throw new Error("boom");
    });
    const off = pair.qmp.on("STOP", (e) => seen.push(e.event));
    using listener = pair.qmp.listen();
    pair.server.emit("STOP");
    expect((await listener.wait()).event).toBe("STOP");
    expect(seen).toEqual(["STOP"]);
    expect(logger.warnings.join()).toMatch(/boom/);
    off();
    pair.server.emit("STOP");
    await listener.wait();
    expect(seen).toEqual(["STOP"]);
    expect(await pair.qmp.execute("query-status")).toMatchObject({ running: true });
  });

  // Bug: an iterator kept receiving events after return().
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

  // Bug: a rejecting async on() callback became an unhandled rejection.
  it("a rejecting async on() callback is reported, not an unhandled rejection", async () => {
    const logger = recordingLogger();
    await using pair = await connectedPair({}, { logger });
    const seen: string[] = [];
    pair.qmp.on("*", async (event) => {
      throw new Error(`async callback failed for ${event.event}`);
    });
    pair.qmp.on("*", (event) => void seen.push(event.event));
    pair.server.emit("STOP");
    await sleep(20);
    expect(seen).toEqual(["STOP"]);
    expect(logger.warnings.join()).toMatch(/async callback failed for STOP/);
    expect(await pair.qmp.execute("query-status")).toMatchObject({ running: true });
  });

  // Bug: an unknown overflow policy was silently accepted.
  it("rejects an unknown overflow policy", async () => {
    await using pair = await connectedPair();
    expect(() => pair.qmp.listen(undefined, { overflow: "drop" as never })).toThrow(RangeError);
  });
});

describe("listeners across connections", () => {
  it("keeps buffered events readable after the user disconnects, then ends iteration", async () => {
    await using pair = await connectedPair();
    const listener = pair.qmp.listen();
    pair.server.emit("STOP");
    await sleep(5);
    await pair.qmp.disconnect();
    const seen: string[] = [];
    for await (const event of listener) seen.push(event.event);
    expect(seen).toEqual(["STOP"]);
    await expect(listener.wait()).rejects.toBeInstanceOf(DisconnectedError);
  });

  it("throws DisconnectedError from iteration and rejects pending wait when the connection is lost", async () => {
    await using pair = await connectedPair();
    const iterating = pair.qmp.listen();
    const waiting = pair.qmp.listen();
    const pendingWait = waiting.wait().catch((e: unknown) => e);
    pair.server.emit("STOP");
    await sleep(5);
    pair.server.disconnect();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of iterating) seen.push(event.event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["STOP"]);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect((await pendingWait) as QmpEvent).toMatchObject({ event: "STOP" });
    expect(await waiting.wait().catch((e: unknown) => e)).toBeInstanceOf(DisconnectedError);
  });

  it("receives the next session's events after a reconnect", async () => {
    await using pair = await connectedPair();
    using listener = pair.qmp.listen("STOP");
    pair.server.disconnect();
    await sleep(5);
    await pair.qmp.connect(pair.server.connectPair());
    pair.server.emit("STOP");
    expect((await listener.wait(undefined, { timeout: 1000 })).event).toBe("STOP");
  });

  // Bug: after a failed reconnect, listeners of the lost session ended as finished instead of failing.
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

  // Bug: a pending for-await over a listener threw when the user disconnected (or sent quit) instead of ending.
  it("an iteration pending when the user disconnects ends cleanly (also after quit)", async () => {
    for (const end of ["disconnect", "quit"] as const) {
      await using pair = await connectedPair();
      const listener = pair.qmp.listen();
      const iterating = (async () => {
        for await (const _event of listener) void _event;
        return "ended";
      })();
      await sleep(5);
      if (end === "disconnect") await pair.qmp.disconnect();
      else await pair.qmp.execute("quit");
      expect(await iterating).toBe("ended");
    }
  });
});

describe("executeUntil", () => {
  it("catches an event that arrives before the command's reply", async () => {
    await using pair = await connectedPair();
    pair.server.handle("blockdev-create", (args, ctx) => {
      ctx.emit("JOB_STATUS_CHANGE", { id: args["job-id"] as string, status: "created" });
      ctx.emit("JOB_STATUS_CHANGE", { id: args["job-id"] as string, status: "concluded" });
      return {};
    });
    const { result, event } = await pair.qmp.executeUntil(
      "blockdev-create",
      { "job-id": "j0", options: {} },
      "JOB_STATUS_CHANGE",
      { data: { status: "concluded" } },
      { timeout: 1000 },
    );
    expect(result).toEqual({});
    expect(event.data).toEqual({ id: "j0", status: "concluded" });
  });

  it("times out while waiting for the event and closes its listener", async () => {
    await using pair = await connectedPair();
    const error = await pair.qmp
      .executeUntil("query-status", undefined, "STOP", undefined, { timeout: 20 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TimeoutError" });
  });
});

describe("matchesPattern", () => {
  it("matches partial objects deeply and arrays exactly", () => {
    expect(matchesPattern({ a: { b: 1, c: 2 }, d: [1, 2] }, { a: { b: 1 } })).toBe(true);
    expect(matchesPattern({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(matchesPattern({ d: [1, 2] }, { d: [1] })).toBe(false);
    expect(matchesPattern({ a: null }, { a: null })).toBe(true);
    expect(matchesPattern({}, { a: undefined })).toBe(true);
  });
});
