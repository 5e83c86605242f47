/**
 * `gen: false` commands (device_add): QEMU parses their arguments itself, so the argument
 * type accepts properties the schema does not list, from the source alone and in merge mode.
 */
import { describe, expect, it } from "vitest";
import type { Schema } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { mergeWithIntrospection } from "../../generator/qapi/index.js";
import { loadMemory } from "./helpers/memory.js";
import { toSchemaInfo } from "./helpers/schema-info.js";

const SOURCE = `
{ 'pragma': { 'command-name-exceptions': [ 'device_add' ] } }
{ 'command': 'device_add', 'data': { 'driver': 'str', '*id': 'str' }, 'gen': false }
{ 'struct': 'ProbeOptions', 'data': { 'depth': 'int' } }
{ 'command': 'probe-add', 'data': 'ProbeOptions', 'gen': false }
{ 'struct': 'PlainOptions', 'data': { 'depth': 'int' } }
{ 'command': 'plain-add', 'data': 'PlainOptions' }
{ 'command': 'other-add', 'data': { 'name': 'str' } }
`;

const extra = (ir: Schema): Record<string, boolean | undefined> =>
  Object.fromEntries(ir.types.map((t) => [t.name, t.kind === "object" ? t.extraProperties : undefined]));

describe("gen: false commands", () => {
  const source = loadMemory(SOURCE);

  it("open up their argument type, inline or named, and nothing else", () => {
    expect(extra(source)).toEqual({
      ProbeOptions: true,
      PlainOptions: undefined,
      DeviceAddArguments: true,
      OtherAddArguments: undefined,
    });
  });

  it("keep it open in merge mode, whatever the command is called", () => {
    const intro = loadIntrospection(toSchemaInfo(source));
    expect(extra(intro)).toMatchObject({ ProbeAddArguments: undefined }); // the binary cannot tell
    const { ir } = mergeWithIntrospection(source, intro);
    expect(extra(ir)).toEqual(extra(source));
  });
});
