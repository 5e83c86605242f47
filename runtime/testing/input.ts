/**
 * Turns a framed piece of input into a request, or into the id-less error QEMU sends for
 * input that is not a JSON object; either way, into a record for `server.received`.
 * @module
 */

import type { Frame } from "./framing.js";
import { JsonInputError, parseQmpJson } from "../json-parse.js";
import type { ReceivedMessage } from "./types.js";

/** A framed message, decoded. */
export type Input =
  | {
      readonly record: ReceivedMessage;
      readonly request: Record<string, unknown>;
    }
  | {
      readonly record: ReceivedMessage;
      readonly request?: undefined;
      readonly errorDesc: string;
    };

const INVALID_UTF8 = "invalid escape sequence in string"; // QEMU 7.2's wording for bad UTF-8
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejected(connection: number, raw: string, message: unknown, errorDesc: string): Input {
  return { record: { message, raw, oob: false, connection }, errorDesc };
}

/** Decodes, parses and describes one frame received on `connection`. */
export function readFrame(frame: Frame, connection: number): Input {
  if (frame.kind === "reset") {
    return rejected(connection, frame.bytes.toString("utf8"), undefined, `JSON parse error, ${frame.reason}`);
  }
  let text: string;
  try {
    text = utf8.decode(frame.bytes);
  } catch {
    return rejected(connection, frame.bytes.toString("utf8"), undefined, `JSON parse error, ${INVALID_UTF8}`);
  }
  let message: unknown;
  try {
    message = parseQmpJson(text);
  } catch (error) {
    const reason = error instanceof JsonInputError ? error.message : String(error);
    return rejected(connection, text, undefined, `JSON parse error, ${reason}`);
  }
  if (!isObject(message)) return rejected(connection, text, message, "QMP input must be a JSON object");
  return { record: describe(message, text, connection), request: message };
}

function describe(message: Record<string, unknown>, raw: string, connection: number): ReceivedMessage {
  const execute = message["execute"];
  const execOob = message["exec-oob"];
  const command = typeof execute === "string" ? execute : typeof execOob === "string" ? execOob : undefined;
  return {
    message,
    raw,
    oob: typeof execOob === "string" && typeof execute !== "string",
    connection,
    ...(command === undefined ? {} : { command }),
    ...(Object.hasOwn(message, "id") ? { id: message["id"] } : {}),
    ...(Object.hasOwn(message, "arguments") ? { args: message["arguments"] } : {}),
  };
}
