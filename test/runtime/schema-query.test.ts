import { describe, expect, it } from "vitest";
import { QmpSchema } from "../../runtime/index.js";
import { qemu72Schema, qsd72Schema } from "../../runtime/testing/index.js";
import { QUERY_CASES } from "./schema-query-cases.js";

describe("QmpSchema query strings (QEMU 7.2 x86_64 schema)", () => {
  const schema = new QmpSchema(qemu72Schema());

  it.each(QUERY_CASES)("%s → %s", (query, expected) => {
    expect(schema.has(query)).toBe(expected);
    expect(schema.get(query) !== undefined).toBe(expected);
  });

  it("get() returns the entry reached", () => {
    expect(schema.get("blockdev-add/arg-type/+file/filename")).toEqual({
      name: "str",
      "meta-type": "builtin",
      "json-type": "string",
    });
    const branch = schema.get("blockdev-add/arg-type/+file");
    expect(branch?.["meta-type"]).toBe("object");
    expect(branch?.["meta-type"] === "object" && branch.members.some((m) => m.name === "filename")).toBe(true);
    expect(schema.get("blockdev-add/arg-type/+file/aio/^threads")?.["meta-type"]).toBe("enum");
    expect(schema.get("migrate-set-parameters/arg-type/tls-creds")?.["meta-type"]).toBe("alternate");
    expect(schema.get("migrate-set-parameters/arg-type/tls-creds/!null")).toMatchObject({ name: "null" });
    expect(schema.get("drive-backup/$deprecated")).toBe(schema.command("drive-backup"));
    expect(schema.get("query-status")).toBe(schema.command("query-status"));
    expect(schema.get("nothing/here")).toBeUndefined();
  });

  it.each([
    [""],
    ["query-status//running"],
    ["/query-status"],
    ["query-status/"],
    ["blockdev-add/arg-type/+file/aio/^threads/x"],
    ["query-status/ret-type/running/!boolean/x"],
    ["drive-backup/$deprecated/arg-type"],
    ["migrate-set-capabilities/arg-type/capabilities/capability/^x-colo/$unstable/x"],
    ["migrate-set-capabilities/arg-type/capabilities/capability/^x-colo/^xbzrle"],
    ["query-status/ret-type/running/!boolean/$x"],
    ["query-status/ret-type/+"],
    ["query-status/ret-type/^"],
    ["no-such-command/^value/x"],
  ])("malformed %j is a TypeError", (query) => {
    expect(() => schema.has(query)).toThrow(TypeError);
    expect(() => schema.get(query)).toThrow(TypeError);
  });

  it("looks up commands, events and types", () => {
    expect(schema.commands()).toHaveLength(216);
    expect(schema.events()).toHaveLength(52);
    expect(schema.commands()).toContain("blockdev-add");
    expect(schema.events()).toContain("JOB_STATUS_CHANGE");
    expect(schema.hasCommand("blockdev-reopen")).toBe(true);
    expect(schema.hasCommand("JOB_STATUS_CHANGE")).toBe(false);
    expect(schema.hasEvent("JOB_STATUS_CHANGE")).toBe(true);
    expect(schema.hasEvent("query-status")).toBe(false);
    expect(schema.command("query-status")?.["ret-type"]).toBe("1");
    expect(schema.event("SHUTDOWN")?.["arg-type"]).toBe("2");
    expect(schema.type("str")).toMatchObject({ "meta-type": "builtin", "json-type": "string" });
    expect(schema.type("0")).toEqual({ name: "0", "meta-type": "object", members: [] });
    expect(schema.type("no-such-type")).toBeUndefined();
    expect(schema.entries).toHaveLength(1051);
  });

  it("reads a bare array, a { return } reply, and refuses what is not a schema", () => {
    const entries = qemu72Schema();
    expect(new QmpSchema([...entries]).hasCommand("query-status")).toBe(true);
    expect(new QmpSchema({ return: entries }).hasCommand("query-status")).toBe(true);
    expect(new QmpSchema(qsd72Schema()).commands()).toHaveLength(74);
    for (const bad of [undefined, null, 5, "x", {}, { return: 5 }, [5], [{ name: 1 }], [{ name: "x", "meta-type": "object" }]]) {
      expect(() => new QmpSchema(bad)).toThrow(TypeError);
    }
    for (const badOptions of [null, 5, [], { integerWidths: 5 }, { typeNames: "x" }, { integerWidths: [] }]) {
      expect(() => new QmpSchema(entries, badOptions as never)).toThrow(TypeError);
    }
    // a meta-type from a future QEMU is skipped, not fatal
    expect(new QmpSchema([{ name: "x", "meta-type": "future-thing" }]).entries).toEqual([]);
  });

  it("answers at once on a malformed schema whose alternates and arrays form cycles", () => {
    const cyclic = new QmpSchema([
      { name: "cmd", "meta-type": "command", "arg-type": "obj", "ret-type": "alt" },
      { name: "obj", "meta-type": "object", members: [{ name: "m", type: "alt" }] },
      // every alternate leads back to itself through two branches: a naive search doubles per level
      { name: "alt", "meta-type": "alternate", members: [{ type: "alt" }, { type: "alt2" }, { type: "list" }] },
      { name: "alt2", "meta-type": "alternate", members: [{ type: "alt" }, { type: "alt2" }, { type: "str" }] },
      { name: "list", "meta-type": "array", "element-type": "alt2" },
      { name: "str", "meta-type": "builtin", "json-type": "string" },
    ]);
    const started = Date.now();
    expect(cyclic.has("cmd/ret-type/nope")).toBe(false);
    expect(cyclic.has("cmd/arg-type/m/!int")).toBe(false);
    expect(cyclic.has("cmd/arg-type/m/!string")).toBe(true);
    expect(cyclic.get("cmd/ret-type/!string")?.name).toBe("str");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
