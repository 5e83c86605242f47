import { describe, expect, it } from "vitest";
import { QmpSchema } from "../../runtime/index.js";
import { qemu72Schema } from "../../runtime/testing/index.js";
import { paletteFor } from "../../runtime/shell/format.js";
import { helpIndex, helpTopic } from "../../runtime/shell/help.js";
import { issueHints } from "../../runtime/shell/hints.js";

const schema = new QmpSchema(qemu72Schema());
const plain = paletteFor(false);

describe("help", () => {
  it("lists the commands and the shell's own", () => {
    const text = helpIndex(schema.commands(), 100, plain, schema.events());
    expect(text).toContain("Commands (216;");
    expect(text).toContain("Events: 52;");
    expect(text).toMatch(/query-status/);
    expect(text).toMatch(/wait EVENT/);
  });

  it("describes a command: arguments, optional markers, return type", () => {
    expect(helpTopic(schema, "query-status", undefined, plain)).toBe(
      [
        "query-status (command)",
        "arguments:",
        "  (none)",
        "returns: object",
        "  running: bool",
        "  singlestep: bool",
        "  status: enum debug | inmigrate | internal-error | io-error | paused | postmigrate | prelaunch | finish-migrate | restore-vm | running | save-vm | shutdown | suspended | watchdog | guest-panicked | colo",
      ].join("\n"),
    );
    const text = helpTopic(schema, "block-dirty-bitmap-add", undefined, plain) as string;
    expect(text).toMatch(/^ {2}node: str$/m);
    expect(text).toMatch(/^ {2}\*granularity: int$/m);
    expect(text).toMatch(/^returns: \{\}$/m);
  });

  it("shows union branches, or only the branch chosen by key=value", () => {
    const all = helpTopic(schema, "blockdev-add", undefined, plain) as string;
    expect(all).toMatch(/branches on 'driver'/);
    expect(all).toMatch(/^ {2}driver=file:$/m);
    expect(all).toMatch(/^ {4}filename: str$/m);
    const file = helpTopic(schema, "blockdev-add", { driver: "file" }, plain) as string;
    expect(file).toMatch(/^ {2}filename: str$/m);
    expect(file).toMatch(/^ {2}\*aio: enum threads \| native \| io_uring$/m);
    expect(file).not.toMatch(/driver=qcow2/);
  });

  it("marks deprecated and unstable features on commands, members and enum values", () => {
    expect(helpTopic(schema, "x-exit-preconfig", undefined, plain)).toMatch(/^x-exit-preconfig \(command\) \[unstable\]/);
    expect(helpTopic(schema, "migrate-set-capabilities", undefined, plain)).toMatch(/x-colo\(unstable\)/);
    expect(helpTopic(schema, "blockdev-add", { driver: "file" }, plain)).toMatch(/\[unstable\]/);
    expect(helpTopic(schema, "migrate-pause", undefined, plain)).toMatch(/\[allow-oob\]/);
  });

  it("describes an event's data", () => {
    expect(helpTopic(schema, "JOB_STATUS_CHANGE", undefined, plain)).toMatch(
      /^JOB_STATUS_CHANGE \(event\)\ndata:\n {2}id: str\n {2}status: enum/,
    );
    expect(helpTopic(schema, "STOP", undefined, plain)).toBe("STOP (event)\ndata:\n  (none)");
    expect(helpTopic(schema, "nope", undefined, plain)).toBeUndefined();
  });
});

describe("validation hints", () => {
  const hints = (command: string, args: unknown) => {
    const issue = schema.validateArguments(command, args)[0];
    if (issue === undefined) throw new Error("expected an issue");
    return issueHints(schema, command, args, issue);
  };

  it("lists enum values and union branches", () => {
    expect(hints("blockdev-add", { driver: "fil" })[0]).toMatch(/^valid values for 'driver': blkdebug, .*file, .*qcow2/);
    expect(hints("blockdev-add", { driver: "file", discard: "maybe" })).toEqual(["valid values for 'discard': ignore, unmap"]);
  });

  it("names the members an object accepts, with a suggestion", () => {
    expect(hints("blockdev-add", { driver: "file", filename: "x", cache: { dirct: true } })).toEqual([
      "did you mean: direct",
      "valid members of 'cache': *direct, *no-flush",
    ]);
    expect(hints("query-status", { bogus: 1 })).toEqual(["query-status takes no arguments"]);
  });

  it("gives the type a missing member needs, and close commands for a typo", () => {
    expect(hints("blockdev-add", { driver: "file" })).toEqual(["'filename' expects str"]);
    expect(hints("quer-status", undefined)).toEqual(["did you mean: query-status, query-stats"]);
  });

  it("names an integer member's declared width, not introspection's int", () => {
    expect(hints("block-dirty-bitmap-add", { node: "n", name: "b", granularity: "x" })).toEqual(["'granularity' expects uint32"]);
    expect(hints("block-set-write-threshold", { "node-name": "n" })).toEqual(["'write-threshold' expects uint64"]);
    expect(hints("balloon", { value: 2n ** 63n })).toEqual(["'value' expects int"]);
    expect(hints("set-numa-node", { type: "node", nodeid: -1 })).toEqual(["'nodeid' expects uint16"]);
  });
});
