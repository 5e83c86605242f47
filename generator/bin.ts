#!/usr/bin/env node
/**
 * Executable entry of `qapi-gen` (package.json `bin`).
 * @module
 */
const argv = process.argv.slice(2);
// `diff` needs neither ts-morph nor prettier: load only what it uses.
const code =
  argv[0] === "diff"
    ? await (
        await import("./diff/command.js")
      ).runDiff(argv.slice(1), {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      })
    : await (await import("./cli.js")).runCli(argv);
// Exit once output is flushed rather than when the event loop drains: a timer left behind by
// a library (e.g. a shutdown grace period) must not keep the command waiting.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
