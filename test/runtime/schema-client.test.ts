import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { ArgumentError, ExecuteError, QmpClient, QmpError, QmpSchema, StateError } from "../../runtime/index.js";
import { QmpTestServer, qemu72Schema } from "../../runtime/testing/index.js";
import { connectedPair } from "../helpers/fake.js";

const schemaRequests = (server: QmpTestServer) => server.received.filter((r) => r.command === "query-qmp-schema").length;

describe("QmpClient.introspect()", () => {
  it("fetches query-qmp-schema once per connection and shares concurrent calls", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    const [a, b] = await Promise.all([pair.qmp.introspect(), pair.qmp.introspect()]);
    expect(a).toBeInstanceOf(QmpSchema);
    expect(b).toBe(a);
    expect(await pair.qmp.introspect()).toBe(a);
    expect(pair.qmp.schema).toBe(a);
    expect(schemaRequests(pair.server)).toBe(1);
    expect(a.hasCommand("blockdev-add")).toBe(true);
    const refreshed = await pair.qmp.introspect({ refresh: true });
    expect(refreshed).not.toBe(a);
    expect(pair.qmp.schema).toBe(refreshed);
    expect(schemaRequests(pair.server)).toBe(2);
  });

  it("forgets the schema with the connection: a new connection asks the new server", async () => {
    await using first = new QmpTestServer({ schema: qemu72Schema() });
    await using second = new QmpTestServer({ schema: qemu72Schema().filter((e) => e.name !== "blockdev-reopen") });
    const qmp = new QmpClient();
    await qmp.connect(first.connectPair());
    expect((await qmp.introspect()).hasCommand("blockdev-reopen")).toBe(true);
    await qmp.disconnect();
    expect(qmp.schema).toBeUndefined();
    await qmp.connect(second.connectPair());
    expect(qmp.schema).toBeUndefined();
    expect((await qmp.introspect()).hasCommand("blockdev-reopen")).toBe(false);
    expect(schemaRequests(second)).toBe(1);
    await qmp.disconnect();
  });

  it("honours timeout and signal, and a failed fetch is retried by the next call", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    const release = pair.server.hang("query-qmp-schema");
    const timedOut = await pair.qmp.introspect({ timeout: 30 }).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    const aborted = pair.qmp.introspect({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error("stop"));
    expect(await aborted).toMatchObject({ message: "stop" });
    release();
    const schema = await pair.qmp.introspect();
    expect(schema.hasEvent("SHUTDOWN")).toBe(true);
    expect(schemaRequests(pair.server)).toBe(1); // the shared fetch went on for later callers

    pair.server.handle("query-qmp-schema", () => {
      throw new Error("no schema today");
    });
    const failed = await pair.qmp.introspect({ refresh: true }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ExecuteError);
    pair.server.handle("query-qmp-schema", () => qemu72Schema());
    expect((await pair.qmp.introspect()).hasCommand("query-status")).toBe(true);
  });

  it("keeps the schema fetched before while a refresh is under way, and when it fails", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    const first = await pair.qmp.introspect();
    const release = pair.server.hang("query-qmp-schema");
    const refreshing = pair.qmp.introspect({ refresh: true });
    expect(pair.qmp.schema).toBe(first);
    release();
    const second = await refreshing;
    expect(second).not.toBe(first);
    expect(pair.qmp.schema).toBe(second);
    pair.server.handle("query-qmp-schema", () => {
      throw new Error("no schema today");
    });
    await expect(pair.qmp.introspect({ refresh: true })).rejects.toBeInstanceOf(ExecuteError);
    expect(pair.qmp.schema).toBe(second);
    expect(await pair.qmp.introspect()).toBe(second);
  });

  it("rejects with StateError when not connected", async () => {
    const qmp = new QmpClient();
    await expect(qmp.introspect()).rejects.toBeInstanceOf(StateError);
  });
});

