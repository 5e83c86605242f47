import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { ByteRecordWriter } from "../../runtime/byte-record-writer.js";
import { ConnectError, QmpClient } from "../../runtime/index.js";
import { QmpTestServer } from "../../runtime/testing/index.js";
import { tempDir } from "../helpers/qemu.js";

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasOpenssl)("TLS transport", () => {
  it("connects over TLS with the caller's options, and fails verification as ConnectError", async () => {
    using dir = tempDir();
    const key = join(dir.path, "key.pem");
    const cert = join(dir.path, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=localhost", "-days", "1"],
      {
        stdio: "ignore",
      },
    );
    const server = new QmpTestServer();
    const tlsServer = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => server.attach(socket));
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    const { port } = tlsServer.address() as AddressInfo;
    try {
      const qmp = new QmpClient();
      await qmp.connect({ host: "127.0.0.1", port, tls: { ca: readFileSync(cert), servername: "localhost" } }, { timeout: 5000 });
      expect(qmp.transport).toBe("tls");
      expect(await qmp.execute("query-status")).toMatchObject({ running: true });
      await qmp.disconnect();

      const untrusted = await new QmpClient()
        .connect({ host: "127.0.0.1", port, tls: {} }, { timeout: 5000 })
        .catch((e: unknown) => e);
      expect(untrusted).toBeInstanceOf(ConnectError);
      expect((untrusted as ConnectError).cause).toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    } finally {
      await server.close();
      tlsServer.close();
    }
  });
});

describe("TLS byte records", () => {
  // Bug: writes queued in ByteRecordWriter were never reported when the stream died.
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
});
