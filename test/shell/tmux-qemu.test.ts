/**
 * The interactive shell in a real terminal, as a person uses it: tmux runs `qmpkit shell`
 * against a real QEMU; keys (Tab included) go in with send-keys, the screen comes back with
 * capture-pane. QEMU has two monitors: the shell holds one, the test emits events on the other.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWith, hasBinary, QEMU, QGA, tempDir } from "../helpers/qemu.js";
import { CLI, executeOnSecondMonitor, qemuWithTwoMonitors, ROOT, startAgent, stop } from "./helpers.js";

const required = process.env["QMP_REQUIRE_QEMU"] !== undefined && process.env["QMP_REQUIRE_QEMU"] !== "";
const haveTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
const describeTerminal = haveTmux || required ? describeWith(QEMU) : describeWith("tmux-is-not-installed");

const server = `qmpkit-test-${process.pid}`;
const tmux = (...args: string[]) => {
  const result = spawnSync("tmux", ["-L", server, ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
};
/** The screen, wrapped rows joined (-J), trailing blanks of each row dropped. */
const screen = (escapes = false) =>
  tmux("capture-pane", "-p", "-J", ...(escapes ? ["-e"] : []), "-t", "shell")
    .split("\n")
    .map((row) => row.trimEnd())
    .join("\n");
/** The screen without trailing blank rows. */
const lines = () => screen().trimEnd().split("\n");
const lastLine = () => lines().at(-1) ?? "";
/** The last non-blank row of a captured screen (judge the capture a test returns, not a later one). */
const lastRow = (text: string) => text.trimEnd().split("\n").at(-1) ?? "";

/** The terminal cursor's column. */
const cursorColumn = () => Number(tmux("display-message", "-p", "-t", "shell", "#{cursor_x}").trim());

/** Types text literally (no key names). */
async function type(text: string): Promise<void> {
  tmux("send-keys", "-t", "shell", "-l", text);
  await sleep(50);
}

/** Presses keys by name (`Tab`, `Enter`, `C-c`), one at a time: readline completes only on a Tab read on its own. */
async function press(...keys: string[]): Promise<void> {
  for (const key of keys) {
    tmux("send-keys", "-t", "shell", key);
    await sleep(150);
  }
}

async function waitFor(test: (text: string) => boolean, what: string, ms = 8000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
    await sleep(50);
  }
}

/** Drops whatever a previous step left (Ctrl-C), clears the screen (Ctrl-L): each step reads only its own output. */
async function clear(): Promise<void> {
  await press("C-c", "C-l");
  await waitFor((t) => t.trimEnd() === "(QEMU)", "a cleared screen");
}

