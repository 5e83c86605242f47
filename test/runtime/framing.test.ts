import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../runtime/errors.js";
import { MessageFramer, type JsonParser } from "../../runtime/framing.js";
import { parseLosslessJson } from "../../runtime/json-parse.js";
import { referenceRead } from "./json-reference.js";

function frame(chunks: Buffer[], max = 1 << 20): { messages: unknown[]; delimiters: number } {
  const framer = new MessageFramer(max);
  const messages: unknown[] = [];
  let delimiters = 0;
  const sink = { message: (value: unknown) => void messages.push(value), delimiter: () => void delimiters++ };
  for (const chunk of chunks) framer.push(chunk, sink);
  framer.check(sink);
  return { messages, delimiters };
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  chunks.push(bytes.subarray(last));
  return chunks;
}

const jsonObject = fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ stringUnit: "binary", maxDepth: 4 }), {
  maxKeys: 5,
});

/** A stream of valid messages as QEMU (compact or pretty=on) or qemu-ga (`\n`, 0xFF markers) may send it. */
const validStream = fc
  .tuple(
    fc.array(fc.tuple(jsonObject, fc.constantFrom("\r\n", "\n", "", " ", "\r\n\xff")), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
  )
  .map(([items, pretty]) => ({
    objects: items.map(([o]) => JSON.parse(JSON.stringify(o)) as unknown),
    bytes: Buffer.concat(
      items.map(([o, sep]) =>
        Buffer.concat([Buffer.from(JSON.stringify(o, null, pretty ? 2 : undefined)), Buffer.from(sep, "latin1")]),
      ),
    ),
  }));

/** Runs the framer over chunks; `checks[i]` says whether the deferred check runs after chunk i (it always runs at the end). */
function run(
  chunks: Buffer[],
  checks: boolean[] = [],
  parse: JsonParser = JSON.parse,
): { messages: unknown[]; texts: string[]; error?: unknown } {
  const framer = new MessageFramer(1 << 20, parse);
  const messages: unknown[] = [];
  const texts: string[] = [];
  const sink = {
    message: (value: unknown, text: string) => void (messages.push(value), texts.push(text)),
    delimiter: () => {},
  };
  try {
    chunks.forEach((chunk, i) => {
      framer.push(chunk, sink);
      if (checks[i % Math.max(checks.length, 1)] === true) framer.check(sink);
    });
    framer.check(sink);
  } catch (error) {
    return { messages, texts, error };
  }
  return { messages, texts };
}

const byteArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(...[...'{}[]:,"\\ 09eE.+-tfnlu\r\n'].map((c) => c.charCodeAt(0))),
  fc.constantFrom(0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff),
);
const mutationArb = fc.record({ kind: fc.constantFrom("replace", "insert", "delete"), at: fc.nat(), byte: byteArb });

function mutate(bytes: Buffer, mutations: Array<{ kind: string; at: number; byte: number }>): Buffer {
  let out = [...bytes];
  for (const { kind, at, byte } of mutations) {
    const i = at % (out.length + 1);
    if (kind === "insert") out.splice(i, 0, byte);
    else if (i < out.length) out = kind === "delete" ? out.filter((_, j) => j !== i) : out.map((b, j) => (j === i ? byte : b));
  }
  return Buffer.from(out);
}

