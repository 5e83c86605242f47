/**
 * The typed qemu-ga client (bindings generated from our QGA-style schema, committed under
 * test/qapi/golden/qga) against a real `qemu-ga` on a unix socket: no greeting, no
 * negotiation, `guest-sync-delimited` resync, and a `success-response: false` command.
 *
 * qemu-ga runs on the HOST here and acts on it: it is always started with `-b` blocking
 * every destructive command.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, expect, it } from "vitest";
import { QmpClient } from "../../runtime/index.js";
import { AGENT_BLOCKED, agentArgs, describeWith, QGA, tempDir } from "../helpers/qemu.js";
import { guestGetTime, guestInfo, guestPing, guestShutdown, type QgaApi } from "./golden/qga/index.js";

interface Agent {
  readonly child: ChildProcess;
  readonly socket: string;
  readonly stderr: () => string;
}

async function startAgent(dir: string): Promise<Agent> {
  const { socket, args } = agentArgs(dir);
  const child = spawn(QGA, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  let spawnError: Error | undefined;
  child.on("error", (error) => (spawnError = error));
  for (let i = 0; i < 500 && !existsSync(socket); i++) {
    if (spawnError !== undefined || child.exitCode !== null) break;
    await sleep(10);
  }
  if (!existsSync(socket)) {
    child.kill("SIGKILL");
    throw new Error(`qemu-ga did not create its socket: ${spawnError?.message ?? `exit ${child.exitCode}`} ${stderr}`);
  }
  return { child, socket, stderr: () => stderr };
}

async function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}

describeWith(QGA)("typed qemu-ga client (real qemu-ga)", () => {
  let dir: ({ path: string } & Disposable) | undefined;
  let agent: Agent | undefined;
  let qmp: QmpClient<QgaApi> | undefined;
  const inbound: Record<string, unknown>[] = [];
  const outbound: Record<string, unknown>[] = [];

  beforeEach(async () => {
    inbound.length = 0;
    outbound.length = 0;
    dir = tempDir();
    agent = await startAgent(dir.path);
    qmp = new QmpClient<QgaApi>({
      name: "qga",
      negotiate: false,
      awaitGreeting: false,
      hooks: { inbound: (m) => void inbound.push(m), outbound: (m) => void outbound.push(m) },
    });
    await qmp.connect(agent.socket, { timeout: 5_000 });
    await qmp.syncGuestAgent({ timeout: 5_000 });
  });

  afterEach(async () => {
    await qmp?.disconnect();
    if (agent !== undefined) await stopAgent(agent.child);
    dir?.[Symbol.dispose]();
    qmp = agent = dir = undefined;
  });

  const client = (): QmpClient<QgaApi> => {
    if (qmp === undefined) throw new Error("not connected");
    return qmp;
  };

  it("guest-ping, guest-info and guest-get-time through the generated functions", async () => {
    const c = client();
    expect(c.greeting).toBeUndefined(); // qemu-ga sends none
    await guestPing(c); // `Promise<void>`: only success matters

    const info = await guestInfo(c);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const byName = new Map(info.supported_commands.map((x) => [x.name, x]));
    expect(byName.get("guest-ping")).toEqual({ name: "guest-ping", enabled: true, "success-response": true });
    expect(byName.get("guest-get-time")?.enabled).toBe(true);
    expect(byName.get("guest-shutdown")).toEqual({ name: "guest-shutdown", enabled: false, "success-response": false });
    for (const name of AGENT_BLOCKED) if (byName.has(name)) expect(byName.get(name)?.enabled, name).toBe(false);

    const time = await guestGetTime(c);
    expect(typeof time).toBe("number");
    // Nanoseconds since the epoch (beyond 2^53, so only approximately the host clock).
    expect(Math.abs(time / 1e6 - Date.now())).toBeLessThan(60_000);
  });

  it("guest-shutdown (no success reply) resolves once written; the agent's error reply is dropped", async () => {
    const c = client();
    // Blocked with -b: the agent answers with an error. Had the wrapper waited for a reply,
    // that error would reject it; with noReply it resolves and the reply is dropped.
    await expect(guestShutdown(c, { mode: "powerdown" })).resolves.toBeUndefined();
    const sent = outbound.find((m) => m["execute"] === "guest-shutdown");
    expect(sent).toMatchObject({ execute: "guest-shutdown", arguments: { mode: "powerdown" } });
    const id = sent?.["id"];
    expect(id).toBeDefined();

    // The agent's reply can take seconds on a loaded machine (the full suite shares two cores).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !inbound.some((m) => m["id"] === id)) await sleep(10);
    const reply = inbound.find((m) => m["id"] === id);
    expect(reply).toMatchObject({ error: { class: expect.any(String), desc: expect.stringContaining("disabled") } });

    // Still usable: resync, then a normal round trip.
    expect(c.state).toBe("running");
    await c.syncGuestAgent({ timeout: 5_000 });
    await guestPing(c, { timeout: 5_000 });
    expect(agent?.child.exitCode).toBeNull(); // the blocked command did nothing
  }, 40_000);

  it("resyncs repeatedly, each time with a fresh token", async () => {
    const c = client();
    for (let i = 0; i < 3; i++) await c.syncGuestAgent({ timeout: 5_000 });
    await guestPing(c);
    const syncs = outbound.filter((m) => m["execute"] === "guest-sync-delimited");
    expect(syncs.length).toBe(4); // beforeEach + 3
    expect(new Set(syncs.map((m) => (m["arguments"] as { id: number }).id)).size).toBe(4);
  });
});
