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
