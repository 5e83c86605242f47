// Record against the fake server, replay the cassette (real QEMU: replay-qemu.test.ts).
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExecuteError, QmpClient, composeHooks, type QmpEvent } from "../../runtime/index.js";
import {
  CassetteError,
  QmpRecorder,
  QmpTestError,
  QmpTestServer,
  ReplayMismatchError,
  parseCassette,
} from "../../runtime/testing/index.js";
import { tempDir } from "../helpers/qemu.js";

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function dir(): string {
  const d = tempDir();
  cleanup.push(() => d[Symbol.dispose]());
  return d.path;
}

/** A fake "QEMU" with a job whose events come before and after its reply. */
function liveServer(): QmpTestServer {
  const server = new QmpTestServer();
  server.handle("job-start", (args, ctx) => {
    ctx.emit("JOB", { id: args["id"], status: "created" });
    ctx.afterReply(() => {
      setTimeout(() => server.emit("JOB", { id: args["id"], status: "concluded" }), 5);
    });
    return {};
  });
  server.handle("secret-add", () => ({}));
  server.handle("device_del", (args) => {
    throw new QmpTestError("DeviceNotFound", `Device '${String(args["id"])}' not found`);
  });
  cleanup.push(() => server.close());
  return server;
}

/** The code under test: the same for the live run and the replay. Returns what it observed, in order. */
async function scenario(qmp: QmpClient): Promise<unknown[]> {
  const log: unknown[] = [];
  const off = qmp.on("*", (event: QmpEvent) => log.push(["event", event.event, event.data ?? null]));
  log.push(["reply", await qmp.execute("query-status")]);
  log.push(["reply", await qmp.execute("stop")]);
  log.push(["reply", await qmp.execute("query-status")]);
  log.push(["reply", await qmp.execute("cont")]);
  using jobs = qmp.listen("JOB");
  log.push(["reply", await qmp.execute("job-start", { id: "j1" })]);
  await jobs.wait({ data: { status: "concluded" } }, { timeout: 2000 });
  const error = (await qmp.execute("device_del", { id: "nope" }).catch((e: unknown) => e)) as ExecuteError;
  log.push(["error", error.errorClass, error.desc, error.command]);
  log.push(["reply", await qmp.execute("query-status")]);
  off();
  return log;
}

async function record(path: string, options: ConstructorParameters<typeof QmpRecorder>[0] = {}): Promise<unknown[]> {
  const server = liveServer();
  const recorder = new QmpRecorder(options);
  const qmp = new QmpClient({ hooks: recorder.hooks });
  await qmp.connect(server.connectPair());
  const log = await scenario(qmp);
  await qmp.disconnect();
  await recorder.save(path);
  return log;
}

