// Opt-in reconnect against real QEMU: kill it, start a new one on the same socket path.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, it } from "vitest";
import { ConnectError, DisconnectedError, QmpClient, type QmpState } from "../../runtime/index.js";
import { QEMU, describeWith, freePort, spawnQemu, tempDir } from "../helpers/qemu.js";
import { waitForState as waitForStateWithin } from "../helpers/state.js";

const children: ChildProcess[] = [];
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts QEMU on unix socket `path`. */
function startQemu(path: string): ChildProcess {
  const child = spawnQemu(["-qmp", `unix:${path},server=on,wait=off`]);
  children.push(child);
  return child;
}

/** Connects once QEMU listens (the socket file may exist before QEMU listens on it). */
async function connectWhenUp(qmp: QmpClient, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await qmp.connect(path, { timeout: 5000 });
    } catch (error) {
      const code = ((error as ConnectError).cause as NodeJS.ErrnoException | undefined)?.code;
      if (attempt > 250 || (code !== "ECONNREFUSED" && code !== "ENOENT")) throw error;
      await sleep(20);
    }
  }
}

function waitForState(qmp: QmpClient, want: QmpState, timeout = 10_000): Promise<void> {
  return waitForStateWithin(qmp, want, timeout);
}

async function setup(reconnect: ConstructorParameters<typeof QmpClient>[0] = { reconnect: { delay: 20, maxDelay: 200 } }) {
  const dir = tempDir();
  cleanup.push(() => dir[Symbol.dispose]());
  const path = join(dir.path, "qmp.sock");
  const first = startQemu(path);
  const qmp = new QmpClient(reconnect);
  const states: Array<[QmpState, Error | undefined]> = [];
  qmp.onStateChange((state, _previous, error) => states.push([state, error]));
  cleanup.push(() => qmp.disconnect());
  await connectWhenUp(qmp, path);
  states.length = 0; // from here on: what happens to a running client
  return { qmp, path, first, states };
}

describeWith(QEMU)("reconnect: real QEMU", () => {
  it("SIGKILL, new QEMU on the same path: the same client executes again and listeners get the new QEMU's events", async () => {
    const { qmp, path, first, states } = await setup();
    const stops = qmp.listen("STOP");
    const reconnected: number[] = [];
    qmp.onReconnect(({ attempts }) => reconnected.push(attempts));
    // A command in flight when QEMU dies rejects and is never re-sent.
    process.kill(first.pid as number, "SIGSTOP");
    const pending = qmp.execute("query-status").catch((e: unknown) => e);
    await sleep(50);
    first.kill("SIGKILL");
    await exited(first);
    expect(await pending).toBeInstanceOf(DisconnectedError);
    await waitForState(qmp, "connecting");
    // Issued while QEMU is down: waits for the new one.
    const waiting = qmp.execute("query-status", undefined, { timeout: 10_000 });
    await sleep(100);
    const second = startQemu(path);
    expect(await waiting).toMatchObject({ status: "running" });
    expect(qmp.state).toBe("running");
    expect(qmp.oobEnabled).toBe(true);
    expect(qmp.greeting?.version.qemu.major).toBe(7);
    expect(reconnected).toHaveLength(1);
    await qmp.execute("stop");
    expect(await stops.wait(undefined, { timeout: 2000 })).toMatchObject({ event: "STOP" });
    expect(states.map(([s]) => s)).toEqual(["connecting", "running"]);
    expect(states[0]?.[1]).toBeInstanceOf(DisconnectedError);
    second.kill("SIGKILL");
  });

  it("reconnects over TCP too", async () => {
    const port = await freePort();
    const spawn = () => {
      const child = spawnQemu(["-qmp", `tcp:127.0.0.1:${port},server=on,wait=off`]);
      children.push(child);
      return child;
    };
    const first = spawn();
    const qmp = new QmpClient({ reconnect: { delay: 20, maxDelay: 100 } });
    cleanup.push(() => qmp.disconnect());
    for (let i = 0; ; i++) {
      try {
        await qmp.connect({ host: "127.0.0.1", port }, { timeout: 5000 });
        break;
      } catch (error) {
        if (i > 200) throw error;
        await sleep(20);
      }
    }
    first.kill("SIGKILL");
    await exited(first);
    await waitForState(qmp, "connecting");
    spawn();
    await waitForState(qmp, "running");
    expect(await qmp.execute("query-status")).toMatchObject({ running: true });
  });

  it("retries spent: idle with the last error; waiting commands reject with DisconnectedError", async () => {
    const { qmp, first, states } = await setup({ reconnect: { retries: 3, delay: 10, maxDelay: 40 } });
    first.kill("SIGKILL");
    await exited(first);
    await waitForState(qmp, "connecting");
    const waiting = qmp.execute("query-status").catch((e: unknown) => e);
    await waitForState(qmp, "idle");
    expect(await waiting).toBeInstanceOf(DisconnectedError);
    const [state, error] = states.at(-1) ?? [];
    expect(state).toBe("idle");
    expect(error).toBeInstanceOf(ConnectError);
    // SIGKILL leaves the socket file behind: nobody listens on it.
    expect(((error as ConnectError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("user disconnect and quit never reconnect", async () => {
    const a = await setup();
    await a.qmp.disconnect();
    await sleep(200);
    expect(a.qmp.state).toBe("idle");
    expect(a.states.map(([s]) => s)).toEqual(["disconnecting", "idle"]);

    const b = await setup();
    await b.qmp.execute("quit");
    await exited(b.first);
    await waitForState(b.qmp, "idle");
    startQemu(b.path); // even with a QEMU back on the path
    await sleep(300);
    expect(b.qmp.state).toBe("idle");
    expect(b.states.map(([s]) => s)).toEqual(["idle"]);
  });

  it("disconnect() during backoff stops at once and leaves no timer", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const { qmp, first } = await setup({ reconnect: { delay: 60_000 } });
    first.kill("SIGKILL");
    await exited(first);
    await waitForState(qmp, "connecting");
    const waiting = qmp.execute("query-status").catch((e: unknown) => e);
    const started = Date.now();
    await qmp.disconnect();
    expect(Date.now() - started).toBeLessThan(500);
    expect(qmp.state).toBe("idle");
    expect(await waiting).toBeInstanceOf(DisconnectedError);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
