// Regression tests for gaps an acceptance-style pass found against the issue texts.
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ProtocolError, QmpClient, StateError, fdPassingAvailable, type QmpState } from "../../runtime/index.js";
import { QmpTestServer } from "../../runtime/testing/index.js";
import { connectedPair, recordingLogger } from "../helpers/fake.js";
import { tempDir } from "../helpers/qemu.js";

const fdCapable = fdPassingAvailable() || Boolean(process.env["QMP_REQUIRE_QEMU"]);

describe("acceptance fixes", () => {
  it("a rejecting async on() callback is reported, not an unhandled rejection", async () => {
    const logger = recordingLogger();
    await using pair = await connectedPair({}, { logger });
    const seen: string[] = [];
    pair.qmp.on("*", async (event) => {
      throw new Error(`async callback failed for ${event.event}`);
    });
    pair.qmp.on("*", (event) => void seen.push(event.event));
    pair.server.emit("STOP");
    await sleep(20);
    expect(seen).toEqual(["STOP"]);
    expect(logger.warnings.join()).toMatch(/async callback failed for STOP/);
    expect(await pair.qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("addFds on a connection that cannot pass fds sends nothing", async () => {
    await using pair = await connectedPair();
    const before = pair.server.received.length;
    await expect(pair.qmp.addFds([0])).rejects.toBeInstanceOf(StateError);
    expect(pair.server.received.length).toBe(before);
  });

  it("onStateChange reports a protocol failure as the ProtocolError itself", async () => {
    await using pair = await connectedPair();
    const changes: Array<[QmpState, Error | undefined]> = [];
    pair.qmp.onStateChange((state, _previous, error) => changes.push([state, error]));
    pair.server.sendIdlessError();
    await sleep(20);
    expect(changes[0]?.[0]).toBe("idle");
    expect(changes[0]?.[1]).toBeInstanceOf(ProtocolError);
  });

  it("rejects an unknown overflow policy", async () => {
    await using pair = await connectedPair();
    expect(() => pair.qmp.listen(undefined, { overflow: "drop" as never })).toThrow(RangeError);
  });

  it.skipIf(!fdCapable)("a closed fd number is a StateError; fds left by a non-fd command are swept", async () => {
    using dir = tempDir();
    const server = new QmpTestServer();
    const path = join(dir.path, "qmp.sock");
    await server.listen(path); // a plain string path, like the client's targets
    const qmp = new QmpClient();
    await qmp.connect(path);
    const fd = openSync("/dev/null", "r");
    try {
      await expect(qmp.getfd("closed", 987_654)).rejects.toBeInstanceOf(StateError);
      await qmp.execute("query-status", undefined, { fds: [fd] });
      await expect(qmp.execute("getfd", { fdname: "later" })).rejects.toMatchObject({
        desc: "No file descriptor supplied via SCM_RIGHTS",
      });
    } finally {
      closeSync(fd);
      await qmp.disconnect();
      await server.close();
    }
  });

  it("the fake server takes {class, desc} throws, a numeric port, and greeting: null", async () => {
    const server = new QmpTestServer({ greeting: null });
    server.handle("boom", () => {
      throw { class: "DeviceNotFound", desc: "no such device" };
    });
    const address = (await server.listen(0)) as { host: string; port: number };
    const qmp = new QmpClient({ negotiate: false, awaitGreeting: false });
    await qmp.connect({ host: address.host, port: address.port });
    await expect(qmp.execute("boom")).rejects.toMatchObject({ errorClass: "DeviceNotFound", desc: "no such device" });
    await qmp.disconnect();
    await server.close();
  });
});
