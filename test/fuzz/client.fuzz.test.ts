import { describe, expect, it } from "vitest";
import { fuzz } from "./client-fuzz.js";

// The same seed every run: a failure names its case number, which reproduces alone.
const SEED = 20261130;

describe("client reader fuzzing", () => {
  it("10,000 mutated/truncated replies, events and greetings: each settles within 1 s with a value or a QmpError, nothing leaks", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const before = process.getActiveResourcesInfo().sort();
    try {
      const summary = await fuzz(SEED, 10_000);
      expect(summary.cases).toBe(10_000);
      // The generator covers every ending: values, command errors, lost connections, bad greetings.
      expect(Object.keys(summary.outcomes).sort()).toEqual(["ConnectError", "DisconnectedError", "ExecuteError", "value"]);
      expect(summary.invalidLinesOpen).toBeGreaterThan(1000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(process.getActiveResourcesInfo().sort()).toEqual(before);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