describe("QmpRecorder", () => {
  it("writes a header with the greeting and versions, then every message in wire order", async () => {
    const path = join(dir(), "sub", "live.jsonl");
    await record(path);
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(["qmpkit-cassette", "qmpkit", "qemu", "package", "greeting"]);
    expect(header).toMatchObject({
      "qmpkit-cassette": 1,
      qmpkit: expect.stringMatching(/^\d+\.\d+\.\d+/),
      qemu: "7.2.22",
      package: "Debian 1:7.2+dfsg-7+deb12u18+b3",
      greeting: { QMP: { capabilities: ["oob"] } },
    });
    const entries = lines.slice(1).map((line) => JSON.parse(line) as { t: number; dir: string; msg: Record<string, unknown> });
    for (const line of lines.slice(1)) expect(line).toMatch(/^\{"t":\d+,"dir":"(in|out)","msg":\{/);
    const times = entries.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const summary = entries.map(
      (e) => `${e.dir} ${String(e.msg["execute"] ?? e.msg["event"] ?? ("error" in e.msg ? "error" : "return"))}`,
    );
    expect(summary.slice(0, 6)).toEqual([
      "out qmp_capabilities",
      "in return",
      "out query-status",
      "in return",
      "out stop",
      "in STOP",
    ]);
    expect(summary).toContain("in JOB");
    // The live session's own ids are kept (replay never relies on them).
    expect(entries[0]?.msg["id"]).toBe(1);
  });

  it("composes with the user's hooks: both see every message; a dropped inbound message is still recorded", async () => {
    const server = liveServer();
    const seen: string[] = [];
    const recorder = new QmpRecorder({
      hooks: {
        inbound: (m) => (seen.push(`in ${Object.keys(m)[0]}`), !("event" in m)), // the user drops events
        outbound: (m) => void seen.push(`out ${String(m["execute"])}`),
      },
    });
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(server.connectPair());
    const events: unknown[] = [];
    qmp.on("*", (e) => events.push(e));
    await qmp.execute("stop");
    await qmp.disconnect();
    expect(events).toEqual([]);
    expect(seen).toEqual(["in QMP", "out qmp_capabilities", "in return", "out stop", "in timestamp", "in return"]);
    expect(recorder.entries.map((e) => e.msg["event"] ?? e.msg["execute"] ?? "reply")).toEqual([
      "qmp_capabilities",
      "reply",
      "stop",
      "STOP",
      "reply",
    ]);
  });

  it("redacts what it stores, never what goes on the wire; replay with the same redact still matches", async () => {
    const path = join(dir(), "secret.jsonl");
    const redact = (message: Record<string, unknown>) => {
      const args = message["arguments"] as Record<string, unknown> | undefined;
      if (message["execute"] === "secret-add" && args !== undefined) args["data"] = "REDACTED";
      return message;
    };
    const server = liveServer();
    const recorder = new QmpRecorder({ redact });
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(server.connectPair());
    await qmp.execute("secret-add", { id: "s0", data: "hunter2" });
    await qmp.disconnect();
    expect(server.received.at(-1)?.args).toEqual({ id: "s0", data: "hunter2" });
    await recorder.save(path);
    const text = await readFile(path, "utf8");
    expect(text).not.toContain("hunter2");
    expect(text).toContain('"data":"REDACTED"');

    const replay = await QmpTestServer.replay(path, { strict: true, redact });
    const client = new QmpClient();
    await client.connect(replay.connectPair());
    expect(await client.execute("secret-add", { id: "s0", data: "other-secret" })).toEqual({});
    await client.disconnect();
    await replay.close();
  });

  it("reports a throwing redact at save() and stores nothing unredacted", async () => {
    const server = liveServer();
    const recorder = new QmpRecorder({
      redact: (m) => {
        if (m["execute"] === "stop") throw new Error("boom");
        return m;
      },
    });
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(server.connectPair());
    await qmp.execute("stop"); // the client is unaffected
    await qmp.disconnect();
    expect(() => recorder.toJSONL()).toThrow(/redact failed.*boom/);
    await expect(recorder.save(join(dir(), "x.jsonl"))).rejects.toThrow(/boom/);
  });

  it("redact gets the message as it goes on the wire (toJSON applied, functions left out)", async () => {
    const server = liveServer();
    server.handle("x-echo", (args) => args);
    const seen: unknown[] = [];
    const recorder = new QmpRecorder({ redact: (m) => (m["execute"] === "x-echo" && seen.push(m["arguments"]), m) });
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(server.connectPair());
    await qmp.execute("x-echo", { when: new Date(0), skip: () => 1, big: 2n ** 64n - 1n });
    await qmp.disconnect();
    expect(seen).toEqual([{ when: "1970-01-01T00:00:00.000Z", big: 2n ** 64n - 1n }]);
    expect(recorder.toJSONL()).toContain('"arguments":{"when":"1970-01-01T00:00:00.000Z","big":18446744073709551615}');
  });

  it("a redact that returns no message object (greeting included) is reported at save(); the client is unaffected", async () => {
    for (const returned of [undefined, null, 5, [1]]) {
      const server = liveServer();
      const recorder = new QmpRecorder({ redact: () => returned as never });
      const qmp = new QmpClient({ hooks: recorder.hooks });
      await qmp.connect(server.connectPair());
      expect(await qmp.execute("query-status")).toMatchObject({ status: "running" });
      await qmp.disconnect();
      expect(() => recorder.toJSONL()).toThrow(/redact failed on a message: it returned .*, not a message object/);
    }
  });
});

describe("QmpTestServer.replay", () => {
  it("answers the same code with the same results, events and errors", async () => {
    const path = join(dir(), "live.jsonl");
    const live = await record(path);
    await using server = await QmpTestServer.replay(path, { strict: true });
    const qmp = new QmpClient();
    await qmp.connect(server.connectPair());
    expect(qmp.greeting?.version.qemu).toEqual({ major: 7, minor: 2, micro: 22 });
    const replayed = await scenario(qmp);
    await qmp.disconnect();
    expect(replayed).toEqual(live);
    expect(live).toContainEqual(["event", "STOP", null]);
    expect(server.unmatched).toEqual([]);
    expect(server.unused).toEqual([]);
  });

  it("keeps the recorded wire order of events relative to replies, with the client's own ids", async () => {
    const path = join(dir(), "live.jsonl");
    await record(path);
    const server = await QmpTestServer.replay(path);
    cleanup.push(() => server.close());
    const recorder = new QmpRecorder();
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(server.connectPair());
    await scenario(qmp);
    await qmp.disconnect();
    const shape = (text: string) =>
      parseCassette(text, "x").entries.map((e) => `${e.dir} ${String(e.msg["execute"] ?? e.msg["event"] ?? "reply")}`);
    expect(shape(recorder.toJSONL())).toEqual(shape(await readFile(path, "utf8")));

    // Ids are whatever the replaying client sends.
    const other = new QmpClient({ hooks: recorder.hooks });
    recorder.clear();
    const again = await QmpTestServer.replay(path);
    cleanup.push(() => again.close());
    await other.connect(again.connectPair());
    expect(await other.executeMessage({ execute: "stop", id: "mine-7" })).toEqual({});
    await other.disconnect();
    expect(recorder.entries.map((e) => e.msg["id"] ?? e.msg["event"])).toEqual([1, 1, "mine-7", "STOP", "mine-7"]);
  });

  it("answers a command recorded twice with its two replies in turn", async () => {
    const path = join(dir(), "twice.jsonl");
    const server = new QmpTestServer();
    cleanup.push(() => server.close());
    const recorder = new QmpRecorder();
    const live = new QmpClient({ hooks: recorder.hooks });
    await live.connect(server.connectPair());
    await live.execute("query-status");
    await live.execute("stop");
    await live.execute("query-status");
    await live.disconnect();
    await recorder.save(path);

    await using replay = await QmpTestServer.replay(path);
    const qmp = new QmpClient();
    await qmp.connect(replay.connectPair());
    // Asked out of recorded order: each command still gets its own recorded replies in turn.
    expect(await qmp.execute("query-status")).toMatchObject({ status: "running" });
    expect(await qmp.execute("query-status")).toMatchObject({ status: "paused" });
    const third = await qmp.execute("query-status").catch((e: unknown) => e);
    expect(third).toBeInstanceOf(ExecuteError);
    expect((third as ExecuteError).desc).toMatch(
      /no recorded reply left for query-status: the cassette records it 2 times and every reply was used/,
    );
    expect(replay.unused).toEqual([{ command: "stop", arguments: undefined, line: 6 }]);
    await qmp.disconnect();
  });

  it("answers an unrecorded command with a GenericError naming the closest recorded command", async () => {
    const path = join(dir(), "live.jsonl");
    await record(path);
    const server = await QmpTestServer.replay(path);
    cleanup.push(() => server.close());
    const qmp = new QmpClient();
    const socket = join(dir(), "replay.sock");
    await server.listen({ path: socket });
    await qmp.connect(socket);
    const wrongArgs = (await qmp.execute("job-start", { id: "j2" }).catch((e: unknown) => e)) as ExecuteError;
    expect(wrongArgs).toBeInstanceOf(ExecuteError);
    expect(wrongArgs.errorClass).toBe("GenericError");
    expect(wrongArgs.desc).toMatch(
      /no recorded reply for job-start \{"id":"j2"\}: it is not in the cassette .*closest recorded command: job-start \{"id":"j1"\}/,
    );
    const typo = (await qmp.execute("query-statuss").catch((e: unknown) => e)) as ExecuteError;
    expect(typo.desc).toMatch(/closest recorded command: query-status$/);
    expect(server.unmatched.map((u) => [u.command, u.arguments, u.closest])).toEqual([
      ["job-start", { id: "j2" }, 'job-start {"id":"j1"}'],
      ["query-statuss", {}, "query-status"],
    ]);
    // The session goes on.
    expect(await qmp.execute("query-status")).toMatchObject({ status: "running" });
    await qmp.disconnect();
    await server.close(); // not strict: resolves
  });

  it("strict: close() rejects for unmatched commands and for recorded commands never asked for", async () => {
    const path = join(dir(), "live.jsonl");
    await record(path);
    const unmatched = await QmpTestServer.replay(path, { strict: true });
    const a = new QmpClient();
    await a.connect(unmatched.connectPair());
    await scenario(a);
    await a.execute("query-block").catch(() => {});
    await a.disconnect();
    const error = await unmatched.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).unmatched.map((u) => u.command)).toEqual(["query-block"]);
    expect((error as Error).message).toContain("not in the cassette: query-block");

    const unused = await QmpTestServer.replay(path, { strict: true });
    const b = new QmpClient();
    await b.connect(unused.connectPair());
    await b.execute("query-status");
    await b.disconnect();
    const error2 = (await unused.close().catch((e: unknown) => e)) as ReplayMismatchError;
    expect(error2).toBeInstanceOf(ReplayMismatchError);
    expect(error2.unmatched).toEqual([]);
    expect(error2.unused.map((u) => u.command)).toEqual([
      "stop",
      "query-status",
      "cont",
      "job-start",
      "device_del",
      "query-status",
    ]);
    expect(error2.message).toMatch(/recorded but never asked for: stop \(line \d+\)/);
  });

  it("replays a recording that spans a reconnect: the second greeting is a line, each connection is served", async () => {
    const d = dir();
    const socket = join(d, "live.sock");
    const path = join(d, "reconnect.jsonl");
    const first = new QmpTestServer();
    await first.listen({ path: socket });
    const recorder = new QmpRecorder();
    const live = new QmpClient({ hooks: recorder.hooks, reconnect: { delay: 5 } });
    await live.connect(socket);
    await live.execute("stop");
    await first.close();
    const second = new QmpTestServer({ status: "paused" });
    cleanup.push(() => second.close());
    await second.listen({ path: socket });
    expect(await live.execute("query-status", undefined, { timeout: 2000 })).toMatchObject({ status: "paused" });
    await live.disconnect();
    await recorder.save(path);
    const text = await readFile(path, "utf8");
    expect(text.split("\n").filter((line) => line.includes('"QMP"'))).toHaveLength(2); // header + the reconnect's greeting

    await using server = await QmpTestServer.replay(path, { strict: true });
    const qmp = new QmpClient();
    await qmp.connect(server.connectPair());
    expect(await qmp.execute("stop")).toEqual({});
    await qmp.disconnect();
    await qmp.connect(server.connectPair());
    expect(await qmp.execute("query-status")).toMatchObject({ status: "paused" });
    await qmp.disconnect();
  });

  it("replays events sent right after negotiation, exact big integers, and quit ending the connection", async () => {
    const path = join(dir(), "misc.jsonl");
    const server = new QmpTestServer();
    cleanup.push(() => server.close());
    server.handle("big", (args) => ({ echoed: args["n"] }));
    const recorder = new QmpRecorder();
    const live = new QmpClient({ hooks: recorder.hooks, bigint: true });
    const early = live.listen("EARLY");
    await live.connect(server.connectPair());
    server.emit("EARLY", { n: 1 });
    await early.wait(undefined, { timeout: 1000 });
    expect(await live.execute("big", { n: 18446744073709551615n })).toEqual({ echoed: 18446744073709551615n });
    await live.execute("quit");
    await recorder.save(path);
    expect(await readFile(path, "utf8")).toContain('"arguments":{"n":18446744073709551615}');

    await using replay = await QmpTestServer.replay(path, { strict: true });
    const qmp = new QmpClient({ bigint: true });
    const events = qmp.listen("EARLY");
    await qmp.connect(replay.connectPair());
    expect(await events.wait(undefined, { timeout: 1000 })).toMatchObject({ event: "EARLY", data: { n: 1 } });
    expect(await qmp.execute("big", { n: 18446744073709551615n })).toEqual({ echoed: 18446744073709551615n });
    const states: string[] = [];
    qmp.onStateChange((state) => states.push(state));
    expect(await qmp.execute("quit")).toEqual({});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(qmp.state).toBe("idle");
    expect(states).toEqual(["idle"]);
  });

  // Bug: each command QEMU never answered while recording waited with its own "abort" listener
  // on the connection's signal: more than ten of them printed MaxListenersExceededWarning.
  it("many commands never answered while recording stay unanswered with no warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const path = join(dir(), "hung.jsonl");
      const live = new QmpTestServer();
      cleanup.push(() => live.close());
      live.hang("stop");
      const recorder = new QmpRecorder();
      const recording = new QmpClient({ hooks: recorder.hooks, maxInFlight: 20 });
      await recording.connect(live.connectPair());
      const held = Array.from({ length: 15 }, () => recording.execute("stop").catch(() => "lost"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      await recording.disconnect();
      expect(new Set(await Promise.all(held))).toEqual(new Set(["lost"]));
      await recorder.save(path);

      await using server = await QmpTestServer.replay(path);
      const qmp = new QmpClient({ maxInFlight: 20 });
      await qmp.connect(server.connectPair());
      const replayed = Array.from({ length: 15 }, () =>
        qmp.execute("stop", undefined, { timeout: 50 }).catch((e: Error) => e.name),
      );
      expect(new Set(await Promise.all(replayed))).toEqual(new Set(["TimeoutError"]));
      await qmp.disconnect();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });

  it("says so when the cassette records no commands", async () => {
    const path = join(dir(), "empty.jsonl");
    const server = new QmpTestServer();
    cleanup.push(() => server.close());
    const recorder = new QmpRecorder();
    const live = new QmpClient({ hooks: recorder.hooks });
    await live.connect(server.connectPair());
    await live.disconnect();
    await recorder.save(path);
    await using replay = await QmpTestServer.replay(path);
    const qmp = new QmpClient();
    await qmp.connect(replay.connectPair());
    const error = (await qmp.execute("query-status").catch((e: unknown) => e)) as ExecuteError;
    expect(error.desc).toMatch(/no recorded reply for query-status: it is not in the cassette .* \(it records no commands\)$/);
    await qmp.disconnect();
  });

  it("rejects files that are not cassettes with a CassetteError naming the line", async () => {
    const d = dir();
    await writeFile(join(d, "a.jsonl"), '{"hello":1}\n');
    await expect(QmpTestServer.replay(join(d, "a.jsonl"))).rejects.toThrow(/a\.jsonl:1: not a qmpkit cassette/);
    await writeFile(
      join(d, "b.jsonl"),
      '{"qmpkit-cassette":1,"qmpkit":"0.1.0","qemu":null,"package":null,"greeting":null}\n{"t":1}\n',
    );
    await expect(QmpTestServer.replay(join(d, "b.jsonl"))).rejects.toBeInstanceOf(CassetteError);
    await expect(QmpTestServer.replay(join(d, "b.jsonl"))).rejects.toThrow(/b\.jsonl:2: expected/);
    await writeFile(join(d, "c.jsonl"), '{"qmpkit-cassette":99}\n');
    await expect(QmpTestServer.replay(join(d, "c.jsonl"))).rejects.toThrow(/format 99 is not supported/);
    await writeFile(join(d, "d.jsonl"), "");
    await expect(QmpTestServer.replay(join(d, "d.jsonl"))).rejects.toThrow(/empty cassette/);
    await expect(QmpTestServer.replay(join(d, "missing.jsonl"))).rejects.toMatchObject({ code: "ENOENT" });
    // a hand-edited greeting that QEMU could not have sent is refused by line, not met later as a TypeError
    for (const greeting of [
      '{"QMP":{}}',
      '{"QMP":{"version":5,"capabilities":[]}}',
      '{"QMP":{"version":{"qemu":{"major":7},"package":""},"capabilities":[]}}',
    ]) {
      await writeFile(
        join(d, "e.jsonl"),
        `{"qmpkit-cassette":1,"qmpkit":"0.1.0","qemu":null,"package":null,"greeting":${greeting}}\n`,
      );
      await expect(QmpTestServer.replay(join(d, "e.jsonl"))).rejects.toThrow(
        /e\.jsonl:1: "greeting" must be null or a QMP greeting/,
      );
    }
  });
});

describe("composeHooks", () => {
  it("calls hooks in order; the first inbound false drops the message for the later ones", () => {
    const seen: string[] = [];
    const hooks = composeHooks(
      { inbound: (m) => void seen.push(`a ${String(m["n"])}`), outbound: (m) => void seen.push(`a out ${String(m["n"])}`) },
      undefined,
      { inbound: (m) => (seen.push(`b ${String(m["n"])}`), m["n"] !== 2) },
      { inbound: (m) => void seen.push(`c ${String(m["n"])}`) },
    );
    expect(hooks.inbound?.({ n: 1 })).toBeUndefined();
    expect(hooks.inbound?.({ n: 2 })).toBe(false);
    hooks.outbound?.({ n: 3 });
    expect(seen).toEqual(["a 1", "b 1", "c 1", "a 2", "b 2", "a out 3"]);
  });
});

describe("QmpTestServer fallback option", () => {
  it("serves commands without a handler of their own; registered handlers still win", async () => {
    const server = new QmpTestServer({ fallback: (args, ctx) => ({ served: ctx.command, args }) });
    cleanup.push(() => server.close());
    const qmp = new QmpClient();
    await qmp.connect(server.connectPair());
    expect(await qmp.execute("anything-at-all", { a: 1 })).toEqual({ served: "anything-at-all", args: { a: 1 } });
    expect(await qmp.execute("query-status")).toMatchObject({ status: "running" });
    await qmp.disconnect();
  });
});
