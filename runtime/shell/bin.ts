#!/usr/bin/env node
/**
 * Executable entry of `qmpkit` (package.json `bin`).
 * @module
 */
import { runCli } from "./cli.js";

const code = await runCli(process.argv.slice(2));
// Exit once output is flushed rather than when the event loop drains (stdin may stay open).
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
