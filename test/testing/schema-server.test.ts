import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExecuteError, QmpSchema } from "../../runtime/index.js";
import { QmpTestServer, qemu72Schema, qemu72SchemaOptions, qsd72Schema } from "../../runtime/testing/index.js";
import { connectedPair } from "../helpers/fake.js";

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as ExecuteError,
  );

describe("QmpTestServer({ schema })", () => {
  const dir = mkdtempSync(join(tmpdir(), "qmpkit-schema-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("survives arguments nested as deep as QEMU accepts, and refuses deeper ones with QEMU's text", async () => {
    const calls: unknown[] = [];
    await using pair = await connectedPair({
      schema: qemu72Schema(),
      handlers: { "blockdev-add": () => void calls.push(1) },
    });
    let chain: unknown = "base";
    for (let i = 0; i < 1023; i++) chain = { driver: "qcow2", file: chain };
    await pair.qmp.execute("blockdev-add", chain as Record<string, unknown>); // 1,024 levels with the message
    expect(calls).toEqual([1]);
    const error = await failure(pair.qmp.execute("blockdev-add", { driver: "qcow2", file: chain }));
    expect(error).toMatchObject({ errorClass: "GenericError", desc: "JSON nesting depth limit exceeded" });
    expect(calls).toEqual([1]);
  });

  it("answers wrong arguments with QEMU's GenericError text and never runs the handler", async () => {
    const calls: unknown[] = [];
    await using pair = await connectedPair({
      schema: qemu72Schema(),
      handlers: { "blockdev-add": (args) => void calls.push(args) },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ driver: "file" }, "Parameter 'filename' is missing"],
      [{ driver: "fil" }, "Parameter 'driver' does not accept value 'fil'"],
      [{ driver: "file", filename: "x", cache: { direct: 1 } }, "Invalid parameter type for 'cache.direct', expected: boolean"],
      [{ driver: "qcow2", file: { driver: "file" } }, "Parameter 'file.filename' is missing"],
      [{ driver: "null-co", size: 2n ** 63n }, "Invalid parameter type for 'size', expected: integer"],
      [{ driver: "file", filename: "x", a: 1, b: 2 }, "Parameter 'b' is unexpected"],
    ];
    for (const [args, desc] of cases) {
      const error = await failure(pair.qmp.execute("blockdev-add", args));
      expect(error).toBeInstanceOf(ExecuteError);
      expect(error).toMatchObject({ errorClass: "GenericError", desc });
    }
    expect(calls).toEqual([]);
    await pair.qmp.execute("blockdev-add", { driver: "file", filename: "/x", "node-name": "n" });
    expect(calls).toEqual([{ driver: "file", filename: "/x", "node-name": "n" }]);
  });

  it("uses QEMU 7.2's integer widths and alternate names by default", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema(), handlers: { "migrate-set-parameters": () => ({}) } });
    const texts = [
      [{ "downtime-limit": "x" }, "Parameter 'downtime-limit' expects uint64"],
      [{ "compress-level": 256 }, "Parameter 'compress-level' expects uint8_t"],
      [{ "tls-creds": 5 }, "Invalid parameter type for 'tls-creds', expected: StrOrNull"],
    ] as const;
    for (const [args, desc] of texts) {
      expect(await failure(pair.qmp.execute("migrate-set-parameters", args))).toMatchObject({ desc });
    }
    expect(await pair.qmp.execute("migrate-set-parameters", { "downtime-limit": -1 })).toEqual({});
    expect(Object.keys(qemu72SchemaOptions().integerWidths ?? {}).length).toBeGreaterThan(100);
  });

  it("introspect() and validate: true give QEMU's exact texts with no options (qemu and qsd)", async () => {
    for (const schema of [qemu72Schema(), qsd72Schema()]) {
      await using pair = await connectedPair({ schema, handlers: { "blockdev-add": () => ({}) } }, { validate: true });
      const ssh = { driver: "ssh", path: "p", server: { host: "h", port: "22", to: 70000 } };
      const error = await failure(pair.qmp.execute("blockdev-add", ssh));
      expect(error).toMatchObject({ code: "QMP_ARGUMENTS", message: expect.stringMatching(/^Parameter 'to' expects uint16_t/) });
      const live = await pair.qmp.introspect();
      expect(live.validateArguments("x-blockdev-set-iothread", { "node-name": "n", iothread: 1 })[0]?.message).toBe(
        "Invalid parameter type for 'iothread', expected: StrOrNull",
      );
      expect(pair.server.received.map((r) => r.command)).not.toContain("blockdev-add");
    }
  });

  it("gives CommandNotFound for commands the schema lacks, even with a handler", async () => {
    await using pair = await connectedPair({ schema: qsd72Schema(), handlers: { "x-custom": () => 1 } });
    expect(await failure(pair.qmp.execute("x-custom"))).toMatchObject({
      errorClass: "CommandNotFound",
      desc: "The command x-custom has not been found",
    });
    // qemu-storage-daemon has no run state commands
    expect(await failure(pair.qmp.execute("stop"))).toMatchObject({ errorClass: "CommandNotFound" });
    expect(await pair.qmp.execute("query-version")).toMatchObject({ qemu: { major: 7 } });
  });

  it("says so when a valid command has no handler", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    expect(await failure(pair.qmp.execute("query-block"))).toMatchObject({
      errorClass: "GenericError",
      desc: "QmpTestServer has no handler for query-block",
    });
  });

  it("answers query-qmp-schema and lists the schema's commands", async () => {
    await using pair = await connectedPair({ schema: qemu72Schema() });
    expect(await pair.qmp.execute("query-qmp-schema")).toEqual(qemu72Schema());
    const commands = (await pair.qmp.execute("query-commands")) as { name: string }[];
    expect(commands).toHaveLength(216);
    expect((await pair.qmp.introspect()).hasCommand("blockdev-add")).toBe(true);
  });

  it("reads the schema from a { return } reply, a file, or a QmpSchema", async () => {
    const file = join(dir, "schema.json");
    writeFileSync(file, JSON.stringify({ return: qemu72Schema() }));
    const widths = { integerWidths: { "migrate-set-parameters/arg-type/compress-level": "uint8" } };
    for (const schema of [{ return: qemu72Schema() }, file, new QmpSchema(qemu72Schema(), widths)]) {
      await using pair = await connectedPair({
        schema,
        schemaOptions: widths,
        handlers: { "migrate-set-parameters": () => ({}) },
      });
      expect(await failure(pair.qmp.execute("migrate-set-parameters", { "compress-level": 300 }))).toMatchObject({
        desc: "Parameter 'compress-level' expects uint8_t",
      });
      expect(await pair.qmp.execute("migrate-set-parameters", { "compress-level": 3 })).toEqual({});
    }
    expect(() => new QmpTestServer({ schema: join(dir, "missing.json") })).toThrow(TypeError);
    expect(() => new QmpTestServer({ schema: { return: 5 } as never })).toThrow(TypeError);
  });

  it("keeps negotiation as before", async () => {
    await using server = new QmpTestServer({ schema: qemu72Schema() });
    await using pair = await connectedPair({ schema: qemu72Schema() });
    expect(server.schema?.hasCommand("qmp_capabilities")).toBe(true);
    expect(await failure(pair.qmp.execute("qmp_capabilities"))).toMatchObject({ errorClass: "CommandNotFound" });
  });

  it("without a schema checks nothing (as before)", async () => {
    await using pair = await connectedPair({ handlers: { "blockdev-add": () => ({ ok: 1 }) } });
    expect(await pair.qmp.execute("blockdev-add", { anything: 1 })).toEqual({ ok: 1 });
    expect(await failure(pair.qmp.execute("query-qmp-schema"))).toMatchObject({ errorClass: "CommandNotFound" });
  });
});
