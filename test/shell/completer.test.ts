import { describe, expect, it } from "vitest";
import { QmpSchema } from "../../runtime/index.js";
import { qemu72Schema } from "../../runtime/testing/index.js";
import { complete, type CompleterContext } from "../../runtime/shell/completer.js";

const schema = new QmpSchema(qemu72Schema());
const ctx: CompleterContext = { schema };
const at = (line: string, extra: Partial<CompleterContext> = {}) => complete({ ...ctx, ...extra }, line);

describe("completer (QEMU 7.2 schema)", () => {
  it("completes command names; one candidate gets a space", () => {
    expect(at("query-st")).toEqual([["query-stats", "query-stats-schemas", "query-status"], "query-st"]);
    expect(at("query-statu")).toEqual([["query-status "], "query-statu"]);
    expect(at("blockdev-ad")).toEqual([["blockdev-add "], "blockdev-ad"]);
    expect(at("he")[0]).toContain("help ");
    expect(at("transa")[0]).toEqual(["transaction", "transaction("]);
  });

  it("completes argument names: '=' after a value, '.' after an object", () => {
    const [names, fragment] = at("blockdev-add ");
    expect(fragment).toBe("");
    expect(names).toEqual([
      "auto-read-only=",
      "cache.",
      "detect-zeroes=",
      "discard=",
      "driver=",
      "force-share=",
      "node-name=",
      "read-only=",
    ]);
    expect(at("blockdev-add dri")).toEqual([["driver="], "dri"]);
  });

  it("offers the members of the branch chosen by a discriminator typed earlier", () => {
    expect(at("blockdev-add driver=file fil")).toEqual([["filename="], "fil"]);
    expect(at("blockdev-add driver=qcow2 lazy")).toEqual([["lazy-refcounts="], "lazy"]);
    expect(at("blockdev-add driver=raw lazy")).toEqual([[], "lazy"]);
    // Nested: the branch of `file` chosen by `file.driver`, typed before or after the member.
    expect(at("blockdev-add driver=qcow2 file.driver=file file.fi")).toEqual([["filename="], "fi"]);
    expect(at("blockdev-add driver=qcow2 file.fi")).toEqual([[], "fi"]);
    expect(at("blockdev-add driver=qcow2 file.")[0]).toContain("driver=");
  });

  it("completes options. then the members of the branch chosen by options.driver", () => {
    expect(at("blockdev-create job-id=j opt")).toEqual([["options."], "opt"]);
    expect(at("blockdev-create job-id=j options.")).toEqual([["driver="], ""]);
    expect(at("blockdev-create job-id=j options.driver=qco")).toEqual([["qcow", "qcow2"], "qco"]);
    const [members] = at("blockdev-create job-id=j options.driver=qcow2 options.");
    expect(members).toEqual(expect.arrayContaining(["file", "size=", "cluster-size=", "preallocation=", "encrypt."]));
    expect(members).not.toContain("driver=");
    expect(at("blockdev-create job-id=j options.driver=qcow2 options.preallocation=")).toEqual([
      ["falloc", "full", "metadata", "off"],
      "",
    ]);
  });

  it("leaves out members already given", () => {
    expect(at("blockdev-add driver=file filename=x ")[0]).not.toContain("filename=");
    expect(at("blockdev-add driver=file filename=x ")[0]).not.toContain("driver=");
  });

  it("completes nested members at any depth", () => {
    expect(at("blockdev-add driver=file cache.")).toEqual([["direct=", "no-flush="], ""]);
    expect(at("blockdev-add driver=qcow2 encrypt.format=luks encrypt.key")).toEqual([["key-secret="], "key"]);
  });

  it("completes enum values, discriminator values and booleans after key=", () => {
    expect(at("blockdev-add driver=file discard=")).toEqual([["ignore", "unmap"], ""]);
    expect(at("blockdev-add driver=qco")).toEqual([["qcow", "qcow2"], "qco"]);
    expect(at("blockdev-add driver=qcow2 cache.direct=")).toEqual([["false", "true"], ""]);
    expect(at("blockdev-add driver=file discard=un")).toEqual([["unmap "], "un"]);
    expect(at("blockdev-add driver=file filename=")).toEqual([[], ""]);
  });

  it("completes event names after wait, and topics after help", () => {
    expect(at("wait STO")).toEqual([["STOP "], "STO"]);
    expect(at("wait JOB_")).toEqual([["JOB_STATUS_CHANGE "], "JOB_"]);
    expect(at("help query-statu")).toEqual([["query-status "], "query-statu"]);
    expect(at("help SHUTD")).toEqual([["SHUTDOWN "], "SHUTD"]);
    expect(at("events o")).toEqual([["off", "on"], "o"]);
    expect(at("events STO")).toEqual([["STOP "], "STO"]);
    expect(at("events STOP RES")).toEqual([["RESET", "RESUME"], "RES"]);
    expect(at("events STOP o")).toEqual([[], "o"]);
  });

  it("completes arguments after help COMMAND and COMMAND?", () => {
    expect(at("help blockdev-add driver=file fil")).toEqual([["filename="], "fil"]);
    expect(at("blockdev-add? dri")).toEqual([["driver="], "dri"]);
  });

  it("completes transaction actions and their data members", () => {
    expect(at("transaction( block-dirty-bitmap-a")).toEqual([["block-dirty-bitmap-add "], "block-dirty-bitmap-a"]);
    expect(at("transaction( block-dirty-bitmap-add no")).toEqual([["node="], "no"]);
    expect(at("transaction( abort , block-dirty-bitmap-add node=n na")).toEqual([["name="], "na"]);
    expect(at("transaction(abort, block-dirty-bitmap-add node=n na")).toEqual([["name="], "na"]);
    expect(at("transaction(block-dirty-bitmap-add no")).toEqual([["node="], "no"]);
    expect(at("abort, block-dirty-bitmap-add no", { inTransaction: true })).toEqual([["node="], "no"]);
    expect(at("", { inTransaction: true })[0]).toContain("abort");
    expect(at("blockdev-snapshot-sync snapshot-f", { inTransaction: true })).toEqual([["snapshot-file="], "snapshot-f"]);
  });

  it("without a schema: names from the agent or HMP", () => {
    expect(complete({ schema: undefined, commandNames: ["guest-ping", "guest-info"] }, "guest-p")).toEqual([
      ["guest-ping "],
      "guest-p",
    ]);
    const hmp = { schema, commandNames: ["info", "info block", "info blockstats", "info status", "stop"], hmp: true };
    expect(complete(hmp, "inf")).toEqual([["info "], "inf"]);
    expect(complete(hmp, "st")).toEqual([["stop "], "st"]);
    expect(complete(hmp, "info bl")).toEqual([["block", "blockstats"], "bl"]);
    expect(complete(hmp, "info st")).toEqual([["status "], "st"]);
    expect(complete(hmp, "stop x")).toEqual([[], "x"]);
    expect(complete(hmp, "wait STO")).toEqual([["STOP "], "STO"]);
  });
});
