import { describe, expect, test } from "vitest";
import { QmpTestServer } from "qmpkit/testing";
import { JsonFramer } from "../../runtime/testing/framing.js";
import { formatQmpJson } from "../../runtime/testing/json-format.js";
import { parseQmpJson } from "../../runtime/json-parse.js";
import { RawClient } from "./raw-client.js";

const MESSAGE = Buffer.from('{"execute": "echo", "arguments": {"s": "é€😀 {[\\"}]\'"}, "id": "ü-1"}');

function frames(chunks: Buffer[]): string[] {
  const framer = new JsonFramer();
  return chunks
    .flatMap((c) => framer.push(c))
    .map((f) => (f.kind === "message" ? f.bytes.toString("utf8") : `reset:${f.reason}`));
}

describe("JsonFramer", () => {
  test("splits at every byte position, including inside multi-byte UTF-8", () => {
    for (let i = 0; i <= MESSAGE.length; i++) {
      expect(frames([MESSAGE.subarray(0, i), MESSAGE.subarray(i)])).toEqual([MESSAGE.toString("utf8")]);
    }
  });

  test("one byte at a time, several messages, no newlines needed", () => {
    const input = Buffer.concat([MESSAGE, Buffer.from(" \r\n\t"), MESSAGE, MESSAGE]);
    expect(frames([...input].map((b) => Buffer.from([b])))).toEqual(Array(3).fill(MESSAGE.toString("utf8")));
  });

  test("braces inside strings (both quote kinds, escaped quotes) do not count", () => {
    expect(frames([Buffer.from(`{"a":"}\\"}"}{'b':'}\\'}'}`)])).toEqual([`{"a":"}\\"}"}`, `{'b':'}\\'}'}`]);
  });

  test("bare tokens, stray closers and top-level strings are frames of their own", () => {
    expect(frames([Buffer.from('42 true"s"}[1]nul{')])).toEqual(["42", "true", '"s"', "}", "[1]", "nul"]);
  });

  test("an unbalanced message swallows input until 0xFF resets the lexer", () => {
    const out = frames([Buffer.from('{"execute": garbage\n{"execute":"x"}\n'), Buffer.from([0xff]), Buffer.from('{"a":1}')]);
    expect(out).toEqual(["reset:stray '\uFFFD'", '{"a":1}']);
  });

  test("an oversized message is dropped, not buffered", () => {
    const framer = new JsonFramer(10);
    expect(framer.push(Buffer.from('{"a":"0123456789'))).toMatchObject([{ kind: "reset", reason: "message too big" }]);
    expect(framer.push(Buffer.from(' {"b":1}'))).toMatchObject([{ kind: "message" }]);
  });
});

describe("JSON in and out", () => {
  test("QEMU's layout and escapes", () => {
    expect(
      formatQmpJson({
        a: [1, 'x\u0001\t/"\\é😀\u007f'],
        b: {},
        c: [],
        d: undefined,
        e: 2n ** 64n - 1n,
      }),
    ).toBe('{"a": [1, "x\\u0001\\t/\\"\\\\\\u00E9\\uD83D\\uDE00\\u007F"], "b": {}, "c": [], "e": 18446744073709551615}');
  });

  test("pretty layout like QEMU's pretty=on", () => {
    expect(formatQmpJson({ return: {}, id: [1, {}] }, true, "\r\n")).toBe(
      '{\r\n    "return": {\r\n    },\r\n    "id": [\r\n        1,\r\n        {\r\n        }\r\n    ]\r\n}',
    );
  });

  test("lossless parse", () => {
    expect(parseQmpJson('{"a": 9007199254740993, "b": 9007199254740991, "c": 1.5e300, "d": -0}')).toEqual({
      a: 9007199254740993n,
      b: 9007199254740991,
      c: 1.5e300,
      d: -0,
    });
    expect(parseQmpJson("{'a': ['\\u00e9', \"it's\"]}")).toEqual({
      a: ["é", "it's"],
    });
    expect(() => parseQmpJson('{"__proto__": 1, "x": 12345678901234567}')).not.toThrow();
    expect(Object.hasOwn(parseQmpJson('{"__proto__": {"x": 12345678901234567}}') as object, "__proto__")).toBe(true);
  });
});

describe("server framing", () => {
  test("a command split at every byte over a duplex pair", async () => {
    await using server = new QmpTestServer();
    server.handle("echo", (args) => args["s"]);
    const client = new RawClient(server.connectPair());
    await client.negotiate();
    for (let i = 1; i < MESSAGE.length; i++) {
      client.stream.write(MESSAGE.subarray(0, i));
      await new Promise((r) => setImmediate(r));
      client.stream.write(MESSAGE.subarray(i));
      expect(await client.nextLine()).toBe('{"return": "\\u00E9\\u20AC\\uD83D\\uDE00 {[\\"}]\'", "id": "\\u00FC-1"}');
    }
    expect(server.received.filter((m) => m.command === "echo")).toHaveLength(MESSAGE.length - 1);
  });

  test("invalid UTF-8 and 0xFF give one id-less error each, and the session goes on", async () => {
    await using server = new QmpTestServer();
    const client = new RawClient(server.connectPair());
    await client.negotiate();
    client.stream.write(Buffer.from([...Buffer.from('{"execute":"x","id":"'), 0xc3, 0x28, ...Buffer.from('"}')]));
    expect(await client.next()).toEqual({
      error: {
        class: "GenericError",
        desc: "JSON parse error, invalid escape sequence in string",
      },
    });
    client.send('{"execute": garbage\n{"execute":"query-status"}\n');
    expect(await client.quiet(20)).toBe("");
    client.stream.write(Buffer.from([0xff]));
    expect(await client.next()).toEqual({
      error: {
        class: "GenericError",
        desc: "JSON parse error, stray '\uFFFD'",
      },
    });
    client.send({ execute: "query-status", id: "after" });
    expect(await client.next()).toMatchObject({ id: "after" });
    expect(server.received.filter((m) => m.message === undefined)).toHaveLength(2);
  });

  test("pretty output spans lines and ends with the line ending", async () => {
    await using server = new QmpTestServer({ pretty: true });
    const client = new RawClient(server.connectPair(), "\r\n}\r\n");
    const greeting = await client.nextLine();
    expect(JSON.parse(greeting + "}")).toMatchObject({
      QMP: { capabilities: ["oob"] },
    });
    expect(greeting.startsWith('{\r\n    "QMP": {\r\n        "version": {')).toBe(true);
  });
});
