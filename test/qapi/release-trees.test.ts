/**
 * QEMU's own QAPI trees (../shared/qapi/vX.Y.Z, one per release, main schema and qemu-ga
 * schema) through the source frontend: every tree loads, generates bindings, and the bindings
 * type-check, alone and merged with QEMU 7.2 (the committed schema dump and, when a QEMU
 * binary is here, a live `query-qmp-schema`). All binding sets go through one tsc program.
 *
 * The trees are QEMU's files and live outside the repository: without them the suite is
 * skipped with the reason in its title (set QMP_QAPI_TREES to point elsewhere).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, type QapiInput, type SchemaInput } from "../../generator/generate.js";
import type { Schema } from "../../generator/ir.js";
import { loadQapiSchema } from "../../generator/qapi/index.js";
import { ROOT, typecheck } from "../generator/helpers.js";
import { describeWith, QEMU } from "../helpers/qemu.js";

/** Where the release trees are: QMP_QAPI_TREES, or ../shared/qapi next to the checkout. */
function findTrees(): string | undefined {
  const candidates = [process.env["QMP_QAPI_TREES"], join(ROOT, "../shared/qapi"), join(ROOT, "../../shared/qapi")];
  return candidates.find((dir): dir is string => dir !== undefined && dir !== "" && existsSync(dir));
}

const TREES = findTrees();
const versions = TREES === undefined ? [] : readdirSync(TREES).filter((v) => existsSync(join(TREES, v, "qapi/qapi-schema.json")));
const title =
  TREES === undefined
    ? "QEMU release trees (skipped: ../shared/qapi not found; set QMP_QAPI_TREES to a directory of vX.Y.Z trees)"
    : `QEMU release trees in ${TREES}: ${versions.join(", ")}`;

const COMMITTED_72 = join(ROOT, "schemas/qemu-7.2-x86_64.json");
/** A plausible x86_64 Linux build, for the --define run. */
const DEFINES = ["CONFIG_LINUX", "CONFIG_POSIX", "CONFIG_SPICE", "CONFIG_VNC", "TARGET_I386"];

/** Version-sorted: v5.0.0 < v10.0.0. */
function byVersion(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split(".").map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

describe.skipIf(TREES === undefined)(title, () => {
  let tmp = "";
  afterAll(() => {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });
  const written: string[] = [];
  const loaded = new Map<string, Schema>();

  /** One `qapi-gen --qapi FILE [--define ...] [--schema 7.2]` job, as the CLI runs it. */
  const generate = async (dir: string, qapi: QapiInput, apiName: string, input?: SchemaInput): Promise<Schema> => {
    const out = join(tmp, dir);
    const result = await runJob({ qapi, input, out, check: false, apiName, runtimeImport: "qmpkit" });
    written.push(...[...result.files.keys()].map((name) => join(out, name)));
    return result.schema;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "qapi-release-trees-"));
    const sorted = [...versions].sort(byVersion);
    for (const version of sorted) {
      const root = join(TREES ?? "", version);
      const file = join(root, "qapi/qapi-schema.json");
      loaded.set(`${version}/qapi`, await generate(`${version}-qemu`, { file }, "Qemu"));
      await generate(`${version}-qemu-merged-7.2`, { file }, "Qemu", { kind: "file", path: COMMITTED_72 });
      if (version === sorted[0]) {
        // Conditions of the oldest tree (C preprocessor strings before 6.2) evaluated.
        await generate(`${version}-qemu-defines`, { file, defines: DEFINES }, "Qemu");
      }
      const qgaFile = join(root, "qga/qapi-schema.json");
      if (existsSync(qgaFile)) loaded.set(`${version}/qga`, await generate(`${version}-qga`, { file: qgaFile }, "Qga"));
    }
  }, 300_000);

  it("loads every main and qemu-ga schema", () => {
    for (const version of versions) {
      const main = loaded.get(`${version}/qapi`);
      expect(main?.commands.length, version).toBeGreaterThan(150);
      expect(main?.commands.map((c) => c.name)).toContain("query-status");
      if (existsSync(join(TREES ?? "", version, "qga/qapi-schema.json"))) {
        expect(
          loaded.get(`${version}/qga`)?.commands.map((c) => c.name),
          version,
        ).toContain("guest-sync-delimited");
      }
    }
  });

  it("turns old simple unions into the flat unions QEMU 6.2 wrote out (same wire format)", () => {
    for (const [key, schema] of loaded) {
      if (!key.endsWith("/qapi")) continue;
      const keyValue = schema.types.find((t) => t.name === "KeyValue");
      expect(keyValue?.kind === "object" ? keyValue.variants?.discriminator : undefined, key).toBe("type");
      expect(
        schema.types.some((t) => t.name === "KeyValueKind"),
        key,
      ).toBe(true);
    }
  });

  it("generates bindings that type-check (alone, with --define, and merged with QEMU 7.2), in one program", () => {
    expect(written.length).toBeGreaterThan(0);
    expect(typecheck(written)).toEqual([]);
  }, 300_000);
});

describeWith(QEMU)("release trees merged with a live QEMU", () => {
  it.skipIf(TREES === undefined || !versions.includes("v7.2.0"))(
    "the v7.2.0 tree merged with the running qemu-system-x86_64 type-checks and agrees on every command",
    async () => {
      const out = mkdtempSync(join(tmpdir(), "qapi-live-merge-"));
      try {
        const file = resolve(TREES ?? "", "v7.2.0/qapi/qapi-schema.json");
        const input: SchemaInput = { kind: "qemu", binary: QEMU, args: [] };
        const result = await runJob({ qapi: { file }, input, out, check: false, apiName: "Qemu", runtimeImport: "qmpkit" });
        const source = loadQapiSchema(file);
        // Every command of the binary exists in its own release's source, and nothing is binary-only.
        expect(result.schema.commands.every((c) => source.commands.some((s) => s.name === c.name))).toBe(true);
        expect(result.mismatches?.filter((m) => m.kind === "only-in-binary")).toEqual([]);
        expect(typecheck([...result.files.keys()].map((name) => join(out, name)))).toEqual([]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
