/**
 * Type-level tests, checked by `npm run typecheck` (tsc over test/): a typed client accepts
 * what QEMU accepts and rejects the rest at compile time.
 */
import { expectTypeOf } from "vitest";
import type { JobStatusChangeData, QemuApi, QueryStatusResult } from "../../generated/qemu/index.js";
import { QmpClient, type EventListener, type QmpEvent } from "../../runtime/index.js";

declare const qmp: QmpClient<QemuApi>;
declare const untyped: QmpClient;

export async function typedExecute(): Promise<void> {
  expectTypeOf(await qmp.execute("query-status")).toEqualTypeOf<QueryStatusResult>();
  // @ts-expect-error unknown command
  await qmp.execute("query-statuss");
  // @ts-expect-error missing required arguments
  await qmp.execute("job-dismiss");
  // @ts-expect-error wrong argument name
  await qmp.execute("job-dismiss", { job: "x" });
  await qmp.execute("job-dismiss", { id: "x" }, { timeout: 1000 });
}

export async function typedEvents(): Promise<void> {
  const jobs = qmp.listen("JOB_STATUS_CHANGE");
  expectTypeOf(jobs).toEqualTypeOf<EventListener<QmpEvent<"JOB_STATUS_CHANGE", JobStatusChangeData>>>();
  const event = await jobs.wait({ data: { status: "concluded" } });
  expectTypeOf(event.data).toEqualTypeOf<JobStatusChangeData>();
  // @ts-expect-error "finished" is not a JobStatus
  await jobs.wait({ data: { status: "finished" } });
  // @ts-expect-error no such event
  qmp.listen("JOB_STATUS_CHANGED");

  for await (const any of qmp.listen()) {
    if (any.event === "JOB_STATUS_CHANGE") expectTypeOf(any.data).toEqualTypeOf<JobStatusChangeData>();
    if (any.event === "STOP") expectTypeOf(any.data).toEqualTypeOf<undefined>();
  }

  qmp.on(["STOP", "RESUME"], (e) => expectTypeOf(e.event).toEqualTypeOf<"STOP" | "RESUME">());

  const { result, event: done } = await qmp.executeUntil(
    "blockdev-create",
    { "job-id": "j", options: { driver: "file", filename: "/tmp/x", size: 1 } },
    "JOB_STATUS_CHANGE",
    { data: { id: "j", status: "concluded" } },
  );
  expectTypeOf(result).toEqualTypeOf<Record<string, never>>();
  expectTypeOf(done.data.status).toEqualTypeOf<JobStatusChangeData["status"]>();
}

export async function untypedClient(): Promise<void> {
  expectTypeOf(await untyped.execute("anything", { any: 1 })).toEqualTypeOf<unknown>();
  const e = await untyped.listen("WHATEVER").wait();
  expectTypeOf(e.event).toEqualTypeOf<"WHATEVER">();
  expectTypeOf(e.data).toEqualTypeOf<Record<string, unknown> | undefined>();
}

export function starOnUntyped(): void {
  untyped.on("*", (e) => {
    if (e.event === "STOP") expectTypeOf(e.event).toEqualTypeOf<string>();
  });
  expectTypeOf(untyped.listen("*")).toEqualTypeOf(untyped.listen());
  qmp.on("*", (e) => {
    if (e.event === "JOB_STATUS_CHANGE") expectTypeOf(e.data).toEqualTypeOf<JobStatusChangeData>();
  });
}
