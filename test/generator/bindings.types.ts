/**
 * Type-level tests on the committed bindings (compiled by `npm run typecheck`, never run):
 * wrong command arguments must not compile; events narrow to typed data.
 */
import type { QmpClient, QmpEventOf } from "qmpkit";
import {
  blockdevAdd,
  blockdevCreate,
  migrateSetParameters,
  queryStatus,
  queryYank,
  quit,
  type JobStatusChangeData,
  type QemuApi,
  type QemuEvent,
  type QueryStatusResult,
} from "../../generated/qemu/index.js";
import type {
  BlockdevAddArguments,
  BlockdevCreateArguments,
  BlockdevCreateOptions,
  BlockdevDriver,
  BlockdevOptions,
  BlockdevOptionsFile,
  BlockdevRef,
  JobInfo,
  JobStatus,
  PreallocMode,
  QueryJobsResult,
  QueryVersionResult,
  RunState,
  SocketAddress,
  StatusInfo,
  VersionInfo,
} from "qmpkit/qemu";
import type { QsdApi, BlockdevOptions as QsdBlockdevOptions, JobStatus as QsdJobStatus } from "../../generated/qsd/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

declare const qmp: QmpClient<QemuApi>;

export async function blockdevCreateArguments(): Promise<void> {
  await blockdevCreate(qmp, { "job-id": "j", options: { driver: "file", filename: "/tmp/x", size: 1 << 20 } });
  // @ts-expect-error misspelled member ("job_id")
  await blockdevCreate(qmp, { job_id: "j", options: { driver: "file", filename: "/tmp/x", size: 1 } });
  // @ts-expect-error size must be a number
  await blockdevCreate(qmp, { "job-id": "j", options: { driver: "file", filename: "/tmp/x", size: "1M" } });
  // @ts-expect-error the file variant requires filename
  await blockdevCreate(qmp, { "job-id": "j", options: { driver: "file", size: 1 } });
  // @ts-expect-error arguments are required
  await blockdevCreate(qmp);
}

export async function blockdevAddUnion(): Promise<void> {
  await blockdevAdd(qmp, { driver: "null-co", "node-name": "n0" });
  await blockdevAdd(qmp, { driver: "file", "node-name": "f0", filename: "/tmp/x", "read-only": true });
  // @ts-expect-error unknown driver
  await blockdevAdd(qmp, { driver: "floppy-magic", "node-name": "n0" });
  // @ts-expect-error filename belongs to the file variant, not null-co
  await blockdevAdd(qmp, { driver: "null-co", filename: "/tmp/x" });
  // @ts-expect-error the file variant requires filename
  await blockdevAdd(qmp, { driver: "file", "node-name": "f0" });
  // @ts-expect-error read-only is a boolean
  await blockdevAdd(qmp, { driver: "null-co", "read-only": "yes" });
}

export async function migrateSetParametersArguments(): Promise<void> {
  await migrateSetParameters(qmp, { "max-bandwidth": 1_000_000, "tls-creds": null });
  await migrateSetParameters(qmp); // every member is optional
  // @ts-expect-error unknown parameter
  await migrateSetParameters(qmp, { "max-bandwith": 1 });
  // @ts-expect-error max-bandwidth is a number
  await migrateSetParameters(qmp, { "max-bandwidth": "1G" });
}

export async function resultsAndOptions(): Promise<void> {
  const status = await queryStatus(qmp);
  assertType<Equal<typeof status, QueryStatusResult>>();
  assertType<Equal<typeof status, StatusInfo>>();
  const direct = await qmp.execute("query-status");
  assertType<Equal<typeof direct, QueryStatusResult>>();
  await queryYank(qmp, { oob: true }); // oob-capable
  // @ts-expect-error quit cannot run out-of-band
  await quit(qmp, { oob: true });
  const nothing = await quit(qmp, { timeout: 1000 });
  assertType<Equal<typeof nothing, void>>();
  // @ts-expect-error not a QEMU 7.2 command
  await qmp.execute("query-nonsense");
}

export function realQapiNames(): void {
  // QEMU's own names, with the members QEMU defines.
  const file: BlockdevOptionsFile = { filename: "/tmp/x", aio: "threads", locking: "auto", "drop-cache": true };
  // @ts-expect-error filename is mandatory in BlockdevOptionsFile
  const noFile: BlockdevOptionsFile = { aio: "threads" };
  const prealloc: PreallocMode[] = ["off", "metadata", "falloc", "full"];
  // @ts-expect-error not a PreallocMode
  const badPrealloc: PreallocMode = "sparse";
  const state: RunState = "prelaunch";
  const status: StatusInfo = { running: false, singlestep: false, status: state };
  const jobStatus: JobStatus = "concluded";
  const ref: BlockdevRef[] = ["node0", { driver: "null-co", "node-name": "n1" }];
  const driver: BlockdevDriver = "qcow2";
  const address: SocketAddress = { type: "unix", path: "/tmp/s" };
  const version: VersionInfo = { qemu: { major: 7, minor: 2, micro: 0 }, package: "" };
  void [file, noFile, prealloc, badPrealloc, status, jobStatus, ref, driver, address, version];
  // Root names stay exported as aliases of the real types.
  assertType<Equal<QueryStatusResult, StatusInfo>>();
  assertType<Equal<BlockdevAddArguments, BlockdevOptions>>();
  assertType<Equal<BlockdevCreateArguments["options"], BlockdevCreateOptions>>();
  assertType<Equal<QueryVersionResult, VersionInfo>>();
  assertType<Equal<QueryJobsResult, JobInfo>>();
  assertType<Equal<Extract<BlockdevOptions, { driver: "file" }>["filename"], string>>();
  const qsdStatus: QsdJobStatus = jobStatus;
  const qsdOptions: QsdBlockdevOptions = { driver: "null-co", "node-name": "n" };
  void [qsdStatus, qsdOptions];
}

export function eventNarrowing(event: QemuEvent): void {
  type JobEvent = QmpEventOf<QemuApi, "JOB_STATUS_CHANGE">;
  assertType<Equal<JobEvent["data"], JobStatusChangeData>>();
  if (event.event === "JOB_STATUS_CHANGE") {
    assertType<Equal<typeof event.data, JobStatusChangeData>>();
    const status: "concluded" | "running" | (string & {}) = event.data.status;
    void status;
  }
  if (event.event === "STOP") {
    assertType<Equal<typeof event.data, undefined>>();
  }
  // @ts-expect-error not a QEMU 7.2 event
  if (event.event === "NO_SUCH_EVENT") return;
}

export function listenIsTyped(): void {
  const listener = qmp.listen("JOB_STATUS_CHANGE");
  void listener;
  // @ts-expect-error unknown event name
  qmp.listen("JOB_STATUS_CHANGED");
}

export async function storageDaemon(qsd: QmpClient<QsdApi>): Promise<void> {
  await qsd.execute("blockdev-create", { "job-id": "j", options: { driver: "file", filename: "/tmp/x", size: 1 } });
  // @ts-expect-error qemu-storage-daemon has no query-status
  await qsd.execute("query-status");
}
