/**
 * Events → the `<Api>Events` map (name → data type), the `<Api>Event` union and a fallback
 * type for events a newer QEMU may send.
 * @module
 */
import { StructureKind } from "ts-morph";
import type { Event } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { stringLiteral } from "./identifiers.js";
import { sortedBy } from "./naming.js";
import { typeText } from "./type-ref.js";

/** Emits the events map, the event union and the unknown-event fallback. */
export function emitEvents(events: readonly Event[], file: FileBuilder): void {
  const { fixed } = file.model.plan;
  const map = file.use(fixed.events);
  file.add(
    {
      kind: StructureKind.Interface,
      name: map,
      isExported: true,
      docs: [{ kind: StructureKind.JSDoc, description: "Every event: name → `data` type (`undefined` when it has none)." }],
      properties: sortedBy(events, (e) => e.name).map((e) => ({
        kind: StructureKind.PropertySignature,
        name: stringLiteral(e.name),
        type: e.data === undefined ? "undefined" : typeText(e.data, file),
        docs: buildDocs(e),
      })),
    },
    {
      kind: StructureKind.TypeAlias,
      name: file.use(fixed.event),
      isExported: true,
      type: `${file.runtime("QmpEventOf")}<${file.use(fixed.api)}>`,
      docs: [{ kind: StructureKind.JSDoc, description: "Any known event; checking `event` narrows `data`." }],
    },
    {
      kind: StructureKind.TypeAlias,
      name: file.use(fixed.unknownEvent),
      isExported: true,
      type: `${file.runtime("QmpEvent")}<string, Record<string, unknown> | undefined>`,
      docs: [
        {
          kind: StructureKind.JSDoc,
          description: `An event these bindings do not know, e.g. from a newer QEMU. Receive \`{@link ${fixed.event}} | {@link ${fixed.unknownEvent}}\` when the server may be newer.`,
        },
      ],
    },
  );
}

/** Emits `interface <Api>Api { commands; events }`, which plugs into `QmpClient<Api>`. */
export function emitApi(file: FileBuilder): void {
  const { fixed } = file.model.plan;
  file.add({
    kind: StructureKind.Interface,
    name: file.use(fixed.api),
    isExported: true,
    docs: [{ kind: StructureKind.JSDoc, description: "The typed API, for `new QmpClient<Api>()`." }],
    properties: [
      { kind: StructureKind.PropertySignature, name: "commands", type: file.use(fixed.commands) },
      { kind: StructureKind.PropertySignature, name: "events", type: file.use(fixed.events) },
    ],
  });
}
