import { describe, expect, it } from "vitest";
import { QmpSchema, UNCHECKED_ARGUMENT_COMMANDS } from "../../runtime/index.js";
import { qemu72Schema } from "../../runtime/testing/index.js";

// Facts from QEMU 7.2's QAPI source that introspection does not carry.
const integerWidths = {
  "migrate-set-parameters/arg-type/downtime-limit": "uint64",
  "migrate-set-parameters/arg-type/max-bandwidth": "size",
  "migrate-set-parameters/arg-type/compress-level": "uint8",
  "migrate-set-parameters/arg-type/x-checkpoint-delay": "uint32",
  "migrate-set-parameters/arg-type/announce-rounds": "size",
  "block-latency-histogram-set/arg-type/boundaries": "uint64",
};
const typeNames = {
  "migrate-set-parameters/arg-type/tls-creds": "StrOrNull",
  "block-dirty-bitmap-merge/arg-type/bitmaps": "BlockDirtyBitmapOrStr",
  "blockdev-add/arg-type/+qcow2/file": "BlockdevRef",
};

/** [command, arguments, QEMU 7.2's first message or null when QEMU's argument checks pass]. Texts measured on QEMU 7.2. */
const CASES: readonly (readonly [string, unknown, string | null])[] = [
  ["query-status", undefined, null],
  ["query-status", {}, null],
  ["query-status", { a: 1 }, "Parameter 'a' is unexpected"],
  ["query-status", 5, "QMP input member 'arguments' must be an object"],
  ["query-status", null, "QMP input member 'arguments' must be an object"],
  ["query-status", [], "QMP input member 'arguments' must be an object"],
  ["nope", {}, "The command nope has not been found"],
  ["blockdev-add", {}, "Parameter 'driver' is missing"],
  ["blockdev-add", { driver: "file" }, "Parameter 'filename' is missing"],
  ["blockdev-add", { driver: "fil" }, "Parameter 'driver' does not accept value 'fil'"],
  ["blockdev-add", { driver: 5 }, "Invalid parameter type for 'driver', expected: string"],
  ["blockdev-add", { driver: "file", filename: "/x", aio: "bogus" }, "Parameter 'aio' does not accept value 'bogus'"],
  ["blockdev-add", { driver: "file", filename: 7 }, "Invalid parameter type for 'filename', expected: string"],
  [
    "blockdev-add",
    { driver: "file", "node-name": null, filename: "x" },
    "Invalid parameter type for 'node-name', expected: string",
  ],
  [
    "blockdev-add",
    { driver: "file", filename: "x", cache: { direct: 1 } },
    "Invalid parameter type for 'cache.direct', expected: boolean",
  ],
  ["blockdev-add", { driver: "file", filename: "x", cache: 1 }, "Invalid parameter type for 'cache', expected: object"],
  ["blockdev-add", { driver: "file", filename: "x", cache: { bogus: 1 } }, "Parameter 'cache.bogus' is unexpected"],
  ["blockdev-add", { driver: "file", filename: "x", bogus: 1 }, "Parameter 'bogus' is unexpected"],
  // missing before unexpected, in member order
  ["blockdev-add", { bogus: 1, driver: "file" }, "Parameter 'filename' is missing"],
  [
    "blockdev-add",
    { driver: "qcow2", "node-name": "a", file: { driver: "fil" } },
    "Parameter 'driver' does not accept value 'fil'",
  ],
  ["blockdev-add", { driver: "qcow2", "node-name": "a", file: 5 }, "Invalid parameter type for 'file', expected: BlockdevRef"],
  ["blockdev-add", { driver: "qcow2", "node-name": "a", file: { driver: "file" } }, "Parameter 'file.filename' is missing"],
  ["blockdev-add", { driver: "qcow2", "node-name": "a", file: "some-node" }, null],
  ["blockdev-add", { driver: "null-co", size: 1.5 }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: 2n ** 63n }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: 2 ** 63 }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: 1e21 }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: -(2n ** 63n) }, null],
  ["blockdev-add", { driver: "null-co", size: -(2 ** 63) }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: 1.0 }, null],
  ["blockdev-add", { driver: "null-co", size: Number.NaN }, "Invalid parameter type for 'size', expected: integer"],
  ["blockdev-add", { driver: "null-co", size: undefined }, null],
  [
    "block-dirty-bitmap-merge",
    { node: "x", target: "y", bitmaps: ["a", 5] },
    "Invalid parameter type for 'null', expected: BlockDirtyBitmapOrStr",
  ],
  [
    "block-dirty-bitmap-merge",
    { node: "x", target: "y", bitmaps: ["a", { node: "a" }] },
    "Parameter 'bitmaps[1].name' is missing",
  ],
  [
    "block-dirty-bitmap-merge",
    { node: "x", target: "y", bitmaps: ["a", { node: "a", name: "b", c: 1 }] },
    "Parameter 'bitmaps[1].c' is unexpected",
  ],
  ["block-dirty-bitmap-merge", { node: "x", target: "y", bitmaps: "a" }, "Invalid parameter type for 'bitmaps', expected: array"],
  ["migrate-set-parameters", { "downtime-limit": "x" }, "Parameter 'downtime-limit' expects uint64"],
  ["migrate-set-parameters", { "downtime-limit": 1.5 }, "Parameter 'downtime-limit' expects uint64"],
  ["migrate-set-parameters", { "downtime-limit": 2n ** 64n }, "Parameter 'downtime-limit' expects uint64"],
  ["migrate-set-parameters", { "downtime-limit": -1 }, null],
  ["migrate-set-parameters", { "downtime-limit": 2n ** 64n - 1n }, null],
  ["migrate-set-parameters", { "max-bandwidth": "x" }, "Parameter 'max-bandwidth' expects uint64"],
  ["migrate-set-parameters", { "max-bandwidth": -1 }, null],
  ["migrate-set-parameters", { "compress-level": 300 }, "Parameter 'compress-level' expects uint8_t"],
  ["migrate-set-parameters", { "compress-level": -1 }, "Parameter 'compress-level' expects uint8_t"],
  ["migrate-set-parameters", { "compress-level": "x" }, "Parameter 'compress-level' expects uint64"],
  ["migrate-set-parameters", { "compress-level": 255 }, null],
  ["migrate-set-parameters", { "x-checkpoint-delay": 5000000000 }, "Parameter 'x-checkpoint-delay' expects uint32_t"],
  ["migrate-set-parameters", { "x-checkpoint-delay": -1 }, "Parameter 'x-checkpoint-delay' expects uint32_t"],
  ["migrate-set-parameters", { "tls-creds": 5 }, "Invalid parameter type for 'tls-creds', expected: StrOrNull"],
  ["migrate-set-parameters", { "tls-creds": null }, null],
  ["migrate-set-parameters", { "multifd-compression": "bogus" }, "Parameter 'multifd-compression' does not accept value 'bogus'"],
  ["migrate-set-parameters", { "block-bitmap-mapping": 5 }, "Invalid parameter type for 'block-bitmap-mapping', expected: array"],
  [
    "migrate-set-parameters",
    {
      "block-bitmap-mapping": [
        { "node-name": "a", alias: "b", bitmaps: [{ name: "x", alias: "y" }] },
        { "node-name": "a", alias: "b", bitmaps: [{ name: "x", alias: "y", transform: { persistent: 1 } }] },
      ],
    },
    "Invalid parameter type for 'block-bitmap-mapping[1].bitmaps[0].transform.persistent', expected: boolean",
  ],
  [
    "migrate-set-parameters",
    { "block-bitmap-mapping": [{ "node-name": "a", alias: "b", bitmaps: [5] }] },
    "Invalid parameter type for 'block-bitmap-mapping[0].bitmaps[0]', expected: object",
  ],
  ["device_add", {}, "Parameter 'driver' is missing"],
  ["device_add", { id: 5 }, "Parameter 'driver' is missing"],
  ["device_add", { driver: 5 }, null],
  ["device_add", { driver: null }, "Parameter 'driver' is missing"],
  ["device_add", { driver: { a: 1 } }, "Parameter 'driver' is missing"],
  ["device_add", { driver: "nope", zzz: 5, bus: 1 }, null],
];

