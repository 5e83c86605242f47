/**
 * Commands that pass file descriptors to QEMU (`getfd`, `add-fd`) and their companions,
 * with fdset bookkeeping: a free fdset id, and rollback of a half-done multi-fd add.
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import type { ExecuteOptions, QmpExecutor } from "./api.js";
import { StateError } from "./errors.js";
import { assertFdPassingAvailable, type FdCapableSocket } from "./fd/index.js";
import type { Session } from "./session.js";

/** An fd to pass: a number or an open `FileHandle`. The caller keeps ownership. */
export type PassableFd = number | FileHandle;

/** Options of the fd helpers (everything of {@link ExecuteOptions} but what they set). */
export type FdCommandOptions = Omit<ExecuteOptions, "oob" | "fds" | "noReply">;

/** Options of {@link QmpClient.addFd}. */
export interface AddFdOptions extends FdCommandOptions {
  /** The fdset to add to; omitted: QEMU creates a new fdset. */
  fdsetId?: number | undefined;
  /** Free-form text QEMU stores with the fd (shown by `query-fdsets`). */
  opaque?: string | undefined;
}

/** What `add-fd` returns: QEMU's number for its copy of the fd, and the fdset. */
export interface AddFdResult {
  fd: number;
  "fdset-id": number;
}

/** An fdset as `query-fdsets` reports it. */
export interface FdsetInfo {
  "fdset-id": number;
  fds: Array<{ fd: number; opaque?: string }>;
}

/** `add-fd` with one fd attached. */
export async function addFd(qmp: QmpExecutor, fd: PassableFd, options: AddFdOptions = {}): Promise<AddFdResult> {
  const { fdsetId, opaque, ...execute } = options;
  const args: Record<string, unknown> = {};
  if (fdsetId !== undefined) args["fdset-id"] = fdsetId;
  if (opaque !== undefined) args["opaque"] = opaque;
  return (await qmp.execute("add-fd", args, { ...execute, fds: [fd] })) as AddFdResult;
}

/** The lowest fdset id that `query-fdsets` does not list. */
export async function freeFdsetId(qmp: QmpExecutor, options: FdCommandOptions = {}): Promise<number> {
  const sets = (await qmp.execute("query-fdsets", undefined, options)) as FdsetInfo[];
  const used = new Set(sets.map((set) => set["fdset-id"]));
  let id = 0;
  while (used.has(id)) id++;
  return id;
}

/**
 * Adds several fds to one fdset (a free one unless `fdsetId` is given), all or nothing:
 * when one `add-fd` fails, the fds added before it are removed again, then the error is
 * rethrown. Resolves with the fdset id and QEMU's fd numbers, in order.
 */
export async function addFds(
  qmp: QmpExecutor,
  fds: readonly PassableFd[],
  options: AddFdOptions = {},
): Promise<{ fdsetId: number; fds: number[] }> {
  const fdsetId = options.fdsetId ?? (await freeFdsetId(qmp, options));
  const added: number[] = [];
  try {
    for (const fd of fds) added.push((await addFd(qmp, fd, { ...options, fdsetId })).fd);
  } catch (error) {
    for (const fd of added) await removeFd(qmp, fdsetId, fd).catch(() => {});
    throw error;
  }
  return { fdsetId, fds: added };
}

/** `remove-fd`: one fd of an fdset, or (without `fd`) all of them. */
export async function removeFd(qmp: QmpExecutor, fdsetId: number, fd?: number, options: FdCommandOptions = {}): Promise<void> {
  await qmp.execute("remove-fd", fd === undefined ? { "fdset-id": fdsetId } : { "fdset-id": fdsetId, fd }, options);
}

/** `getfd`: QEMU keeps a copy of `fd` under `name` (for `netdev_add fd=name`, `migrate`...). */
export async function getfd(qmp: QmpExecutor, name: string, fd: PassableFd, options: FdCommandOptions = {}): Promise<void> {
  await qmp.execute("getfd", { fdname: name }, { ...options, fds: [fd] });
}

/** `closefd`: QEMU closes the fd it keeps under `name`. */
export async function closefd(qmp: QmpExecutor, name: string, options: FdCommandOptions = {}): Promise<void> {
  await qmp.execute("closefd", { fdname: name }, options);
}

/** Throws a {@link StateError} that says precisely why `session` cannot pass fds. */
export function checkFdCapable(session: Session): void {
  if (session.kind !== "unix") {
    throw new StateError(`fd passing needs a unix-socket connection; this one is ${session.kind}`);
  }
  if (typeof (session.stream as Partial<FdCapableSocket>).writeWithFds !== "function") {
    assertFdPassingAvailable();
    throw new StateError("fd passing is off for this connection (client option fdPassing: false)");
  }
}

/** @internal {@link checkFdCapable}'s error as a rejection; undefined when `session` can pass fds or is undefined. */
export function fdPassingRefusal(session: Session | undefined): Promise<never> | undefined {
  if (session === undefined) return undefined;
  try {
    checkFdCapable(session);
    return undefined;
  } catch (error) {
    return Promise.reject(error);
  }
}
