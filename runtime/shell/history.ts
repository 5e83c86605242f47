/**
 * Line history across sessions (`--history FILE`, default `~/.qmpkit_history`).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** How many lines are kept. */
export const HISTORY_SIZE = 1000;

/** The default history file under the user's home. */
export function defaultHistoryPath(): string {
  return join(homedir(), ".qmpkit_history");
}

/** Lines of the history file, newest first (readline's order); none when it cannot be read. */
export function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(-HISTORY_SIZE)
      .reverse();
  } catch {
    return [];
  }
}

/** Writes readline's history (newest first) oldest first; a failure is reported once, not thrown. */
export function saveHistory(path: string, newestFirst: readonly string[]): Error | undefined {
  try {
    writeFileSync(path, [...newestFirst].slice(0, HISTORY_SIZE).reverse().join("\n") + "\n", { mode: 0o600 });
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