describeTerminal("qmpkit shell in a terminal (tmux, real QEMU)", () => {
  let dir: { path: string } & Disposable;
  let qemu: { child: ChildProcess; a: string; b: string };

  beforeAll(async () => {
    if (!haveTmux) throw new Error("tmux is not installed (QMP_REQUIRE_QEMU is set)");
    if (!hasBinary(QEMU) && required) throw new Error(`${QEMU} is not installed`);
    dir = tempDir();
    qemu = await qemuWithTwoMonitors(dir.path);
    writeFileSync(join(dir.path, "history"), "query-version\n");
    const command = [...CLI, "shell", qemu.a, "--history", join(dir.path, "history"), "--log", join(dir.path, "transcript.log")]
      .map((w) => `'${w}'`)
      .join(" ");
    tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "shell", "-c", ROOT, `${command}; echo EXIT=$?; sleep 600`);
    await waitFor((t) => /^\(QEMU\)$/m.test(t), "the prompt", 15_000);
  });

  afterAll(async () => {
    spawnSync("tmux", ["-L", server, "kill-server"], { stdio: "ignore" });
    if (qemu !== undefined) await stop(qemu.child);
    dir?.[Symbol.dispose]();
  });

  it("recalls the history file with Up", async () => {
    await press("Up");
    await waitFor(() => lastLine() === "(QEMU) query-version", "the recalled line");
    await press("C-c");
    await waitFor(() => lastLine() === "(QEMU)", "an empty line");
  });

  it("completes a command name: several candidates are listed, one is inserted", async () => {
    await type("query-stat");
    await press("Tab", "Tab");
    const listed = await waitFor((t) => t.includes("query-stats-schemas"), "the candidate list");
    expect(listed).toMatch(/query-stats\s+query-stats-schemas\s+query-status/);
    await type("us");
    await press("Tab");
    await waitFor(() => lastLine() === "(QEMU) query-status", "the completed command");
    await press("Enter");
    await waitFor((t) => t.includes('{"status":"running","singlestep":false,"running":true}'), "the reply");
    await waitFor(() => lastLine() === "(QEMU)", "the next prompt");
  });

  it("completes on every Tab even when keys arrive in one burst (send-keys text Tab Tab)", async () => {
    await clear();
    tmux("send-keys", "-t", "shell", "wait JOB_STATUS", "Tab", "Tab", "C-a", "Tab", "Tab");
    // `wait JOB_STATUS` Tab completes the event; at the line start, Tab Tab lists the commands.
    const text = await waitFor((t) => t.includes("query-status") && t.includes("blockdev-add"), "the command list");
    expect(text).toContain("(QEMU) wait JOB_STATUS_CHANGE");
    await press("C-c");
    await waitFor(() => lastLine() === "(QEMU)", "an empty line");
  });

  it("completes a nested argument of the branch chosen by a discriminator typed earlier", async () => {
    await clear();
    await type("blockdev-add driver=qcow2 node-name=n0 lazy");
    await press("Tab");
    await waitFor(() => lastLine().endsWith("lazy-refcounts="), "the qcow2 branch member");
    await type("on file.driver=file file.fil");
    await press("Tab");
    await waitFor(() => lastLine().endsWith("file.filename="), "the nested file branch member");
    await press("C-c");
    await waitFor(() => lastLine() === "(QEMU)", "an empty line after Ctrl-C");
  });

  it("completes enum values after key=", async () => {
    await clear();
    await type("blockdev-add driver=file discard=");
    await press("Tab", "Tab");
    await waitFor((t) => /^ignore\s+unmap$/m.test(t), "the enum values listed");
    await type("un");
    await press("Tab");
    await waitFor(() => lastLine() === "(QEMU) blockdev-add driver=file discard=unmap", "the completed enum value");
    await press("C-c");
  });

  it("shows a validation error with QEMU's text and the valid values; nothing is sent", async () => {
    await clear();
    await type("blockdev-add driver=qcow3 node-name=n0");
    await press("Enter");
    const text = await waitFor((t) => t.includes("valid values"), "the validation error");
    expect(text).toContain("GenericError: Parameter 'driver' does not accept value 'qcow3'");
    expect(text).toMatch(/valid values for 'driver': blkdebug, .*qcow2, .*vvfat/);
    // Errors are red on a terminal.
    expect(screen(true)).toContain("\x1b[31mGenericError: Parameter 'driver'");
    const transcript = readFileSync(join(dir.path, "transcript.log"), "utf8");
    expect(transcript).toMatch(/ -> \{"execute":"query-status"/);
    expect(transcript).not.toContain("qcow3");
  });

  it("prints an event above the prompt while a line is half typed, and the line stays intact", async () => {
    await clear();
    await type("query-na");
    await waitFor(() => lastLine() === "(QEMU) query-na", "the typed text");
    await executeOnSecondMonitor(qemu.b, "stop");
    // The event line is written first, the redrawn prompt right after: wait for both.
    const text = await waitFor((t) => / STOP$/m.test(t) && lastRow(t) === "(QEMU) query-na", "the STOP event and the prompt");
    const rows = text.trimEnd().split("\n");
    expect(rows.at(-1)).toBe("(QEMU) query-na");
    expect(rows.at(-2)).toMatch(/^\d\d:\d\d:\d\d\.\d{3} STOP$/);
    // The typed text is still in readline's buffer, not only on screen: finish and run it.
    await type("me");
    await press("Enter");
    await waitFor(() => lines().at(-2) === "{}" && lastLine() === "(QEMU)", "query-name's reply");
    await executeOnSecondMonitor(qemu.b, "cont");
    await waitFor((t) => / RESUME$/m.test(t), "the RESUME event");
  });

  it("keeps a half-typed line that wraps over two rows intact around an event", async () => {
    await clear();
    const long = `blockdev-add driver=file node-name=n1 filename=/tmp/${"x".repeat(150)}.img discard=unmap`;
    await type(long);
    await press("Left", "Left");
    // The shell has echoed the text and moved the cursor (on the second row) before the event comes.
    const column = (`(QEMU) ${long}`.length - 2) % 200;
    await waitFor(() => lastLine() === `(QEMU) ${long}` && cursorColumn() === column, "the typed text and the cursor");
    await executeOnSecondMonitor(qemu.b, "stop");
    const text = await waitFor((t) => / STOP$/m.test(t) && lastRow(t) === `(QEMU) ${long}`, "the STOP event and the prompt");
    const rows = text.trimEnd().split("\n");
    expect(rows.at(-1), text).toBe(`(QEMU) ${long}`);
    expect(rows.at(-2), text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} STOP$/);
    // Typing goes on where the cursor was.
    await type("X");
    await waitFor(() => lastLine() === `(QEMU) ${long.slice(0, -2)}X${long.slice(-2)}`, "the edit at the cursor");
    await press("C-c");
    await waitFor(() => lastLine() === "(QEMU)", "a fresh prompt after Ctrl-C");
    expect(lines().at(-2), screen()).toBe(`(QEMU) ${long.slice(0, -2)}X${long.slice(-2)}^C`);
    await executeOnSecondMonitor(qemu.b, "cont");
  });

  it("Ctrl-C cancels a running command and the shell stays", async () => {
    await clear();
    await type("wait SHUTDOWN");
    await press("Enter");
    await sleep(200);
    await press("C-c");
    await waitFor((t) => t.includes("Cancelled: cancelled"), "the cancellation");
    await type("query-kvm");
    await press("Enter");
    await waitFor((t) => t.includes('{"enabled":false,"present":true}'), "a reply after the cancel");
  });

  it("help COMMAND prints the argument tree", async () => {
    await clear();
    await type("block-dirty-bitmap-add?");
    await press("Enter");
    const text = await waitFor((t) => t.includes("returns: {}"), "the help text");
    expect(text).toMatch(/^ {2}node: str$/m);
    expect(text).toMatch(/^ {2}\*granularity: int$/m);
  });

  it("reads a multi-line transaction at the TRANS> prompt", async () => {
    await clear();
    await type("transaction(");
    await press("Enter");
    await waitFor(() => lastLine() === "TRANS>", "the TRANS> prompt");
    await type("abort");
    await press("Enter");
    await type(")");
    await press("Enter");
    await waitFor((t) => t.includes("GenericError: Transaction aborted using Abort action"), "the transaction's reply");
    await waitFor(() => lastLine() === "(QEMU)", "the normal prompt again");
  });

  it("Ctrl-D leaves with status 0, QEMU keeps running, the history is saved", async () => {
    await press("C-d");
    await waitFor((t) => t.includes("EXIT=0"), "the shell's exit");
    expect(qemu.child.exitCode).toBeNull();
    const history = readFileSync(join(dir.path, "history"), "utf8")
      .split("\n")
      .map((line) => line.trimEnd());
    expect(history[0]).toBe("query-version");
    expect(history).toContain("query-status");
    expect(history).toContain("block-dirty-bitmap-add?");
    expect(history.at(-2)).toBe(")");
  });

  it("uses no color with NO_COLOR set; quit leaves with 0", async () => {
    const command = [...CLI, "shell", qemu.a, "--no-history"].map((w) => `'${w}'`).join(" ");
    tmux(
      "new-session",
      "-d",
      "-x",
      "200",
      "-y",
      "50",
      "-s",
      "plain",
      "-c",
      ROOT,
      `NO_COLOR=1 ${command}; echo EXIT=$?; sleep 600`,
    );
    const plain = () => tmux("capture-pane", "-p", "-e", "-J", "-t", "plain");
    for (let i = 0; i < 300 && !/^\(QEMU\)/m.test(plain()); i++) await sleep(50);
    tmux("send-keys", "-t", "plain", "-l", "query-status bogus=1");
    tmux("send-keys", "-t", "plain", "Enter");
    for (let i = 0; i < 200 && !plain().includes("takes no arguments"); i++) await sleep(50);
    expect(plain()).toContain("GenericError: Parameter 'bogus' is unexpected\n  query-status takes no arguments");
    expect(plain()).not.toContain("\x1b[");
    // `quit` leaves the shell, not QEMU (no --qemu).
    tmux("send-keys", "-t", "plain", "quit", "Enter");
    for (let i = 0; i < 200 && !plain().includes("EXIT="); i++) await sleep(50);
    expect(plain()).toContain("EXIT=0");
    expect(qemu.child.exitCode).toBeNull();
  });

  it("reports a lost connection and exits 1", async () => {
    const command = [...CLI, "shell", qemu.a, "--no-history"].map((w) => `'${w}'`).join(" ");
    tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", "lost", "-c", ROOT, `${command}; echo EXIT=$?; sleep 600`);
    const lost = () => tmux("capture-pane", "-p", "-J", "-t", "lost");
    for (let i = 0; i < 300 && !/^\(QEMU\)/m.test(lost()); i++) await sleep(50);
    tmux("send-keys", "-t", "lost", "-l", "query-na");
    await sleep(100);
    qemu.child.kill("SIGKILL");
    for (let i = 0; i < 200 && !lost().includes("EXIT="); i++) await sleep(50);
    expect(lost()).toMatch(/connection lost[^\n]*\n(.*\n)*EXIT=1/);
  });
});

