/**
 * Generated argument objects for the validation fidelity tests: valid seeds for commands that
 * are safe to send to a throwaway QEMU, and schema-driven mutations of them (drop, add,
 * retype members, wrong enum values, other union branches, nested and combined errors).
 */
import type { QmpSchema, SchemaInfo, SchemaInfoObject } from "../../runtime/index.js";

/** One case: a command and the arguments to send (undefined: none). */
export interface ArgumentCase {
  readonly command: string;
  readonly args: unknown;
  readonly label: string;
}

/** A starting point. The seed is valid for the schema and either fails in QEMU's own checks or is harmless. */
export interface Seed {
  readonly command: string;
  readonly args: Record<string, unknown> | undefined;
  /** May mutations pick another union branch / enum value (only where any branch is harmless). */
  readonly switchBranches?: boolean;
  /** May mutations add absent optional members with made-up valid values. */
  readonly addOptional?: boolean;
}

const NODE = "fidelity-nonexistent-node";
const MISSING_FILE = "/nonexistent-qmpkit-dir/x";

/** Seeds for commands that change nothing when valid (they fail semantically) or only harmless settings. */
export const SEEDS: readonly Seed[] = [
  { command: "query-status", args: undefined },
  { command: "query-version", args: {} },
  { command: "query-named-block-nodes", args: { flat: true }, addOptional: true },
  { command: "query-blockstats", args: { "query-nodes": false }, addOptional: true },
  { command: "query-command-line-options", args: { option: "drive" }, addOptional: true },
  { command: "qom-list-types", args: { implements: "device", abstract: false }, addOptional: true },
  { command: "qom-list", args: { path: "/machine" } },
  { command: "qom-get", args: { path: "/machine", property: "type" } },
  { command: "qom-list-properties", args: { typename: "memory-backend-ram" } },
  { command: "device-list-properties", args: { typename: "no-such-device-type" } },
  {
    command: "query-cpu-model-expansion",
    args: { type: "static", model: { name: "no-such-cpu", props: {} } },
    addOptional: true,
  },
  { command: "trace-event-set-state", args: { name: "no-such-trace-event", enable: true }, addOptional: true },
  { command: "x-query-virtio-queue-status", args: { path: "/no/such/virtio", queue: 1 } },
  { command: "block-dirty-bitmap-add", args: { node: NODE, name: "b", granularity: 65536 }, addOptional: true },
  { command: "block-dirty-bitmap-merge", args: { node: NODE, target: "t", bitmaps: ["a", { node: NODE, name: "b" }] } },
  { command: "block-latency-histogram-set", args: { id: NODE, boundaries: [10, 20] }, addOptional: true },
  { command: "set_password", args: { protocol: "vnc", password: "x", display: "no-such-display" }, switchBranches: true },
  { command: "expire_password", args: { protocol: "vnc", time: "never", display: "no-such-display" }, switchBranches: true },
  { command: "block-export-add", args: { type: "nbd", id: "e1", "node-name": NODE, writable: false }, switchBranches: true },
  {
    command: "blockdev-add",
    args: { driver: "file", "node-name": "f1", filename: MISSING_FILE, aio: "threads" },
    switchBranches: true,
  },
  {
    command: "blockdev-add",
    args: { driver: "qcow2", "node-name": "q1", file: NODE, cache: { direct: false } },
    addOptional: true,
  },
  {
    command: "blockdev-add",
    args: { driver: "raw", "node-name": "r1", file: { driver: "file", filename: MISSING_FILE }, "read-only": true },
  },
  { command: "blockdev-add", args: { driver: "blkdebug", "node-name": "d1", image: NODE, "max-transfer": 65536 } },
  { command: "object-add", args: { "qom-type": "secret", id: "s1", file: MISSING_FILE, format: "raw" } },
  { command: "object-add", args: { "qom-type": "authz-listfile", id: "a1", filename: MISSING_FILE, refresh: false } },
  { command: "device_add", args: { driver: "no-such-device", id: "dev1", bus: "no-such-bus" } },
  {
    command: "migrate-set-parameters",
    args: {
      "downtime-limit": 300,
      "max-bandwidth": 1048576,
      "compress-level": 1,
      "x-checkpoint-delay": 20000,
      "tls-creds": null,
      "block-bitmap-mapping": [
        { "node-name": NODE, alias: "a", bitmaps: [{ name: "b", alias: "c", transform: { persistent: true } }] },
      ],
    },
    addOptional: true,
  },
  { command: "migrate-set-capabilities", args: { capabilities: [{ capability: "xbzrle", state: false }] }, switchBranches: true },
  {
    command: "input-send-event",
    args: { events: [{ type: "key", data: { down: true, key: { type: "qcode", data: "a" } } }] },
    switchBranches: true,
  },
  {
    command: "blockdev-add",
    args: { driver: "qcow2", "node-name": "q2", file: NODE, "overlap-check": { template: "all", "main-header": false } },
  },
  { command: "blockdev-add", args: { driver: "qcow2", "node-name": "q3", file: NODE, "overlap-check": "cached" } },
  { command: "object-add", args: { "qom-type": "rng-random", id: "rng1", filename: MISSING_FILE } },
  { command: "chardev-add", args: { id: "c1", backend: { type: "file", data: { out: MISSING_FILE } } } },
  { command: "qom-set", args: { path: "/no/such/object", property: "p", value: { a: [1, "x"] } } },
  {
    command: "block_set_io_throttle",
    args: { id: NODE, bps: 0, bps_rd: 0, bps_wr: 0, iops: 100, iops_rd: 0, iops_wr: 0, group: "g" },
    addOptional: true,
  },
  { command: "block-stream", args: { device: NODE, speed: 0, "on-error": "report" }, addOptional: true },
  { command: "blockdev-mirror", args: { device: NODE, target: NODE, sync: "full", granularity: 65536 }, addOptional: true },
  { command: "job-dismiss", args: { id: "no-such-job" } },
  {
    command: "transaction",
    args: {
      actions: [
        { type: "abort", data: {} },
        { type: "block-dirty-bitmap-add", data: { node: NODE, name: "x" } },
      ],
    },
  },
];

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = { label: string; apply: (root: Record<string, unknown>) => void };
type Step = string | number;

