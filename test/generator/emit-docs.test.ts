/**
 * What the source-file frontend feeds the emitter beyond introspection: docs, conditions and
 * exact integer widths. Built as IR directly, so this does not depend on that frontend.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitBindings } from "../../generator/emit/emit.js";
import type { Schema } from "../../generator/ir.js";
import { tempDir } from "../helpers/qemu.js";
import { OPTIONS, typecheck, writeFiles } from "./helpers.js";

const schema: Schema = {
  types: [
    {
      kind: "object",
      name: "DiskInfo",
      schemaName: "DiskInfo",
      features: ["deprecated", "fdset"],
      condition: "CONFIG_DISK and not TARGET_S390X",
      docs: {
        summary: "Information about a disk.\nSecond line with a */ comment end and\n@member at a line start.",
        since: "1.2",
        deprecation: "Use DiskInfo2.",
        features: { fdset: "Accepts /dev/fdset paths." },
        examples: ['-> { "execute": "query-disk" }'],
        remarks: ["Sizes are in bytes."],
      },
      members: [
        { name: "size", type: { kind: "builtin", name: "uint64" }, optional: false, features: [], doc: "Size in bytes." },
        { name: "heads", type: { kind: "builtin", name: "uint8" }, optional: true, features: [], condition: "CONFIG_GEOMETRY" },
        { name: "count", type: { kind: "builtin", name: "size" }, optional: true, features: ["unstable"] },
      ],
    },
  ],
  commands: [
    {
      kind: "command",
      name: "query-disk",
      boxed: false,
      returns: { kind: "named", name: "DiskInfo" },
      allowOob: false,
      successResponse: true,
      features: [],
      docs: { summary: "Returns the disk.", returns: "the DiskInfo", errors: "GenericError if there is no disk", since: "1.2" },
    },
    { kind: "command", name: "guest-shutdown", boxed: false, allowOob: false, successResponse: false, features: [] },
  ],
  events: [],
};

describe("docs from IR", () => {
  it("become TSDoc, escaped, and the result compiles", async () => {
    const files = await emitBindings(schema, OPTIONS);
    const types = files.get("types.ts") ?? "";
    expect(types).toContain(
      " * Information about a disk.\n * Second line with a *\\/ comment end and\n * \\@member at a line start.",
    );
    expect(types).toContain(" * Only when: CONFIG_DISK and not TARGET_S390X");
    expect(types).toContain(" * Features: `fdset` (Accepts /dev/fdset paths.)");
    expect(types).toContain(" * @remarks Sizes are in bytes.");
    expect(types).toContain(' * @example\n * -> { "execute": "query-disk" }');
    expect(types).toContain(" * @since 1.2");
    expect(types).toContain(" * @deprecated Use DiskInfo2.");
    expect(types).toMatch(/Size in bytes\.\n\s+\*\n\s+\* QAPI `uint64`: values above 2\^53 lose precision/);
    // uint8: no precision warning, but its width and range.
    expect(types).toMatch(
      /Only when: CONFIG_GEOMETRY\n\s+\*\n\s+\* QAPI `uint8`: an integer from 0 to 255\.\n\s+\*\/\n\s+"heads"\?: number;/,
    );
    expect(types).toMatch(/QAPI `size`: values above 2\^53 lose precision as a JavaScript number\.\n\s+\* @experimental/);
    const functions = files.get("functions.ts") ?? "";
    expect(functions).toContain(" * @returns the DiskInfo\n * @throws GenericError if there is no disk");
    expect(functions).toContain("The server sends no reply on success: resolves once the command is written (`noReply`).");
    expect(functions).toContain(
      'return qmp.execute("guest-shutdown", undefined, { ...options, noReply: true }) as Promise<void>;',
    );
    using dir = tempDir();
    expect(typecheck(writeFiles(join(dir.path, "o"), files))).toEqual([]);
  });
});