describeTerminal("qmpkit shell prompts for the guest agent and HMP (tmux)", () => {
  const session = async (name: string, args: string[]) => {
    const command = [...CLI, "shell", ...args, "--no-history"].map((w) => `'${w}'`).join(" ");
    tmux("new-session", "-d", "-x", "200", "-y", "50", "-s", name, "-c", ROOT, `${command}; echo EXIT=$?; sleep 600`);
    const view = () =>
      tmux("capture-pane", "-p", "-J", "-t", name)
        .split("\n")
        .map((row) => row.trimEnd())
        .join("\n");
    const until = async (test: (text: string) => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        if (test(view())) return view();
        await sleep(50);
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${view()}`);
    };
    return { view, until, keys: (...keys: string[]) => tmux("send-keys", "-t", name, ...keys) };
  };

  afterAll(() => {
    spawnSync("tmux", ["-L", server, "kill-server"], { stdio: "ignore" });
  });

  it.skipIf(!hasBinary(QGA) && !required)("(QGA) with completion of the agent's commands", async () => {
    using dir = tempDir();
    const agent = await startAgent(dir.path);
    try {
      const qga = await session("qga", ["--qga", agent.socket]);
      await qga.until((t) => /^\(QGA\)$/m.test(t), "the (QGA) prompt");
      qga.keys("guest-pi", "Tab", "Enter");
      await qga.until((t) => /^\(QGA\) guest-ping\n\{\}\n\(QGA\)$/m.test(t), "guest-ping's reply");
      qga.keys("C-d");
      await qga.until((t) => t.includes("EXIT=0"), "the exit");
    } finally {
      await stop(agent.child);
    }
  });

  it("(HMP) with completion of HMP commands and info subcommands", async () => {
    using dir = tempDir();
    const qemu = await qemuWithTwoMonitors(dir.path);
    try {
      const hmp = await session("hmp", ["--hmp", qemu.a]);
      await hmp.until((t) => /^\(HMP\)$/m.test(t), "the (HMP) prompt");
      hmp.keys("inf", "Tab", "versio", "Tab", "Enter");
      await hmp.until((t) => /^\(HMP\) info version\n7\.2\.\d+/m.test(t), "info version's output");
      hmp.keys("C-d");
      await hmp.until((t) => t.includes("EXIT=0"), "the exit");
    } finally {
      await stop(qemu.child);
    }
  });
});
