/**
 * JSON schemas of the QMP envelopes (greeting, reply, event). They are compiled ahead of
 * time into `runtime/envelope-validators.generated.ts`, so the runtime carries ajv's
 * generated code but no schema compiler.
 * @module
 */

const integer = { type: "integer" } as const;
const string = { type: "string" } as const;

/** `{"QMP": {"version": {"qemu": {...}, "package": ...}, "capabilities": [...]}}` */
export const greetingSchema = {
  $id: "greeting",
  type: "object",
  required: ["QMP"],
  properties: {
    QMP: {
      type: "object",
      required: ["version", "capabilities"],
      properties: {
        version: {
          type: "object",
          required: ["qemu", "package"],
          properties: {
            qemu: {
              type: "object",
              required: ["major", "minor", "micro"],
              properties: { major: integer, minor: integer, micro: integer },
            },
            package: string,
          },
        },
        capabilities: { type: "array", items: string },
      },
    },
  },
} as const;

/** `{"return": ..., "id"?}` or `{"error": {"class", "desc"}, "id"?}` */
export const replySchema = {
  $id: "reply",
  type: "object",
  anyOf: [
    { required: ["return"], properties: { return: {} } },
    {
      required: ["error"],
      properties: {
        error: { type: "object", required: ["class", "desc"], properties: { class: string, desc: string } },
      },
    },
  ],
} as const;

/** `{"event": NAME, "timestamp": {"seconds", "microseconds"}, "data"?: {...}}` */
export const eventSchema = {
  $id: "event",
  type: "object",
  required: ["event", "timestamp"],
  properties: {
    event: string,
    timestamp: { type: "object", required: ["seconds", "microseconds"], properties: { seconds: integer, microseconds: integer } },
    data: { type: "object" },
  },
} as const;
