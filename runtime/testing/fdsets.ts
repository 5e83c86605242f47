/**
 * The fake server's fdsets (`add-fd`, `remove-fd`, `query-fdsets`), shared by all its
 * connections like QEMU's.
 * @module
 */

import { QmpTestError } from "./errors.js";
import { closeFd } from "./fds.js";

/** One fd of an fdset, as `query-fdsets` lists it. */
export interface QmpTestFdsetFd {
  /** The fd number in the test process (QEMU reports its own number the same way). */
  fd: number;
  /** The `opaque` string given to `add-fd`, when one was. */
  opaque?: string;
}

/** One fdset, as `query-fdsets` lists it (QEMU 7.2's key order). */
export interface QmpTestFdset {
  fds: QmpTestFdsetFd[];
  "fdset-id": number;
}

/**
 * Fdsets by id. They own their fds: {@link remove} and {@link clear} close them. There is
 * nothing that opens `/dev/fdset/N` here, so a removed fd is closed at once, as QEMU does
 * for an fd nobody duplicated.
 */
export class FdsetTable {
  readonly #sets = new Map<number, QmpTestFdsetFd[]>();

  /**
   * Adds `fd` (now owned by the table) to fdset `fdsetId`, created when missing; without an
   * id, to a new fdset with the lowest free id, like QEMU.
   * @throws {QmpTestError} for a negative id (the fd is closed, as QEMU does).
   */
  add(fd: number, fdsetId: number | undefined, opaque: string | undefined): { fd: number; "fdset-id": number } {
    let id = fdsetId;
    if (id === undefined) {
      id = 0;
      while (this.#sets.has(id)) id++;
    } else if (id < 0) {
      closeFd(fd);
      throw new QmpTestError("GenericError", "Parameter 'fdset-id' expects a non-negative value");
    }
    let set = this.#sets.get(id);
    if (set === undefined) this.#sets.set(id, (set = []));
    set.push(opaque === undefined ? { fd } : { fd, opaque });
    return { fd, "fdset-id": id };
  }

  /**
   * Removes and closes fd `fd` of fdset `fdsetId`, or every fd of it when `fd` is omitted;
   * an fdset left empty disappears.
   * @throws {QmpTestError} with QEMU's "File descriptor named 'fdset-id:N, fd:M' not found".
   */
  remove(fdsetId: number, fd?: number): void {
    const set = this.#sets.get(fdsetId);
    const index = set?.findIndex((entry) => entry.fd === fd) ?? -1;
    if (set === undefined || (fd !== undefined && index < 0)) {
      const name = fd === undefined ? `fdset-id:${fdsetId}` : `fdset-id:${fdsetId}, fd:${fd}`;
      throw new QmpTestError("GenericError", `File descriptor named '${name}' not found`);
    }
    const removed = fd === undefined ? set.splice(0) : set.splice(index, 1);
    for (const entry of removed) closeFd(entry.fd);
    if (set.length === 0) this.#sets.delete(fdsetId);
  }

  /** What `query-fdsets` returns: QEMU 7.2 lists fdsets by descending id, fds in add order. */
  query(): QmpTestFdset[] {
    return [...this.#sets.entries()]
      .sort(([a], [b]) => b - a)
      .map(([id, fds]) => ({
        fds: fds.map((entry) => ({ ...entry })),
        "fdset-id": id,
      }));
  }

  /** Closes every fd and forgets every fdset. */
  clear(): void {
    for (const set of this.#sets.values()) for (const entry of set) closeFd(entry.fd);
    this.#sets.clear();
  }
}
