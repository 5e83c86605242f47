import { describe, expect, test } from "vitest";
import { QmpTestServer } from "qmpkit/testing";
import { negotiated } from "./raw-client.js";

describe("ids", () => {
  test.each([
    ["a number", "1", "1"],
    ["a string", '"abc"', '"abc"'],
    ["a big integer, exactly", "12345678901234567890", "12345678901234567890"],
    ["uint64 max", "18446744073709551615", "18446744073709551615"],
    ["int64 min", "-9223372036854775808", "-9223372036854775808"],
    ["beyond uint64, as a double like QEMU", "99999999999999999999", "1e+20"],
    ["below int64, as a double like QEMU", "-18446744073709551615", "-1.8446744073709552e+19"],
    ["an object", '{"b":[1,2.5,null,true],"a":"x"}', '{"b": [1, 2.5, null, true], "a": "x"}'],
    ["null", "null", "null"],
    ["a float written as 1.0", "1.0", "1"],
    ["non-ASCII text", '"é😀"', '"\\u00E9\\uD83D\\uDE00"'],
  ])("echoes %s", async (_name, sent, echoed) => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send(`{"execute":"query-status","id":${sent}}`);
    expect(await client.nextLine()).toBe(
      `{"return": {"status": "running", "singlestep": false, "running": true}, "id": ${echoed}}`,
    );
  });

  test("replies without an id when none was sent", async () => {
    await using server = new QmpTestServer();
    const client = await negotiated(server);
    client.send({ execute: "query-status" });
    client.send({ execute: "nope" });
    expect(await client.next()).not.toHaveProperty("id");
    expect(await client.nextLine()).toBe(
      '{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}',
    );
  });

  test("handlers see big ids and arguments as bigint", async () => {
    await using server = new QmpTestServer();
    const seen: unknown[] = [];
    server.handle("echo", (args, ctx) => (seen.push(ctx.id), args));
    const client = await negotiated(server);
    client.send('{"execute":"echo","arguments":{"n":18446744073709551615},"id":12345678901234567890}');
    expect(await client.nextLine()).toBe('{"return": {"n": 18446744073709551615}, "id": 12345678901234567890}');
    expect(seen).toEqual([12345678901234567890n]);
    expect(server.received.at(-1)).toMatchObject({
      command: "echo",
      id: 12345678901234567890n,
      args: { n: 18446744073709551615n },
    });
  });
});
