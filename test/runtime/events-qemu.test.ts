import { join } from "node:path";
import { expect, it } from "vitest";
import { DisconnectedError, type QmpEvent } from "../../runtime/index.js";
import { QEMU, qemuPerTest, describeWith, tempDir } from "../helpers/qemu.js";

const start = qemuPerTest();

type JobEvent = QmpEvent<string, { id: string; status: string }>;

async function statusesUntil(listener: AsyncIterable<QmpEvent>, jobId: string, last: string): Promise<string[]> {
  const statuses: string[] = [];
  for await (const event of listener as AsyncIterable<JobEvent>) {
    if (event.data.id !== jobId) continue;
    statuses.push(event.data.status);
    if (event.data.status === last) break;
  }
  return statuses;
}

describeWith(QEMU)("real QEMU: events", () => {
  it("delivers STOP and RESUME to two independent listeners", async () => {
    const vm = await start();
    using first = vm.qmp.listen(["STOP", "RESUME"]);
    using second = vm.qmp.listen();
    const seen: string[] = [];
    const off = vm.qmp.on("*", (event) => seen.push(event.event));
    await vm.qmp.execute("stop");
    await vm.qmp.execute("cont");
    expect((await first.wait()).event).toBe("STOP");
    expect((await first.wait()).event).toBe("RESUME");
    expect((await second.wait({ event: "RESUME" })).event).toBe("RESUME");
    expect(seen).toEqual(["STOP", "RESUME"]);
    off();
  });

  it("follows a blockdev-create job to concluded with executeUntil, then dismisses it", async () => {
    using dir = tempDir();
    const vm = await start();
    using all = vm.qmp.listen("JOB_STATUS_CHANGE");
    const { result, event } = await vm.qmp.executeUntil(
      "blockdev-create",
      { "job-id": "job0", options: { driver: "file", filename: join(dir.path, "disk.raw"), size: 1048576 } },
      "JOB_STATUS_CHANGE",
      { data: { id: "job0", status: "concluded" } },
      { timeout: 10_000 },
    );
    expect(result).toEqual({});
    expect(event).toMatchObject({ event: "JOB_STATUS_CHANGE", data: { id: "job0", status: "concluded" } });
    expect(await statusesUntil(all, "job0", "concluded")).toEqual(["created", "running", "waiting", "pending", "concluded"]);
    await vm.qmp.execute("job-dismiss", { id: "job0" });
    expect(await all.wait({ data: { id: "job0" } }, { timeout: 5000 })).toMatchObject({ data: { status: "null" } });
  });

  it("observes a failing job as aborting then concluded", async () => {
    using dir = tempDir();
    const vm = await start();
    using jobs = vm.qmp.listen("JOB_STATUS_CHANGE");
    await vm.qmp.execute("blockdev-create", {
      "job-id": "bad",
      options: { driver: "file", filename: join(dir.path, "no", "such", "dir", "disk.raw"), size: 1048576 },
    });
    const statuses = await statusesUntil(jobs, "bad", "concluded");
    expect(statuses.slice(-2)).toEqual(["aborting", "concluded"]);
    const [job] = (await vm.qmp.execute("query-jobs")) as Array<{ id: string; error?: string }>;
    expect(job).toMatchObject({ id: "bad" });
    expect(job?.error).toBeTruthy();
    await vm.qmp.execute("job-dismiss", { id: "bad" });
  });

  it("ends iteration with DisconnectedError when QEMU dies, after buffered events", async () => {
    const vm = await start();
    const listener = vm.qmp.listen();
    await vm.qmp.execute("stop");
    process.kill(vm.pid, "SIGKILL");
    const received: string[] = [];
    const error = await (async () => {
      for await (const event of listener) received.push(event.event);
    })().catch((e: unknown) => e);
    expect(received).toEqual(["STOP"]);
    expect(error).toBeInstanceOf(DisconnectedError);
  });
});