describe("MessageFramer", () => {
  it("frames \\r\\n, \\n, no separator and pretty output alike", () => {
    const text = '{"a": 1}\r\n{"b": "x}"}\n{"c":{"d":[1,2]}}{\n  "e": "\\"{"\n}\n';
    expect(frame([Buffer.from(text)]).messages).toEqual([{ a: 1 }, { b: "x}" }, { c: { d: [1, 2] } }, { e: '"{' }]);
  });

  it("splits anywhere, including inside multi-byte UTF-8", () => {
    const text = '{"return": "żółw 🐢 \\\\ \\" }{", "id": 1}\r\n{"event": "X", "data": {"s": "ü"}}\r\n';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { messages } = frame([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(messages).toEqual([
        { return: 'żółw 🐢 \\ " }{', id: 1 },
        { event: "X", data: { s: "ü" } },
      ]);
    }
    expect(frame([...bytes].map((b) => Buffer.from([b]))).messages).toHaveLength(2);
  });

  it("recovers every message of any stream, however it is chunked (property)", () => {
    fc.assert(
      fc.property(
        fc.array(jsonObject, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom("\r\n", "\n", "", " "),
        fc.boolean(),
        (objects, cuts, separator, pretty) => {
          const text = objects.map((o) => JSON.stringify(o, null, pretty ? 2 : undefined)).join(separator);
          // Compare with what JSON itself round-trips (-0 becomes 0).
          expect(frame(splitAt(Buffer.from(text), cuts)).messages).toEqual(
            objects.map((o) => JSON.parse(JSON.stringify(o)) as unknown),
          );
        },
      ),
    );
  });

  it("any valid stream, split anywhere, checked at any time, gives the same messages (property)", () => {
    fc.assert(
      fc.property(
        validStream,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.boolean()),
        ({ objects, bytes }, cuts, checks) => {
          const { messages, error } = run(splitAt(bytes, cuts), checks);
          expect(error).toBeUndefined();
          expect(messages).toEqual(objects);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps integers beyond 2^53 exact with the lossless parser, on every path", () => {
    const text = '{"return": 18446744073709551615, "id": 12345678901234567890}\r\n{\n  "return": -9223372036854775808\n}\r\n';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { messages } = run([bytes.subarray(0, cut), bytes.subarray(cut)], [true], parseLosslessJson);
      expect(messages).toEqual([{ return: 18446744073709551615n, id: 12345678901234567890n }, { return: -9223372036854775808n }]);
    }
    // Single quotes are QEMU input syntax, never output: not accepted from a server.
    expect(run([Buffer.from("{'return': 12345678901234567890}\r\n")], [], parseLosslessJson).error).toBeInstanceOf(ProtocolError);
  });

  it("rejects any invalid input at the byte where it becomes invalid, and accepts everything before (property)", () => {
    fc.assert(
      fc.property(
        validStream,
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.boolean()),
        ({ bytes: valid }, mutations, cuts, checks) => {
          const bytes = mutate(valid, mutations);
          const reference = referenceRead(bytes);
          const good = reference.bad ?? bytes.length;
          const expected = reference.messages
            .filter(([, end]) => end <= good)
            .map(([start, end]) => JSON.parse(bytes.subarray(start, end).toString()) as unknown);
          const accepted = run(splitAt(bytes.subarray(0, good), cuts), checks);
          expect(accepted.error).toBeUndefined();
          expect(accepted.messages).toEqual(expected);
          if (reference.bad === undefined) return;
          const rejected = run(splitAt(bytes.subarray(0, good + 1), cuts), checks);
          expect(rejected.error).toBeInstanceOf(ProtocolError);
          expect(rejected.messages).toEqual(expected);
          const start = reference.badMessageStart;
          expect((rejected.error as ProtocolError).message).toMatch(
            start === undefined ? /between messages/ : new RegExp(`at byte ${good - start} of the message$`),
          );
          if (start !== undefined) expect(Buffer.from((rejected.error as ProtocolError).raw).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['{"return": {"a": ]]]]\r\n', 17, /expected a value/],
    ['{"return": {"a": 1]]]]\r\n', 18, /mismatched/],
    ['{{"return": {}}\r\n', 1, /expected a string key/],
    ['{"return": "a\nb"}\r\n', 13, /raw control character byte 0x0a inside a string/],
    ['{"return": "\xc3\x28"}\r\n', 13, /invalid UTF-8/],
    ['{"return": "\xed\xa0\x80"}\r\n', 13, /invalid UTF-8/],
    ['{"return": tru}\r\n', 14, /in 'true'/],
    ['{"return": 01}\r\n', 12, /in a number/],
    ['{"return": [1,]}\r\n', 14, /expected a value/],
    ['{"return": {} "id": 1}\r\n', 14, /expected ','/],
    ["{'return': 1}\r\n", 1, /expected a string key/],
  ])("rejects %j at byte %i, before any newline arrives", (text, offset, reason) => {
    const bytes = Buffer.from(text, "latin1");
    // Without the line end, and with nothing after the bad byte: the deferred check finds it.
    const { error } = run([bytes.subarray(0, offset + 1)]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(reason);
    expect((error as ProtocolError).message).toMatch(`at byte ${offset} of the message`);
    expect((error as ProtocolError).raw).toBe(bytes.subarray(0, offset + 1).toString());
    // With the whole line at once: the fast path's parse fails and the scanner says where.
    expect((run([bytes]).error as ProtocolError).message).toMatch(`at byte ${offset} of the message`);
  });

  it("rejects a non-object at top level", () => {
    expect((run([Buffer.from('"return"\r\n')]).error as ProtocolError).message).toMatch(/between messages/);
    expect((run([Buffer.from("[1]\r\n")]).error as ProtocolError).message).toMatch(/between messages/);
  });

  it("never throws anything but ProtocolError on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const framer = new MessageFramer(256);
        const sink = { message: () => {}, delimiter: () => {} };
        try {
          for (const chunk of chunks) framer.push(Buffer.from(chunk), sink);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it("reports qemu-ga's 0xFF delimiter between messages", () => {
    const { messages, delimiters } = frame([Buffer.from([0xff]), Buffer.from('{"return": 1}\n')]);
    expect(delimiters).toBe(1);
    expect(messages).toEqual([{ return: 1 }]);
  });

  it("rejects garbage between messages with the raw bytes", () => {
    const error = (() => {
      try {
        frame([Buffer.from('{"a":1}\nnot json')]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).raw).toBe("not json");
  });

  it("bounds memory: an oversized message is a ProtocolError, also when it never ends", () => {
    expect(() => frame([Buffer.from(`{"return": "${"x".repeat(100)}"}`)], 64)).toThrow(/maxMessageBytes/);
    const framer = new MessageFramer(1000);
    const sink = { message: () => {}, delimiter: () => {} };
    framer.push(Buffer.from('{"return": "'), sink);
    expect(() => {
      for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(100, 0x61), sink);
    }).toThrow(ProtocolError);
    expect(framer.midMessage).toBe(false);
  });
});
