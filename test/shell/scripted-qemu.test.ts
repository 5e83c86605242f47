/** Scripted mode (stdin not a TTY) against a real QEMU, through the `qmpkit` CLI as a process. */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { constants } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeWith, freePort, QEMU, QGA, spawnQemu, tempDir } from "../helpers/qemu.js";
import { CLI, qemuWithTwoMonitors, ROOT, runQmpkit, startAgent, stop } from "./helpers.js";
import type { ChildProcess } from "node:child_process";

describeWith(QEMU)("qmpkit shell, scripted (real QEMU)", () => {
  let dir: { path: string } & Disposable;
  let qemu: { child: ChildProcess; a: string; b: string };

  beforeEach(async () => {
    dir = tempDir();
    qemu = await qemuWithTwoMonitors(dir.path);
  });
  afterEach(async () => {
    await stop(qemu.child);
    dir[Symbol.dispose]();
  });

  it("echo query-status | qmpkit shell SOCK prints the return value as one JSON line", async () => {
    const result = await runQmpkit(["shell", qemu.a], "query-status\n");
    expect(result).toEqual({ code: 0, stdout: '{"status":"running","singlestep":false,"running":true}\n', stderr: "" });
  });

  it("prints one line per command, errors as {error:{class,desc}}, and exits 1 when one failed", async () => {
    const input = [
      "query-name",
      "device_del id=nope",
      "blockdev-add driver=fil node-name=x",
      "nope",
      '{"execute": "query-version", "id": 12}',
      "query-kvm",
    ].join("\n");
    const result = await runQmpkit(["shell", qemu.a], input);
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({});
    expect(lines[1]).toEqual({ error: { class: "DeviceNotFound", desc: "Device 'nope' not found" } });
    expect(lines[2]).toEqual({ error: { class: "GenericError", desc: "Parameter 'driver' does not accept value 'fil'" } });
    expect(lines[3]).toEqual({ error: { class: "CommandNotFound", desc: "The command nope has not been found" } });
    expect(lines[4]).toMatchObject({ qemu: { major: 7, minor: 2 } });
    expect(lines[5]).toEqual({ enabled: false, present: true });
  });

  it("exits 0 when every command succeeded; no prompt, no color even with FORCE_COLOR", async () => {
    const result = await runQmpkit(["shell", qemu.a, "--pretty"], "query-status\n\nquery-kvm\n", { FORCE_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("\x1b");
    expect(result.stdout).not.toContain("(QEMU)");
    expect(result.stdout).toContain('{\n  "status": "running",');
  });

  it("validates before sending: nothing invalid reaches QEMU; --no-validate sends as typed", async () => {
    const log = join(dir.path, "t.log");
    const validated = await runQmpkit(["shell", qemu.a, "--log", log], "device_del id=1\nquery-kvm bogus=1\n");
    expect(validated.stdout).toBe(
      '{"error":{"class":"DeviceNotFound","desc":"Device \'1\' not found"}}\n' +
        '{"error":{"class":"GenericError","desc":"Parameter \'bogus\' is unexpected"}}\n',
    );
    const transcript = readFileSync(log, "utf8");
    expect(transcript).toMatch(/^\S+Z -> \{"execute":"device_del","arguments":\{"id":"1"\},"id":\S+\}$/m);
    expect(transcript).toMatch(/^\S+Z <- \{"id":\S+,"error":\{"class":"DeviceNotFound"/m);
    expect(transcript).not.toContain("bogus");
    const raw = await runQmpkit(["shell", qemu.a, "--no-validate"], "device_del id=1\nquery-kvm bogus=1\n");
    expect(raw.stdout).toBe(
      '{"error":{"class":"GenericError","desc":"Invalid parameter type for \'id\', expected: string"}}\n' +
        '{"error":{"class":"GenericError","desc":"Parameter \'bogus\' is unexpected"}}\n',
    );
  });

  it("prints events as JSON lines only with --events", async () => {
    const quiet = await runQmpkit(["shell", qemu.a], "stop\ncont\n");
    expect(quiet.stdout).toBe("{}\n{}\n");
    const loud = await runQmpkit(["shell", qemu.a, "--events"], "stop\ncont\n");
    const lines = loud.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => "event" in l).map((l) => l["event"])).toEqual(["STOP", "RESUME"]);
    expect(lines.filter((l) => !("event" in l))).toEqual([{}, {}]);
    expect(lines.find((l) => l["event"] === "STOP")).toMatchObject({ timestamp: { seconds: expect.any(Number) } });
    const switched = await runQmpkit(["shell", qemu.a], "stop\nevents on\ncont\nevents off\nstop\n");
    expect(switched.stdout).toMatch(
      /^\{\}\n\{"timestamp":\{[^}]*\},"event":"RESUME"\}\n\{\}\n\{\}\n$|^\{\}\n\{\}\n\{"timestamp":\{[^}]*\},"event":"RESUME"\}\n\{\}\n$/,
    );
  });

  it("wait EVENT times out as an error; a multi-line transaction runs", async () => {
    const input = ["wait STOP 200", "transaction(", "abort", ")", "wait BOGUS_EVENT"].join("\n");
    const result = await runQmpkit(["shell", qemu.a], input);
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { error: { class: string; desc: string } });
    expect(lines.map((l) => l.error.class)).toEqual(["Timeout", "GenericError", "GenericError"]);
    expect(lines[1]?.error.desc).toBe("Transaction aborted using Abort action");
    expect(result.code).toBe(1);
  });

  it("reports a lost connection and exits 1", async () => {
    // QEMU dies (SIGKILL: no SHUTDOWN event) while the script waits for an event.
    const result = await runQmpkit(["shell", qemu.a], "query-name\nwait SHUTDOWN\nquery-status\n", {}, (stdout) => {
      if (stdout === "{}\n") qemu.child.kill("SIGKILL");
    });
    expect(result.stdout).toBe("{}\n");
    expect(result.stderr).toMatch(/^qmpkit shell: connection lost/);
    expect(result.code).toBe(1);
  });

  it("a sent quit ends the session cleanly: exit 0 when it was last, 1 when commands follow", async () => {
    const last = await runQmpkit(["shell", qemu.a], '{"execute": "quit"}\n');
    expect(last).toEqual({ code: 0, stdout: "{}\n", stderr: "" });
  });

  it("commands after a sent quit fail", async () => {
    const result = await runQmpkit(["shell", qemu.a], '{"execute": "quit"}\nquery-status\n');
    expect(result.stdout.split("\n")[0]).toBe("{}");
    expect(JSON.parse(result.stdout.split("\n")[1] ?? "")).toMatchObject({ error: { class: expect.any(String) } });
    expect(result.code).toBe(1);
  });

  it("--timeout MS gives up on a reply that does not come", async () => {
    // QEMU's main loop blocks in open() of a FIFO nobody writes to: blockdev-add never answers.
    const fifo = join(dir.path, "fifo");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    const line = `blockdev-add driver=file node-name=f filename=${fifo} read-only=true\n`;
    const result = await runQmpkit(["shell", qemu.a, "--timeout", "300"], line);
    await (await open(fifo, "w")).close(); // a writer unblocks QEMU for the cleanup
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { class: "Timeout", desc: expect.stringMatching(/300 ms/) } });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("-v echoes what is sent on stderr, keeping stdout for replies", async () => {
    const result = await runQmpkit(["shell", qemu.a, "-v"], "query-status\n");
    expect(result.stdout).toBe('{"status":"running","singlestep":false,"running":true}\n');
    expect(result.stderr).toMatch(/^\{"execute":"query-status","id":\S+\}\n$/);
  });

  it("--hmp sends human monitor commands; the reply is a JSON string", async () => {
    const result = await runQmpkit(["shell", "--hmp", qemu.a], "info version\n");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatch(/^7\.2\.\d+/);
  });
});

