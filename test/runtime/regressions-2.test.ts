// Regression tests for the second review of the runtime: each failed before its fix.
import { Duplex } from "node:stream";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ByteRecordWriter } from "../../runtime/byte-record-writer.js";
import { stringifyMessage } from "../../runtime/json-stringify.js";
import { ConnectError, QmpClient, fdPassingAvailable } from "../../runtime/index.js";
import { QmpTestServer } from "../../runtime/testing/index.js";
import { connectedPair } from "../helpers/fake.js";
import { tempDir } from "../helpers/qemu.js";

const fdCapable = fdPassingAvailable() || Boolean(process.env["QMP_REQUIRE_QEMU"]);

describe("second review", () => {
  it("an iteration pending when the user disconnects ends cleanly (also after quit)", async () => {
    for (const end of ["disconnect", "quit"] as const) {
      await using pair = await connectedPair();
      const listener = pair.qmp.listen();
      const iterating = (async () => {
        for await (const _event of listener) void _event;
        return "ended";
      })();
      await sleep(5);
      if (end === "disconnect") await pair.qmp.disconnect();
      else await pair.qmp.execute("quit");
      expect(await iterating).toBe("ended");
    }
  });

  it("quit sent with noReply still makes the end of the connection expected", async () => {
    await using pair = await connectedPair();
    const errors: Array<Error | undefined> = [];
    pair.qmp.onStateChange((_state, _previous, error) => errors.push(error));
    await pair.qmp.execute("quit", undefined, { noReply: true });
    await sleep(20);
    expect(pair.qmp.state).toBe("idle");
    expect(errors).toEqual([undefined]);
  });

  it.skipIf(!fdCapable)(
    "a connection that closes right after negotiation never leaves the client running without a session",
    async () => {
      using dir = tempDir();
      const server = new QmpTestServer();
      server.handle("qmp_capabilities", (_args, ctx) => {
        ctx.afterReply(() => ctx.end());
        return {};
      });
      const path = join(dir.path, "qmp.sock");
      await server.listen({ path });
      for (let i = 0; i < 5; i++) {
        const qmp = new QmpClient();
        const outcome = await qmp.connect(path).then(
          () => "connected",
          (error: unknown) => error,
        );
        await sleep(20);
        if (outcome !== "connected") expect(outcome).toBeInstanceOf(ConnectError);
        expect(qmp.state).toBe("idle");
        await qmp.disconnect();
      }
      await server.close();
    },
  );

  it.skipIf(!fdCapable)("accept and connect work with abstract socket names", async () => {
    const name = `\0qmpkit-test-${process.pid}-${Date.now()}`;
    const server = new QmpTestServer();
    const qmp = new QmpClient();
    await qmp.accept(name, { timeout: 2000, onListening: () => server.connectTo({ path: name }) });
    expect(await qmp.execute("query-status")).toMatchObject({ running: true });
    await qmp.disconnect();
    await server.close();
  });

  it("ByteRecordWriter reports every queued write when the stream dies or is already dead", async () => {
    // A peer that never acknowledges: the first byte stays in flight until the stream dies.
    const stream = new Duplex({ read() {}, write() {} });
    const writer = new ByteRecordWriter(stream);
    const results: Array<Error | null | undefined> = [];
    writer.write("x".repeat(1000), (error) => results.push(error));
    writer.write("y", (error) => results.push(error));
    await sleep(1);
    stream.destroy();
    await sleep(5);
    writer.write("z", (error) => results.push(error));
    await sleep(5);
    expect(results).toHaveLength(3);
    for (const error of results) expect(error).toBeInstanceOf(Error);
  });

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
