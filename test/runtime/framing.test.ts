import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../runtime/errors.js";
import { MessageFramer } from "../../runtime/framing.js";

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

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 });

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
