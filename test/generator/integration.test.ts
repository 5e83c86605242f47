/**
 * The committed qemu-system bindings against a real QEMU 7.2, using only generated functions
 * for commands. Skipped only when QEMU is missing and QMP_REQUIRE_QEMU is unset.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ExecuteError, launchQemu, type LaunchedQemu } from "qmpkit";
import {
  blockdevCreate,
  blockdevDel,
  jobDismiss,
  queryJobs,
  queryStatus,
  RunStateValues,
  queryVersion,
  queryYank,
  type QemuApi,
} from "../../generated/qemu/index.js";
import { describeWith, QEMU, tempDir } from "../helpers/qemu.js";

describeWith(QEMU)("generated bindings against real QEMU", () => {
  let vm: LaunchedQemu<QemuApi>;
  const dir = tempDir();
  beforeAll(async () => {
    vm = await launchQemu<QemuApi>({ binary: QEMU });
  });
  afterAll(async () => {
    await vm?.shutdown();
    dir[Symbol.dispose]();
  });

  it("query-status", async () => {
    const status = await queryStatus(vm.qmp);
    expect(typeof status.running).toBe("boolean");
    expect(RunStateValues).toContain(status.status);
  });

  it("query-version", async () => {
    const version = await queryVersion(vm.qmp);
    expect(version.qemu).toEqual(vm.qmp.greeting?.version.qemu);
  });

  it("blockdev-create runs a job to concluded, job-dismiss removes it", async () => {
    const listener = vm.qmp.listen("JOB_STATUS_CHANGE");
    try {
      const filename = join(dir.path, "disk.img");
      expect(
        await blockdevCreate(vm.qmp, { "job-id": "create0", options: { driver: "file", filename, size: 1 << 20 } }),
      ).toBeUndefined(); // Promise<void>: resolves undefined, not QEMU's {}
      const concluded = await listener.wait({ data: { id: "create0", status: "concluded" } }, { timeout: 10_000 });
      expect(concluded.data).toEqual({ id: "create0", status: "concluded" });
      expect((await queryJobs(vm.qmp)).find((j) => j.id === "create0")?.status).toBe("concluded");
      expect(await jobDismiss(vm.qmp, { id: "create0" })).toBeUndefined();
      expect((await queryJobs(vm.qmp)).find((j) => j.id === "create0")).toBeUndefined();
    } finally {
      listener.close();
    }
  });

  it("an error reply rejects with ExecuteError", async () => {
    const error: unknown = await blockdevDel(vm.qmp, { "node-name": "no-such-node" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecuteError);
    expect((error as ExecuteError).errorClass).toBe("GenericError");
    expect((error as ExecuteError).command).toBe("blockdev-del");
  });

  it("query-yank out-of-band", async () => {
    const instances = await queryYank(vm.qmp, { oob: true });
    expect(Array.isArray(instances)).toBe(true);
  });
});