describe("new QmpClient({ validate: true })", () => {
  it("rejects invalid arguments with ArgumentError and sends nothing", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    const args = { driver: "file", bogus: 1 };
    const error = await pair.qmp.execute("blockdev-add", args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toBeInstanceOf(QmpError);
    const argumentError = error as ArgumentError;
    expect(argumentError.code).toBe("QMP_ARGUMENTS");
    expect(argumentError.name).toBe("ArgumentError");
    expect(argumentError.command).toBe("blockdev-add");
    expect(argumentError.arguments).toBe(args);
    expect(argumentError.issues.map((i) => i.message)).toEqual([
      "Parameter 'filename' is missing",
      "Parameter 'bogus' is unexpected",
    ]);
    expect(argumentError.message.startsWith("Parameter 'filename' is missing")).toBe(true);
    expect(pair.server.received.some((r) => r.command === "blockdev-add")).toBe(false);
    expect(schemaRequests(pair.server)).toBe(1);
  });

  it("sends valid commands, and unknown commands fail before sending", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    expect(await pair.qmp.execute("query-status")).toMatchObject({ status: "running" });
    const unknown = await pair.qmp.execute("no-such-command").catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      code: "QMP_ARGUMENTS",
      message: expect.stringMatching(/^The command no-such-command has not been found/),
    });
    expect(pair.server.received.some((r) => r.command === "no-such-command")).toBe(false);
    const viaMessage = await pair.qmp.executeMessage({ execute: "query-status", arguments: { x: 1 } }).catch((e: unknown) => e);
    expect(viaMessage).toMatchObject({ code: "QMP_ARGUMENTS", issues: [{ path: "x", message: "Parameter 'x' is unexpected" }] });
  });

  it("commands that wait for the schema go out in the order they were executed", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    const names = ["query-status", "query-version", "query-commands", "query-name", "query-uuid"];
    await Promise.all(
      names.map((name, i) => pair.qmp.execute(name, undefined, i % 2 === 0 ? { timeout: 5000 } : {}).catch(() => undefined)),
    );
    const sent = pair.server.received.map((r) => r.command).filter((c) => c !== "qmp_capabilities" && c !== "query-qmp-schema");
    expect(sent).toEqual(names);
  });

  it("the first command introspects within its own timeout", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    pair.server.hang("query-qmp-schema");
    const error = await pair.qmp.execute("query-status", undefined, { timeout: 30 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(pair.server.received.some((r) => r.command === "query-status")).toBe(false);
  });

  // Bug: each command waiting for the schema added its own "abort" listener to a shared signal.
  it("many commands waiting for the schema on one signal add one abort listener", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    pair.server.hang("query-qmp-schema");
    const controller = new AbortController();
    const { signal } = controller;
    const waiting = Array.from({ length: 15 }, () => pair.qmp.execute("query-status", undefined, { signal }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    controller.abort(new Error("all"));
    for (const result of await Promise.allSettled(waiting)) expect(result).toMatchObject({ reason: { message: "all" } });
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("uses widths and names from schemaOptions", async () => {
    await using pair = await connectedPair(
      { schema: qemu72Schema() },
      { validate: true, schemaOptions: { integerWidths: { "migrate-set-parameters/arg-type/downtime-limit": "uint64" } } },
    );
    await expect(pair.qmp.execute("migrate-set-parameters", { "downtime-limit": 1.5 })).rejects.toThrow(
      /^Parameter 'downtime-limit' expects uint64/,
    );
  });

  it("without validate nothing is checked", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    const error = await pair.qmp.execute("query-status", { x: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecuteError);
    expect(error).toMatchObject({ desc: "Parameter 'x' is unexpected" });
    expect(schemaRequests(pair.server)).toBe(0);
  });
});

describe("validate: true with awkward arguments", () => {
  it("a circular argument is refused by serialisation, not by a stack overflow", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    // a qcow2 node whose file is itself: the types recurse, the value loops
    const args: Record<string, unknown> = { driver: "qcow2", "node-name": "n" };
    args["file"] = args;
    await expect(pair.qmp.execute("blockdev-add", args)).rejects.toBeInstanceOf(TypeError);
    const looped: unknown[] = [];
    looped.push(looped);
    await expect(pair.qmp.execute("qom-set", { path: "/", property: "p", value: looped })).rejects.toBeInstanceOf(TypeError);
    expect(pair.server.received.some((r) => r.command === "blockdev-add" || r.command === "qom-set")).toBe(false);
    expect(await pair.qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("a throwing toJSON rejects the call", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() }, { validate: true });
    await pair.qmp.introspect();
    const bad = {
      toJSON() {
        throw new Error("no JSON for you");
      },
    };
    await expect(pair.qmp.execute("blockdev-add", { driver: "file", filename: bad })).rejects.toThrow("no JSON for you");
  });
});
