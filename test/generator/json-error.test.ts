/**
 * The JSON syntax-error locator agrees with JSON.parse on validity and says where.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "../../generator/json-error.js";

describe("findJsonSyntaxError", () => {
  it.each([
    ['[\n{"name": }\n]', 2, 10, 'unexpected "}"'],
    ["[1, 2,]", 1, 7, 'unexpected "]"'],
    ['{"a" 1}', 1, 6, 'unexpected "1", expected ":"'],
    ["", 1, 1, "unexpected end of input"],
    ["[1] x", 1, 5, 'unexpected "x" after the end of the JSON value'],
    ['["\\q"]', 1, 3, "invalid escape in string"],
    ["[01]", 1, 3, 'unexpected "1", expected "," or "]"'],
  ])("%j → %i:%i %s", (text, line, column, message) => {
    expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it("accepts exactly what JSON.parse accepts", () => {
    const valid = fc.json();
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", "}", "]", ",", ":", '"', "x", "-", "\\", "0"))
      .map(([t, n, c]) => {
        const at = n % (t.length + 1);
        return t.slice(0, at) + c + t.slice(at + 1);
      });
    fc.assert(
      fc.property(fc.oneof(valid, mutated), (text) => {
        let ok = true;
        try {
          JSON.parse(text);
        } catch {
          ok = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });
});
