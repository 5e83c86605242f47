/**
 * QEMU's own QAPI trees (../shared/qapi/vX.Y.Z, one per release, main schema and qemu-ga
 * schema) through the source frontend: every tree loads, generates bindings, and the bindings
 * type-check, alone and merged with QEMU 7.2 (the committed schema dump and, when a QEMU
 * binary is here, a live `query-qmp-schema`). All binding sets go through one tsc program.
 *
 * The trees are QEMU's files and live outside the repository: without them the suite is
 * skipped with the reason in its title (set QMP_QAPI_TREES to point elsewhere).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitBindings } from "../../generator/emit/emit.js";
import { fetchFromBinary } from "../../generator/fetch-schema.js";
import type { Schema } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { loadQapiSchema, mergeWithIntrospection } from "../../generator/qapi/index.js";
import { OPTIONS, ROOT, typecheck, writeFiles } from "../generator/helpers.js";
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
  const tmp = mkdtempSync(join(tmpdir(), "qapi-release-trees-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const written: string[] = [];
  const loaded = new Map<string, Schema>();
  const committed = loadIntrospection(JSON.parse(readFileSync(COMMITTED_72, "utf8")));

  const emit = async (dir: string, schema: Schema, apiName: string): Promise<void> => {
    const files = await emitBindings(schema, { ...OPTIONS, apiName, source: dir });
    written.push(...writeFiles(join(tmp, dir), files));
  };

  beforeAll(async () => {
    const oldest = [...versions].sort(byVersion)[0];
    for (const version of [...versions].sort(byVersion)) {
      const root = join(TREES ?? "", version);
      const main = loadQapiSchema(join(root, "qapi/qapi-schema.json"));
      loaded.set(`${version}/qapi`, main);
      await emit(`${version}-qemu`, main, "Qemu");
      await emit(`${version}-qemu-merged-7.2`, mergeWithIntrospection(main, committed).ir, "Qemu");
      if (version === oldest) {
        // Conditions of the oldest tree (C preprocessor strings before 6.2) evaluated.
        await emit(`${version}-qemu-defines`, loadQapiSchema(join(root, "qapi/qapi-schema.json"), { defines: DEFINES }), "Qemu");
      }
      const qgaFile = join(root, "qga/qapi-schema.json");
      if (existsSync(qgaFile)) {
        const qga = loadQapiSchema(qgaFile);
        loaded.set(`${version}/qga`, qga);
        await emit(`${version}-qga`, qga, "Qga");
      }
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
      const { entries, version } = await fetchFromBinary(QEMU);
      const live = loadIntrospection(entries, version);
      const source = loadQapiSchema(resolve(TREES ?? "", "v7.2.0/qapi/qapi-schema.json"));
      const { ir, mismatches } = mergeWithIntrospection(source, live);
      expect(ir.commands.length).toBe(live.commands.length);
      // The same release: its own source knows everything the binary has.
      expect(mismatches.filter((m) => m.kind === "only-in-binary")).toEqual([]);
      const tmp = mkdtempSync(join(tmpdir(), "qapi-live-merge-"));
      try {
        const files = await emitBindings(ir, { ...OPTIONS, apiName: "Qemu", source: "live" });
        expect(typecheck(writeFiles(tmp, files))).toEqual([]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
