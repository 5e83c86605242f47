// Differential test: the same input, byte for byte, to a real QEMU and to the fake; the
// replies must match (event timestamps aside). Skips without QEMU unless QMP_REQUIRE_QEMU.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { expect, test } from "vitest";
import { QmpTestServer, type QmpTestServerOptions } from "qmpkit/testing";

const QEMU = "qemu-system-x86_64";
const haveQemu = spawnSync(QEMU, ["--version"]).status === 0;
const required = process.env["QMP_REQUIRE_QEMU"] !== undefined && process.env["QMP_REQUIRE_QEMU"] !== "";

// Each entry is written on its own; objects with several keys in an id are avoided
// because QEMU prints dictionary keys in hash order. QEMU answers exec-oob from its I/O
// thread, ahead of queued in-band commands, so SYNC (wait for everything before) fences
// each exec-oob to keep the real transcript deterministic.
const SYNC = Symbol("sync");
const SCRIPT: Array<string | Buffer | typeof SYNC> = [
  '{"execute":"query-status","id":1}',
  '{"exec-oob":"query-status","id":2}',
  '{"execute":"nope"}',
  '{"execute":"qmp_capabilities","arguments":{"enable":["foo"]},"id":3}',
  '{"execute":"qmp_capabilities","arguments":{"enable":"oob"}}',
  '{"execute":"qmp_capabilities","arguments":{"x":1}}',
  '{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":"neg"}',
  '{"execute":"qmp_capabilities","id":5}',
  '{"execute":"query-status","id":12345678901234567890}',
  '{"execute":"query-status","id":-18446744073709551615}',
  '{"execute":"query-status","id":1.0}',
  '{"execute":"query-status","id":["\\u00e9\\ud83d\\ude00/\\t",null,true,{}]}',
  "{'execute':'query-status','id':'it\\'s'}",
  '{"execute":"stop","id":"s1"}',
  '{"execute":"stop","id":"s2"}',
  '{"execute":"query-status"}',
  '{"execute":"cont"}{"execute":"cont","id":"c2"}',
  '{"execute":"query-status","id":"q"}',
  '{"execute":"system_powerdown","id":"p"}',
  '{"execute":"query-version"}',
  '{"execute":"stop","arguments":{"x":1},"id":6}',
  SYNC,
  '{"exec-oob":"query-status","id":7}',
  SYNC,
  '{"execute":"query-status","exec-oob":"query-status","id":8}',
  SYNC,
  '{"exec-oob":"no-such","id":9}',
  SYNC,
  '{"execute":5,"id":10}',
  '{"execute":"query-status","arguments":[],"id":11}',
  '{"execute":"query-status","foo":1,"id":12}',
  '{"id":13}',
  "[1,2]",
  "42 ",
  '"str"',
  "}",
  '{"execute":"query-status","id":14,}',
  "nul ",
  '{"execute": garbage\n{"execute":"query-status","id":"swallowed"}\n',
  Buffer.from([0xff]),
  '{"execute":"query-status","id":"end"}',
];

async function transcript(stream: Duplex): Promise<string[]> {
  let text = "";
  let want = "";
  let wake = (): void => {};
  let failure: Error | undefined;
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    text += chunk;
    wake();
  });
  const fail = (error: Error): void => {
    failure = error;
    wake();
  };
  stream.on("error", fail);
  stream.on("end", () => fail(new Error(`ended early: ${text}`)));
  const until = async (id: string): Promise<void> => {
    want = `"id": "${id}"`;
    while (!text.includes(want + "}\r\n") && !text.includes(want + "\r\n}\r\n")) {
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let syncs = 0;
  for (const part of SCRIPT) {
    if (part !== SYNC) stream.write(part);
    else {
      stream.write(`{"execute":"query-status","id":"sync${++syncs}"}`);
      await until(`sync${syncs}`);
    }
  }
  await until("end");
  stream.destroy();
  return text.replace(/"seconds": \d+,(\s*)"microseconds": \d+/g, '"seconds": S,$1"microseconds": U').split("\r\n");
}

/** QEMU creates the socket file before it listens: retry until it accepts. */
async function connectWhenReady(path: string): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ path });
        socket.once("connect", () => resolve(socket)).once("error", reject);
      });
    } catch (error) {
      if (attempt >= 300) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function compare(monitor: (path: string) => string[], options: QmpTestServerOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "qmp-parity-"));
  const path = join(dir, "qmp.sock");
  const qemu = spawn(QEMU, ["-machine", "none", "-nodefaults", "-display", "none", ...monitor(path)], { stdio: "ignore" });
  try {
    const socket = await connectWhenReady(path);
    const real = await transcript(socket);
    await using server = new QmpTestServer({
      oobCommands: ["query-yank"],
      ...options,
    });
    const fake = await transcript(server.connectPair());
    // The greeting is compared only where the installed QEMU is the measured 7.2 build.
    const greetingLines = options.pretty === true ? real.indexOf("}") + 1 : 1;
    const measured = real.slice(0, greetingLines).join("").includes("Debian 1:7.2+dfsg-7+deb12u18+b3");
    if (!measured) {
      real.splice(0, greetingLines);
      fake.splice(0, greetingLines);
    }
    expect(fake).toEqual(real);
  } finally {
    qemu.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

const runIf = test.skipIf(!haveQemu && !required);

runIf("the fake answers like QEMU 7.2 for the same bytes", async () => {
  await compare((path) => ["-qmp", `unix:${path},server=on,wait=off`], {});
});

runIf("pretty output matches QEMU's pretty=on", async () => {
  const monitor = (path: string): string[] => [
    "-chardev",
    `socket,id=m,path=${path},server=on,wait=off`,
    "-mon",
    "chardev=m,mode=control,pretty=on",
  ];
  await compare(monitor, { pretty: true });
});