describe("QmpSchema.validateArguments (QEMU 7.2 texts)", () => {
  const schema = new QmpSchema(qemu72Schema(), { integerWidths, typeNames });

  const titled = CASES.map(([command, args, expected]) => [`${command} ${show(args)}`, command, args, expected] as const);
  it.each(titled)("%s", (_title, command, args, expected) => {
    const issues = schema.validateArguments(command, args);
    if (expected === null) expect(issues).toEqual([]);
    else expect(issues[0]?.message).toBe(expected);
  });

  it("reports every issue in QEMU's order, with paths and expected types", () => {
    const issues = schema.validateArguments("blockdev-add", { bogus: 1, driver: "file", cache: { direct: "x" }, aio: "y" });
    expect(issues).toEqual([
      { path: "cache.direct", message: "Invalid parameter type for 'cache.direct', expected: boolean", type: "bool" },
      { path: "filename", message: "Parameter 'filename' is missing", type: "str" },
      { path: "aio", message: "Parameter 'aio' does not accept value 'y'", type: expect.any(String) },
      { path: "bogus", message: "Parameter 'bogus' is unexpected" },
    ]);
    const aioType = schema.type(issues[2]?.type ?? "");
    expect(aioType?.["meta-type"] === "enum" && aioType.values).toContain("threads");
  });

  it("without widths every integer is an int", () => {
    const plain = new QmpSchema(qemu72Schema(), { integerWidths: {}, typeNames: {} });
    expect(plain.validateArguments("migrate-set-parameters", { "downtime-limit": "x" })[0]?.message).toBe(
      "Invalid parameter type for 'downtime-limit', expected: integer",
    );
    expect(plain.validateArguments("migrate-set-parameters", { "compress-level": 300 })).toEqual([]);
    // the alternate is named by its masked name when its QAPI name is unknown
    const [issue] = plain.validateArguments("migrate-set-parameters", { "tls-creds": 5 });
    expect(issue?.message).toBe(`Invalid parameter type for 'tls-creds', expected: ${issue?.type}`);
  });

  it("looks through arrays and union branches for widths", () => {
    const widths = new QmpSchema(qemu72Schema(), {
      integerWidths: {
        "block-latency-histogram-set/arg-type/boundaries": "uint8",
        "blockdev-add/arg-type/+null-co/size": "uint16",
      },
    });
    expect(widths.validateArguments("block-latency-histogram-set", { id: "x", boundaries: [1, 256] })[0]?.message).toBe(
      "Parameter 'null' expects uint8_t",
    );
    expect(widths.validateArguments("blockdev-add", { driver: "null-co", size: 70000 })[0]?.message).toBe(
      "Parameter 'size' expects uint16_t",
    );
    expect(() => new QmpSchema(qemu72Schema(), { integerWidths: { "a/b": "uint128" } })).toThrow(TypeError);
    // keys another build has and this one lacks are ignored
    expect(() => new QmpSchema(qemu72Schema(), { integerWidths: { "no-such/arg-type/x": "uint8" } })).not.toThrow();
  });

  it("judges values as they will be serialised", () => {
    const date = new Date(0);
    expect(schema.validateArguments("blockdev-add", { driver: "file", filename: date })).toEqual([]);
    expect(schema.validateArguments("blockdev-add", { driver: "file", filename: () => 1 })[0]?.message).toBe(
      "Parameter 'filename' is missing",
    );
    expect(
      schema.validateArguments("block-dirty-bitmap-merge", { node: "x", target: "y", bitmaps: [undefined] })[0]?.message,
    ).toBe("Invalid parameter type for 'null', expected: BlockDirtyBitmapOrStr");
    // only own enumerable members are serialised
    const hidden = Object.defineProperty({ driver: "file" }, "filename", { value: "/x", enumerable: false });
    expect(schema.validateArguments("blockdev-add", hidden)[0]?.message).toBe("Parameter 'filename' is missing");
    const inherited = Object.assign(Object.create({ filename: "/x" }) as object, { driver: "file" });
    expect(schema.validateArguments("blockdev-add", inherited)[0]?.message).toBe("Parameter 'filename' is missing");
  });

  it("names the first of a huge set of unexpected members as QEMU does (GLib tables beyond 2^17 buckets)", () => {
    // 150,000 keys need a GLib table of shift 18; QEMU 7.2 answers 'k104568' (measured).
    const members: Record<string, number> = {};
    for (let i = 0; i < 150_000; i++) members[`k${i}`] = i;
    const issues = schema.validateArguments("query-status", members);
    expect(issues).toHaveLength(150_000);
    expect(issues[0]?.message).toBe("Parameter 'k104568' is unexpected");
  }, 30_000);

  it("refuses nesting beyond QEMU's parser limit and never exhausts the stack", () => {
    // QEMU 7.2 counts the message's braces too: 1,024 open containers at most (measured).
    const nestedArrays = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));
    const qomSet = (value: unknown) => schema.validateArguments("qom-set", { path: "/machine", property: "x", value });
    expect(qomSet(nestedArrays(1022))).toEqual([]);
    expect(qomSet(nestedArrays(1023))).toEqual([{ path: "", message: "JSON nesting depth limit exceeded" }]);
    let chain: unknown = "base";
    for (let i = 0; i < 1023; i++) chain = { driver: "qcow2", file: chain };
    const deeper = { driver: "qcow2", file: chain };
    expect(schema.validateArguments("blockdev-add", deeper)[0]?.message).toBe("JSON nesting depth limit exceeded");
    let huge: unknown = "base";
    for (let i = 0; i < 50_000; i++) huge = { driver: "qcow2", file: huge };
    expect(schema.validateArguments("blockdev-add", huge)[0]?.message).toBe("JSON nesting depth limit exceeded");
    // within QEMU's limit: an answer, or a clear RangeError when this stack cannot walk that deep
    try {
      expect(schema.validateArguments("blockdev-add", chain)).toEqual([]);
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/nested too deep to validate/);
    }
    // a circular value is not followed (serialising it fails anyway)
    const circular: Record<string, unknown> = { path: "/machine", property: "x" };
    circular["value"] = circular;
    expect(schema.validateArguments("qom-set", circular)).toEqual([]);
  });

  it("documents the commands QEMU does not check", () => {
    expect(Object.keys(UNCHECKED_ARGUMENT_COMMANDS)).toEqual(["device_add"]);
  });
});

function show(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? `${item}n` : item)) ?? "undefined";
}