/** Values of other JSON types (and out-of-range integers) to put where `value` was. */
function wrongValues(value: unknown): unknown[] {
  switch (typeof value) {
    case "string":
      return [7, true, { s: 1 }, ["x"], null];
    case "number":
    case "bigint":
      return ["12", 1.5, -1, 300, 70000, 3000000000, 2n ** 63n, 2n ** 64n, -(2n ** 63n) - 1n, false];
    case "boolean":
      return ["true", 1, null];
    default:
      if (value === null) return [0, "null"];
      return Array.isArray(value) ? [{}, "x", [[]]] : [5, "x", []];
  }
}

/** A made-up valid value of a type (first enum value, first union branch, mandatory members only). */
export function validValue(schema: QmpSchema, typeName: string, depth = 0): unknown {
  const entry = schema.type(typeName);
  if (entry === undefined || depth > 6) return undefined;
  switch (entry["meta-type"]) {
    case "builtin":
      return { string: "x", int: 1, number: 1.5, boolean: true, null: null, value: {} }[entry["json-type"] as string];
    case "enum":
      return entry.values[0];
    case "array":
      return [validValue(schema, entry["element-type"], depth + 1)];
    case "alternate":
      return validValue(schema, entry.members[0]?.type ?? "", depth + 1);
    case "object": {
      const result: Record<string, unknown> = {};
      for (const m of entry.members) if (!("default" in m)) result[m.name] = validValue(schema, m.type, depth + 1);
      const variant = entry.variants?.find((v) => v.case === result[entry.tag ?? ""]);
      const branch = variant === undefined ? undefined : schema.type(variant.type);
      if (branch?.["meta-type"] === "object") {
        for (const m of branch.members) if (!("default" in m)) result[m.name] = validValue(schema, m.type, depth + 1);
      }
      return result;
    }
    default:
      return undefined;
  }
}

function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

function at(root: unknown, path: readonly Step[]): unknown {
  return path.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], root);
}

// The object type (with the union branch chosen by the value) of an object value.
function objectMembers(schema: QmpSchema, entry: SchemaInfoObject, value: Record<string, unknown>) {
  const members = [...entry.members];
  const variant = entry.variants?.find((v) => v.case === value[entry.tag ?? ""]);
  const branch = variant === undefined ? undefined : schema.type(variant.type);
  if (branch?.["meta-type"] === "object") members.push(...branch.members);
  return members;
}

// The entry a value of type `typeName` is checked against (arrays/alternates resolved by the value).
function resolve(schema: QmpSchema, typeName: string, value: unknown): SchemaInfo | undefined {
  const entry = schema.type(typeName);
  if (entry?.["meta-type"] !== "alternate") return entry;
  const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  for (const branch of entry.members) {
    const b = schema.type(branch.type);
    if (b?.["meta-type"] === "object" && kind === "object") return b;
    if (b?.["meta-type"] === "array" && kind === "array") return b;
  }
  return undefined;
}

