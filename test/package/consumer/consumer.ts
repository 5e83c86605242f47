// A user's TypeScript file, compiled by install.test.ts with tsc against the installed package
// (node_modules/qmpkit), with strict settings and declaration files checked (skipLibCheck off).
import { ExecuteError, QmpClient, StateError, fdPassingAvailable, launchQemu, type QmpEvent } from "qmpkit";
import { QmpTestServer } from "qmpkit/testing";
import { blockdevCreate, queryStatus, type QemuApi } from "qmpkit/qemu";
import type { QsdApi } from "qmpkit/qsd";
import type { QemuApi as LiveApi } from "./gen/index.js";

export async function status(): Promise<string> {
  await using vm = await launchQemu<QemuApi>();
  const { status } = await queryStatus(vm.qmp);
  // @ts-expect-error: not a command of QEMU 7.2
  await vm.qmp.execute("no-such-command");
  // @ts-expect-error: size is a number
  await blockdevCreate(vm.qmp, { "job-id": "j", options: { driver: "file", filename: "/x", size: "big" } });
  return status;
}

export async function live(path: string): Promise<boolean> {
  const qmp = new QmpClient<LiveApi>();
  await qmp.connect(path);
  const running: boolean = (await qmp.execute("query-status")).running;
  using stops = qmp.listen("STOP");
  const stop: QmpEvent = await stops.wait(undefined, { timeout: 10 });
  void stop;
  await qmp.disconnect();
  return running;
}

export async function fake(): Promise<void> {
  const server = new QmpTestServer();
  const storage = new QmpClient<QsdApi>();
  await storage.connect(server.connectPair());
  try {
    await storage.execute("query-block-jobs");
  } catch (error) {
    if (error instanceof ExecuteError) console.log(error.errorClass);
    if (error instanceof StateError) console.log(error.code, fdPassingAvailable());
  }
  await server.close();
}
