import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildValidatorsSource, VALIDATORS_PATH } from "../../generator/envelopes/build.js";
import { isEvent, isGreeting, isReply } from "../../runtime/envelopes.js";

describe("envelope validators", () => {
  it("are precompiled from the current schemas (run `npm run build:validators` if this fails)", () => {
    expect(readFileSync(VALIDATORS_PATH, "utf8")).toBe(buildValidatorsSource());
  });

  it("accept QEMU's shapes and reject broken ones", () => {
    expect(
      isGreeting({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: "" }, capabilities: ["oob"] } }),
    ).toBe(true);
    expect(isGreeting({ QMP: { version: { qemu: { major: "7" } }, capabilities: [] } })).toBe(false);
    expect(isReply({ return: {}, id: 1 })).toBe(true);
    expect(isReply({ error: { class: "GenericError", desc: "x" } })).toBe(true);
    expect(isReply({ error: { class: "GenericError" } })).toBe(false);
    expect(isEvent({ event: "STOP", timestamp: { seconds: -1, microseconds: -1 } })).toBe(true);
    expect(isEvent({ event: "STOP", timestamp: { seconds: 1 } })).toBe(false);
    expect(isEvent({ event: "X", timestamp: { seconds: 1, microseconds: 2 }, data: [] })).toBe(false);
  });
});
