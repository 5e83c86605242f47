// The send path of FdSocket against a scripted fake of the native part: fds ride only the
// first sendmsg of their write, survive EAGAIN, and writes keep their order.
import { describe, expect, it } from "vitest";
import type { FdNative } from "../../runtime/fd/native.js";
import { FdSocket } from "../../runtime/fd/socket.js";

interface SendCall {
  data: string;
  fds: readonly number[] | null;
}

/** A fake native part whose send() accepts at most `budget` bytes until refilled. */
function fakeNative() {
  const calls: SendCall[] = [];
  let budget = Infinity;
  let poll: ((status: number, events: number) => void) | undefined;
  let events = 0;
  const native: FdNative = {
    connect: () => 3,
    listen: () => 3,
    accept: () => -1,
    send(_fd, data, fds) {
      if (budget === 0) return -1;
      const n = Math.min(budget, data.byteLength);
      budget -= n;
      calls.push({ data: Buffer.from(data.subarray(0, n)).toString(), fds: fds === null ? null : [...fds] });
      return n;
    },
    recv: () => -1,
    shutdown: () => {},
    close: () => {},
    Poller: class {
      constructor(_fd: number, cb: (status: number, events: number) => void) {
        poll = cb;
      }
      start(e: number) {
        events = e;
      }
      close() {}
      ref() {}
    },
  };
  return {
    native,
    calls,
    /** Let `bytes` more through and report the socket writable if it asked. */
    refill(bytes: number) {
      budget = bytes;
      if (events & 2) poll?.(0, 2);
    },
    block() {
      budget = 0;
    },
  };
}

describe("FdSocket send path", () => {
  it("keeps the fds of a write that hit EAGAIN for its retry, and sends them once", () => {
    const f = fakeNative();
    const sock = new FdSocket(f.native, 3, { keepReceivedFds: false });
    f.block();
    sock.write("a1");
    sock.writeWithFds(Buffer.from("b22"), [0, 1]);
    sock.write("c3");
    expect(f.calls).toEqual([]);
    f.refill(1); // "a" of a1
    f.refill(2); // "1", then "b" of b22 with the fds
    f.refill(100);
    expect(f.calls).toEqual([
      { data: "a", fds: null },
      { data: "1", fds: null },
      { data: "b", fds: [0, 1] },
      { data: "22", fds: null },
      { data: "c3", fds: null },
    ]);
    sock.destroy();
  });

  it("calls the fd write's callback once its bytes are all sent", () => {
    const f = fakeNative();
    const sock = new FdSocket(f.native, 3, { keepReceivedFds: false });
    f.block();
    const done: unknown[] = [];
    sock.writeWithFds(Buffer.from("xyz"), [0], (err) => done.push(err ?? "ok"));
    f.refill(2);
    expect(done).toEqual([]);
    f.refill(10);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(done).toEqual(["ok"]);
        sock.destroy();
        resolve();
      }),
    );
  });

  it("does not attach fds to an earlier plain write of the same Buffer", () => {
    const f = fakeNative();
    const sock = new FdSocket(f.native, 3, { keepReceivedFds: false });
    const same = Buffer.from("same");
    sock.write(same);
    sock.writeWithFds(same, [0]);
    expect(f.calls).toEqual([
      { data: "same", fds: null },
      { data: "same", fds: [0] },
    ]);
    sock.destroy();
  });
});
