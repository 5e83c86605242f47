import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { QmpSchema } from "../../runtime/index.js";
import { qemu72Schema } from "../../runtime/testing/index.js";
import { deriveAnnotations, qapiTree } from "../helpers/qapi-annotations.js";

const FIXTURE = new URL("./fixtures/qemu-7.2-annotations.json", import.meta.url);
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as {
  integerWidths: Record<string, string>;
  typeNames: Record<string, string>;
};
const tree = qapiTree("v7.2.0");

describe("integer widths and alternate names for QEMU 7.2 (test fixture)", () => {
  it.runIf(tree !== undefined)("match what QEMU 7.2's QAPI source says", () => {
    const derived = deriveAnnotations(tree as string);
    expect(derived).toEqual(fixture);
  });
  it.skipIf(tree !== undefined)("(skipped: ../shared/qapi/v7.2.0 is absent; set QMP_QAPI_TREES to check the fixture)", () => {});

  it("give QEMU's texts through the committed schema", () => {
    const schema = new QmpSchema(qemu72Schema(), fixture);
    const first = (command: string, args: unknown) => schema.validateArguments(command, args)[0]?.message;
    expect(first("migrate-set-parameters", { "xbzrle-cache-size": "x" })).toBe("Parameter 'xbzrle-cache-size' expects uint64");
    expect(first("block-dirty-bitmap-add", { node: "n", name: "b", granularity: 2 ** 32 })).toBe(
      "Parameter 'granularity' expects uint32_t",
    );
    expect(first("blockdev-add", { driver: "blkdebug", image: "n", "max-transfer": 2 ** 31 })).toBe(
      "Parameter 'max-transfer' expects int32_t",
    );
    expect(first("blockdev-add", { driver: "ssh", path: "p", server: { host: "h", port: "22", to: 70000 } })).toBe(
      "Parameter 'to' expects uint16_t",
    );
    expect(first("blockdev-add", { driver: "raw", file: { driver: "qcow2", file: 5 } })).toBe(
      "Invalid parameter type for 'file', expected: BlockdevRef",
    );
    expect(first("x-blockdev-set-iothread", { "node-name": "n", iothread: 1 })).toBe(
      "Invalid parameter type for 'iothread', expected: StrOrNull",
    );
  });
});
