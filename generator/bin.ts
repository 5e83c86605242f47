#!/usr/bin/env node
/**
 * Executable entry of `qapi-gen` (package.json `bin`).
 * @module
 */
import { runCli } from "./cli.js";

const code = await runCli(process.argv.slice(2));
// Exit once output is flushed rather than when the event loop drains: a timer left behind by
// a library (e.g. a shutdown grace period) must not keep the command waiting.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