describeWith(QEMU)("qmpkit shell, scripted: --qemu and --tcp", () => {
  it("--qemu starts QEMU with no guest (plus --qemu-arg) and quits it at the end", async () => {
    const result = await runQmpkit(
      ["shell", "--qemu", QEMU, "--qemu-arg", "-S", "--qemu-arg", "-name", "--qemu-arg", "shelltest"],
      "query-name\nquery-status\n",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe('{"name":"shelltest"}\n{"status":"prelaunch","singlestep":false,"running":false}\n');
    expect(result.code).toBe(0);
  });

  it("--qemu: the started QEMU is gone when the shell has left", async () => {
    using dir = tempDir();
    const pidfile = join(dir.path, "qemu.pid");
    let pid = 0;
    const result = await runQmpkit(
      ["shell", "--qemu", QEMU, "--qemu-arg", "-pidfile", "--qemu-arg", pidfile],
      "query-name\n",
      {},
      (_stdout, endInput) => {
        pid = Number(readFileSync(pidfile, "utf8"));
        endInput();
      },
      true,
    );
    expect(result).toEqual({ code: 0, stdout: "{}\n", stderr: "" });
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it.each(["SIGTERM", "SIGHUP"] as const)("--qemu: a shell ended by %s still quits its QEMU", async (signal) => {
    using dir = tempDir();
    const pidfile = join(dir.path, "qemu.pid");
    const child = spawn(
      CLI[0] as string,
      [...CLI.slice(1), "shell", "--qemu", QEMU, "--qemu-arg", "-pidfile", "--qemu-arg", pidfile],
      {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stdin.write("query-name\n"); // stdin stays open: the shell waits for more
    for (let i = 0; i < 600 && stdout === ""; i++) await sleep(50);
    expect(stdout).toBe("{}\n");
    const pid = Number(readFileSync(pidfile, "utf8"));
    child.kill(signal);
    expect(await exited).toBe(128 + (constants.signals[signal] as number));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("--tcp HOST:PORT", async () => {
    const port = await freePort();
    const child = spawnQemu(["-qmp", `tcp:127.0.0.1:${port},server=on,wait=off`]);
    try {
      let result = await runQmpkit(["shell", "--tcp", `127.0.0.1:${port}`], "query-status\n");
      for (let i = 0; i < 20 && result.code !== 0; i++)
        result = await runQmpkit(["shell", "--tcp", `127.0.0.1:${port}`], "query-status\n");
      expect(result.stdout).toBe('{"status":"running","singlestep":false,"running":true}\n');
    } finally {
      await stop(child);
    }
  });
});

describeWith(QGA)("qmpkit shell --qga, scripted (real qemu-ga)", () => {
  it("resyncs, then runs agent commands; validates with --schema", async () => {
    using dir = tempDir();
    const agent = await startAgent(dir.path);
    try {
      const result = await runQmpkit(["shell", "--qga", agent.socket], "guest-ping\n{'execute': 'guest-info'}\nguest-nope\n");
      const lines = result.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toEqual({});
      expect(lines[1]).toMatchObject({ version: expect.stringMatching(/^7\.2/) });
      expect(lines[2]).toMatchObject({ error: { class: "CommandNotFound" } });
      expect(result.code).toBe(1);
      // A saved schema (here a one-command stand-in) turns on local validation.
      const schema = join(dir.path, "qga-schema.json");
      writeFileSync(
        schema,
        JSON.stringify([
          { name: "guest-ping", "meta-type": "command", "arg-type": "0", "ret-type": "0" },
          { name: "0", "meta-type": "object", members: [] },
        ]),
      );
      const checked = await runQmpkit(["shell", "--qga", agent.socket, "--schema", schema], "guest-ping\nguest-ping x=1\n");
      expect(checked.stdout).toBe('{}\n{"error":{"class":"GenericError","desc":"Parameter \'x\' is unexpected"}}\n');
    } finally {
      await stop(agent.child);
    }
  });
});
