/**
 * JSON Schemas (draft-07, for ajv) describing SchemaInfo entries, one per meta-type.
 * Unknown extra keys are allowed: a newer QEMU may add some, and they do not change meaning.
 * @module
 */
import { META_TYPES } from "./schema-info.js";

const features = { type: "array", items: { type: "string" } } as const;

/** What every entry must have before its meta-type can be looked at. */
export const entryHeadSchema = {
  type: "object",
  required: ["name", "meta-type"],
  properties: {
    name: { type: "string", minLength: 1 },
    "meta-type": { enum: [...META_TYPES] },
  },
} as const;

const typeName = { type: "string", minLength: 1 } as const;

/** Per-meta-type schemas, applied once the head is valid. */
export const entrySchemas = {
  builtin: {
    type: "object",
    required: ["json-type"],
    properties: {
      "json-type": { enum: ["string", "number", "int", "boolean", "null", "object", "array", "value"] },
      features,
    },
  },
  enum: {
    type: "object",
    required: ["values"],
    properties: {
      values: { type: "array", items: { type: "string" } },
      members: {
        type: "array",
        items: { type: "object", required: ["name"], properties: { name: { type: "string" }, features } },
      },
      features,
    },
  },
  array: {
    type: "object",
    required: ["element-type"],
    properties: { "element-type": typeName, features },
  },
  object: {
    type: "object",
    required: ["members"],
    properties: {
      members: {
        type: "array",
        items: {
          type: "object",
          required: ["name", "type"],
          properties: { name: { type: "string", minLength: 1 }, type: typeName, features },
        },
      },
      tag: { type: "string" },
      variants: {
        type: "array",
        items: { type: "object", required: ["case", "type"], properties: { case: { type: "string" }, type: typeName } },
      },
      features,
    },
    dependencies: { tag: ["variants"], variants: ["tag"] },
  },
  alternate: {
    type: "object",
    required: ["members"],
    properties: {
      members: {
        type: "array",
        minItems: 1,
        items: { type: "object", required: ["type"], properties: { type: typeName } },
      },
      features,
    },
  },
  command: {
    type: "object",
    required: ["arg-type", "ret-type"],
    properties: { "arg-type": typeName, "ret-type": typeName, "allow-oob": { type: "boolean" }, features },
  },
  event: {
    type: "object",
    required: ["arg-type"],
    properties: { "arg-type": typeName, features },
  },
} as const;
