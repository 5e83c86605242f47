// Record a real QEMU session, replay the cassette to the same code: same results, events, errors.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ExecuteError, QmpClient, type QmpEvent } from "../../runtime/index.js";
import { QmpRecorder, QmpTestServer, ReplayMismatchError, parseCassette } from "../../runtime/testing/index.js";
import { QEMU, describeWith, qemuPerTest, tempDir } from "../helpers/qemu.js";

const start = qemuPerTest();

/** The code under test. Returns results, errors and events in the order it saw them. */
async function scenario(qmp: QmpClient, image: string): Promise<{ steps: unknown[]; events: QmpEvent[] }> {
  const steps: unknown[] = [];
  const events: QmpEvent[] = [];
  const off = qmp.on("*", (event) => void events.push(event));
  steps.push(await qmp.execute("query-status"));
  steps.push(await qmp.execute("stop"));
  steps.push(await qmp.execute("query-status"));
  steps.push(await qmp.execute("cont"));
  const created = await qmp.executeUntil(
    "blockdev-create",
    { "job-id": "job0", options: { driver: "file", filename: image, size: 1048576 } },
    "JOB_STATUS_CHANGE",
    { data: { id: "job0", status: "concluded" } },
    { timeout: 5000 },
  );
  steps.push(created.result, created.event.data);
  steps.push(await qmp.execute("query-jobs"));
  steps.push(await qmp.execute("job-dismiss", { id: "job0" }));
  const failed = (await qmp.execute("device_del", { id: "nope" }).catch((e: unknown) => e)) as ExecuteError;
  steps.push({
    class: failed.errorClass,
    desc: failed.desc,
    command: failed.command,
    isExecuteError: failed instanceof ExecuteError,
  });
  const schema = (await qmp.execute("query-qmp-schema")) as Array<{ name: string; "meta-type": string }>;
  steps.push({ entries: schema.length, commands: schema.filter((e) => e["meta-type"] === "command").length, schema });
  off();
  return { steps, events };
}

// What the client saw on the wire, without ids and times: direction + command / event / reply kind.
function wireShape(text: string): string[] {
  return parseCassette(text, "cassette").entries.map((e) => {
    const m = e.msg;
    if (e.dir === "out") return `out ${String(m["execute"])}`;
    if (typeof m["event"] === "string")
      return `in ${m["event"]} ${JSON.stringify((m["data"] as { status?: unknown })?.status ?? "")}`;
    return "error" in m ? "in error" : "in return";
  });
}

describeWith(QEMU)("record a real QEMU session and replay it", () => {
  it("replays query-status, stop/cont, a blockdev-create job, a failing command and query-qmp-schema", async () => {
    using dir = tempDir();
    const image = join(dir.path, "disk.img");
    const cassette = join(dir.path, "cassettes", "session.jsonl");

    const recorder = new QmpRecorder();
    // The helper's own client is not recorded: hand the monitor over to a recording client.
    const live = await start();
    await live.qmp.disconnect();
    const qmp = new QmpClient({ hooks: recorder.hooks });
    await qmp.connect(live.socketPath, { timeout: 5000 });
    const recorded = await scenario(qmp, image);
    await qmp.disconnect();
    await recorder.save(cassette);

    const text = await readFile(cassette, "utf8");
    const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
    expect(header).toMatchObject({ "qmpkit-cassette": 1, qemu: expect.stringMatching(/^7\.2\./), greeting: { QMP: {} } });
    const shape = wireShape(text);
    // Live QEMU sent STOP / RESUME and the job's first events before the replies.
    expect(shape.slice(shape.indexOf("out stop"), shape.indexOf("out stop") + 3)).toEqual([
      "out stop",
      'in STOP ""',
      "in return",
    ]);
    expect(shape.slice(shape.indexOf("out cont"), shape.indexOf("out cont") + 3)).toEqual([
      "out cont",
      'in RESUME ""',
      "in return",
    ]);
    const create = shape.indexOf("out blockdev-create");
    expect(shape.slice(create, create + 4)).toEqual([
      "out blockdev-create",
      'in JOB_STATUS_CHANGE "created"',
      'in JOB_STATUS_CHANGE "running"',
      "in return",
    ]);
    expect(recorded.steps.at(-2)).toMatchObject({ class: "DeviceNotFound", isExecuteError: true });
    expect(recorded.steps.at(-1)).toMatchObject({
      entries: expect.any(Number) as number,
      commands: expect.any(Number) as number,
    });

    // Replay over a unix socket, strict: the same code sees the same results, events and errors.
    await using server = await QmpTestServer.replay(cassette, { strict: true });
    await server.listen({ path: join(dir.path, "replay.sock") });
    const replayRecorder = new QmpRecorder();
    const client = new QmpClient({ hooks: replayRecorder.hooks });
    await client.connect(join(dir.path, "replay.sock"), { timeout: 5000 });
    expect(client.greeting).toEqual(header["greeting"] && (header["greeting"] as { QMP: unknown }).QMP);
    const replayed = await scenario(client, image);
    await client.disconnect();
    expect(replayed.steps).toEqual(recorded.steps);
    expect(replayed.events).toEqual(recorded.events);
    expect(wireShape(replayRecorder.toJSONL())).toEqual(shape);
    expect(server.unmatched).toEqual([]);
    expect(server.unused).toEqual([]);

    // The same cassette, code that strays: unmatched commands get a GenericError; strict close rejects.
    const strayServer = await QmpTestServer.replay(cassette, { strict: true });
    const stray = new QmpClient();
    await stray.connect(strayServer.connectPair());
    expect(await stray.execute("query-status")).toEqual(recorded.steps[0]);
    const error = (await stray
      .execute("blockdev-create", { "job-id": "job9", options: {} })
      .catch((e: unknown) => e)) as ExecuteError;
    expect(error).toBeInstanceOf(ExecuteError);
    expect(error.errorClass).toBe("GenericError");
    expect(error.desc).toContain('closest recorded command: blockdev-create {"job-id":"job0"');
    await stray.disconnect();
    const rejected = (await strayServer.close().catch((e: unknown) => e)) as ReplayMismatchError;
    expect(rejected).toBeInstanceOf(ReplayMismatchError);
    expect(rejected.unmatched.map((u) => u.command)).toEqual(["blockdev-create"]);
    expect(rejected.unused.map((u) => u.command)).toContain("query-qmp-schema");
  }, 60_000);
});
