/**
 * Typed guards over the precompiled (ajv standalone) envelope validators.
 * @module
 */
import * as compiled from "./envelope-validators.generated.js";

/** The greeting QEMU sends on connect. */
export interface QmpGreeting {
  version: {
    qemu: { major: number; minor: number; micro: number };
    /** Distribution package string, e.g. `"Debian 1:7.2+dfsg-7+deb12u18+b3"`. */
    package: string;
  };
  /** Capabilities the server offers, e.g. `["oob"]`. */
  capabilities: string[];
}

/** A reply envelope; exactly one of `return` and `error` is meaningful. */
export interface ReplyEnvelope {
  id?: unknown;
  return?: unknown;
  error?: { class: string; desc: string };
}

/** An event envelope. */
export interface EventEnvelope {
  event: string;
  timestamp: { seconds: number; microseconds: number };
  data?: Record<string, unknown>;
}

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string }> | null;
}

const validators = compiled as unknown as Record<"isGreeting" | "isReply" | "isEvent", CompiledValidator>;

/** Checks `{"QMP": {...}}`. */
export const isGreeting = validators.isGreeting as (data: unknown) => data is { QMP: QmpGreeting };
/** Checks `{"return": ...}` / `{"error": {"class", "desc"}}`. */
export const isReply = validators.isReply as (data: unknown) => data is ReplyEnvelope;
/** Checks `{"event", "timestamp", "data"?}`. */
export const isEvent = validators.isEvent as (data: unknown) => data is EventEnvelope;

/** The first problem the last failed validation found, as `path: message`. */
export function lastValidationError(which: "isGreeting" | "isReply" | "isEvent"): string {
  const first = validators[which].errors?.[0];
  return first ? `${first.instancePath || "/"} ${first.message ?? "is invalid"}` : "is invalid";
}

/** What an inbound message is, or why it is not valid QMP. */
export type ClassifiedMessage =
  | { kind: "reply"; reply: ReplyEnvelope }
  | { kind: "event"; event: EventEnvelope }
  | { kind: "greeting"; greeting: QmpGreeting }
  | { kind: "invalid"; reason: string };

/** Tells replies, events and greetings apart and validates each against its envelope. */
export function classifyMessage(record: Record<string, unknown>): ClassifiedMessage {
  if ("return" in record || "error" in record) {
    return isReply(record)
      ? { kind: "reply", reply: record }
      : { kind: "invalid", reason: `malformed reply: ${lastValidationError("isReply")}` };
  }
  if ("event" in record) {
    return isEvent(record)
      ? { kind: "event", event: record }
      : { kind: "invalid", reason: `malformed event: ${lastValidationError("isEvent")}` };
  }
  if ("QMP" in record) {
    return isGreeting(record)
      ? { kind: "greeting", greeting: record.QMP }
      : { kind: "invalid", reason: `malformed greeting: ${lastValidationError("isGreeting")}` };
  }
  return { kind: "invalid", reason: "server message is neither a reply, an event nor a greeting" };
}
