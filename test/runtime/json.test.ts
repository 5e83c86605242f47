import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseQmpJson } from "../../runtime/json-parse.js";
import { stringifyMessage } from "../../runtime/json-stringify.js";

const unsafe = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).filter((n) => n > 2n ** 53n || n < -(2n ** 53n));
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), unsafe),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("node"), { maxKeys: 4 }),
  ),
})).node;

describe("lossless JSON", () => {
  it("stringifyMessage + parseQmpJson round-trip bigints and every string (property)", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(parseQmpJson(stringifyMessage({ v }))).toEqual({ v });
      }),
    );
  });

  it("stringifyMessage matches JSON.stringify when there is no bigint", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyMessage(v)).toBe(JSON.stringify(v));
      }),
    );
  });

  // Bug: a BigInt.prototype.toJSON polyfill turned outbound bigints into strings.
  it("a BigInt.prototype.toJSON polyfill does not turn bigints into strings", () => {
    const proto = BigInt.prototype as { toJSON?: () => string };
    proto.toJSON = function (this: bigint) {
      return this.toString();
    };
    try {
      expect(stringifyMessage({ size: 18446744073709551615n, list: [1n, -2n] })).toBe(
        '{"size":18446744073709551615,"list":[1,-2]}',
      );
    } finally {
      delete proto.toJSON;
    }
  });
});