/** Every single mutation of a seed, found by walking its value alongside the schema. */
function mutations(schema: QmpSchema, seed: Seed): Mutation[] {
  const found: Mutation[] = [];
  const argType = schema.command(seed.command)?.["arg-type"];
  const root = seed.args ?? {};
  const set = (path: readonly Step[], value: unknown) => (r: Record<string, unknown>) => {
    (at(r, path.slice(0, -1)) as Record<Step, unknown>)[path[path.length - 1] as Step] = clone(value);
  };
  const name = (path: readonly Step[]) => path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("") || "(top)";

  const walk = (typeName: string, value: unknown, path: Step[], depth: number): void => {
    const entry = resolve(schema, typeName, value);
    if (entry === undefined || depth > 6) return;
    if (entry["meta-type"] === "array" && Array.isArray(value)) {
      value.forEach((item, i) => walk(entry["element-type"], item, [...path, i], depth + 1));
      found.push({ label: `${name(path)} += wrong element`, apply: (r) => void (at(r, path) as unknown[]).push(42) });
      return;
    }
    if (entry["meta-type"] !== "object" || typeof value !== "object" || value === null) return;
    const object = value as Record<string, unknown>;
    for (const bogus of [["bogus"], ["zz-extra", "bogus"]]) {
      found.push({
        label: `${name(path)} + ${bogus.join(",")}`,
        apply: (r) => bogus.forEach((key) => ((at(r, path) as Record<string, unknown>)[key] = 1)),
      });
    }
    for (const member of objectMembers(schema, entry, object)) {
      const memberPath = [...path, member.name];
      const present = Object.hasOwn(object, member.name);
      const memberType = schema.type(member.type);
      if (!present) {
        if (seed.addOptional) {
          const valid = validValue(schema, member.type);
          if (valid !== undefined) found.push({ label: `${name(memberPath)} = valid`, apply: set(memberPath, valid) });
        }
        found.push({
          label: `${name(memberPath)} = wrong`,
          apply: set(memberPath, memberType?.["meta-type"] === "builtin" ? {} : 7),
        });
        continue;
      }
      const current = object[member.name];
      found.push({
        label: `drop ${name(memberPath)}`,
        apply: (r) => void delete (at(r, path) as Record<string, unknown>)[member.name],
      });
      for (const wrong of wrongValues(current))
        found.push({ label: `${name(memberPath)} = ${String(wrong)}`, apply: set(memberPath, wrong) });
      if (memberType?.["meta-type"] === "enum") {
        found.push({ label: `${name(memberPath)} = bogus-value`, apply: set(memberPath, "bogus-value") });
        if (seed.switchBranches) {
          for (const other of memberType.values) {
            if (other !== current) found.push({ label: `${name(memberPath)} = ${other}`, apply: set(memberPath, other) });
          }
        }
      }
      walk(member.type, current, memberPath, depth + 1);
    }
  };
  if (argType !== undefined) walk(argType, root, [], 0);
  return found;
}

/**
 * The seeds themselves, every single mutation, and `pairs` random pairs of mutations per
 * seed (to check which of two problems QEMU reports first).
 */
export function generateCases(schema: QmpSchema, seeds: readonly Seed[] = SEEDS, pairs = 40, seedNumber = 1): ArgumentCase[] {
  const next = random(seedNumber);
  const cases: ArgumentCase[] = [];
  for (const seed of seeds) {
    cases.push({ command: seed.command, args: seed.args, label: "seed" });
    const all = mutations(schema, seed);
    const applied = (list: readonly Mutation[]) => {
      const args = clone(seed.args ?? {});
      for (const m of list) {
        try {
          m.apply(args);
        } catch {
          return undefined; // an earlier mutation removed what this one changes
        }
      }
      return args;
    };
    for (const m of all) {
      const args = applied([m]);
      if (args !== undefined) cases.push({ command: seed.command, args, label: m.label });
    }
    for (let i = 0; i < pairs && all.length > 1; i++) {
      const a = all[Math.floor(next() * all.length)] as Mutation;
      const b = all[Math.floor(next() * all.length)] as Mutation;
      const args = applied([a, b]);
      if (args !== undefined) cases.push({ command: seed.command, args, label: `${a.label} & ${b.label}` });
    }
  }
  return cases;
}

/** Random sets of unknown member names (some non-ASCII, some many, to make GLib's table resize). */
export function unexpectedKeySets(count: number, seedNumber = 7): string[][] {
  const next = random(seedNumber);
  const alphabet = "abcdefghijklmnopqrstuvwxyz-_0123456789é日";
  const sets: string[][] = [];
  for (let i = 0; i < count; i++) {
    const size = 2 + Math.floor(next() * (i % 3 === 0 ? 14 : 5));
    const keys = new Set<string>();
    while (keys.size < size) {
      let key = "";
      const length = 1 + Math.floor(next() * 8);
      for (let j = 0; j < length; j++) key += alphabet[Math.floor(next() * alphabet.length)];
      keys.add(key);
    }
    sets.push([...keys]);
  }
  return sets;
}
