/**
 * Logging: silent unless the user passes a logger or sets `DEBUG=qmpkit` (or `qmpkit*`,
 * or `NODE_DEBUG=qmpkit`), in which case debug lines go to stderr.
 * @module
 */
import { debuglog } from "node:util";

/** The logger interface the client calls; any console-like object fits. */
export interface QmpLogger {
  debug(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
}

function debugEnabledByEnv(): boolean {
  const debug = process.env["DEBUG"] ?? "";
  return debug.split(/[\s,]+/).some((pattern) => pattern === "*" || pattern === "qmpkit" || pattern.startsWith("qmpkit"));
}

const nodeDebug = debuglog("qmpkit");
const envDebug = debugEnabledByEnv();

/** True when debug output was enabled through the environment at startup. */
export const debugFromEnv: boolean = envDebug || nodeDebug.enabled;

/** The default logger: debug lines only when enabled by environment; warnings always. */
export const defaultLogger: QmpLogger = {
  debug(message, ...details) {
    if (envDebug) console.error(`qmpkit ${message}`, ...details);
    else nodeDebug(message, ...details);
  },
  warn(message, ...details) {
    process.emitWarning(`${message}${details.length ? " " + details.map(String).join(" ") : ""}`, "QmpkitWarning");
  },
};
