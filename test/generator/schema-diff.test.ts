/**
 * `qapi-gen diff`: hand-made edits of the QEMU 7.2 schema each give exactly the expected
 * lines and exit status; masks renamed give nothing; bad input exits 2 naming the file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli.js";
import { headerSchemaFile } from "../../generator/diff/check-report.js";
import { diffSchemas } from "../../generator/diff/compare.js";
import { entriesOf } from "../../generator/diff/load.js";
import { tempDir } from "../helpers/qemu.js";

const QEMU_SCHEMA = "schemas/qemu-7.2-x86_64.json";
const QSD_SCHEMA = "schemas/qsd-7.2.json";

type Entry = Record<string, unknown> & { name: string; "meta-type": string };
type Member = { name: string; type: string; default?: null; features?: string[] };

const load = (file: string): Entry[] => (JSON.parse(readFileSync(file, "utf8")) as { return: Entry[] }).return;

/** The entry a query-string path leads to: members and `+case` components, arrays looked through. */
function entryAt(entries: Entry[], path: string): Entry {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const [root, role, ...rest] = path.split("/");
  let entry = byName.get(byName.get(root ?? "")?.[role ?? ""] as string);
  for (const part of rest) {
    while (entry?.["meta-type"] === "array") entry = byName.get(entry["element-type"] as string);
    const next: string | undefined = part.startsWith("+")
      ? (entry?.["variants"] as { case: string; type: string }[]).find((v) => v.case === part.slice(1))?.type
      : (entry?.["members"] as Member[]).find((m) => m.name === part)?.type;
    entry = byName.get(next ?? "");
  }
  while (entry?.["meta-type"] === "array") entry = byName.get(entry["element-type"] as string);
  if (entry === undefined) throw new Error(`no entry at ${path}`);
  return entry;
}

const membersAt = (entries: Entry[], path: string): Member[] => entryAt(entries, path)["members"] as Member[];

async function diff(oldEntries: unknown, newEntries: unknown, ...flags: string[]) {
  using dir = tempDir();
  const a = join(dir.path, "old.json");
  const b = join(dir.path, "new.json");
  writeFileSync(a, JSON.stringify(oldEntries));
  writeFileSync(b, JSON.stringify({ return: newEntries }));
  let stdout = "";
  let stderr = "";
  const code = await runCli(["diff", a, b, ...flags], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, lines: stdout.split("\n").filter((l) => l !== ""), stdout, stderr };
}

/** The 7.2 schema, edited. */
function edited(edit: (entries: Entry[]) => void): Entry[] {
  const entries = load(QEMU_SCHEMA);
  edit(entries);
  return entries;
}

describe("qapi-gen diff", () => {
  const base = load(QEMU_SCHEMA);

  it("a schema against itself: nothing, exit 0", async () => {
    const result = await diff(base, base);
    expect(result.lines).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no interface changes");
  });

  it.each([
    [
      "remove a command",
      (e: Entry[]) =>
        e.splice(
          e.findIndex((x) => x.name === "query-status"),
          1,
        ),
      ["- command query-status"],
      1,
    ],
    [
      "add an optional member",
      (e: Entry[]) =>
        membersAt(e, "blockdev-add/arg-type/+qcow2").push({ name: "discard-no-unref", type: "bool", default: null }),
      ["+ blockdev-add/arg-type/+qcow2/discard-no-unref (optional)"],
      0,
    ],
    [
      "remove an enum value",
      (e: Entry[]) => {
        const aio = entryAt(e, "blockdev-add/arg-type/+file/aio");
        aio["values"] = (aio["values"] as string[]).filter((v) => v !== "io_uring");
        aio["members"] = (aio["members"] as Member[]).filter((v) => v.name !== "io_uring");
      },
      ["- blockdev-add/arg-type/+file/aio/^io_uring"],
      1,
    ],
    [
      "make a member mandatory",
      (e: Entry[]) => {
        const m = membersAt(e, "migrate-set-parameters/arg-type").find((x) => x.name === "tls-creds");
        delete m?.default;
      },
      ["~ migrate-set-parameters/arg-type/tls-creds: optional -> mandatory"],
      1,
    ],
    [
      "change a member's type",
      (e: Entry[]) => {
        const m = membersAt(e, "query-status/ret-type").find((x) => x.name === "running");
        if (m) m.type = "str";
      },
      ["~ query-status/ret-type/running: bool -> str"],
      1,
    ],
    [
      "add a feature",
      (e: Entry[]) => {
        const c = e.find((x) => x.name === "query-cpus-fast");
        if (c) c["features"] = ["deprecated"];
      },
      ["+ feature deprecated on query-cpus-fast"],
      0,
    ],
    [
      "make a result member optional (breaking: clients read it)",
      (e: Entry[]) => {
        const m = membersAt(e, "query-status/ret-type").find((x) => x.name === "singlestep");
        if (m) m.default = null;
      },
      ["~ query-status/ret-type/singlestep: mandatory -> optional"],
      1,
    ],
    [
      "add a mandatory argument (breaking) and a mandatory result member (compatible)",
      (e: Entry[]) => {
        membersAt(e, "query-status/ret-type").push({ name: "extra", type: "int" });
        membersAt(e, "migrate-set-parameters/arg-type").push({ name: "x-new", type: "int" });
      },
      ["+ migrate-set-parameters/arg-type/x-new", "+ query-status/ret-type/extra"],
      1,
    ],
  ] as const)("%s", async (_name, edit, want, code) => {
    const result = await diff(base, edited(edit));
    expect(result.lines).toEqual(want);
    expect(result.code).toBe(code);
  });

  it("renamed masks: nothing", async () => {
    const names = base.map((e) => e.name).filter((n) => /^\d+$/.test(n));
    const renamed = new Map(names.map((n, i) => [n, String(names.length * 2 - i)]));
    const rename = (t: string): string => t.replace(/\d+/, (d) => (/^\[?\d+\]?$/.test(t) ? (renamed.get(d) ?? d) : d));
    const shuffled = JSON.parse(
      JSON.stringify(base, (key, value: unknown) =>
        typeof value === "string" && ["name", "type", "arg-type", "ret-type", "element-type"].includes(key)
          ? rename(value)
          : value,
      ),
    ) as Entry[];
    shuffled.reverse();
    expect(shuffled.find((e) => e.name === "query-status")?.["ret-type"]).not.toBe(
      base.find((e) => e.name === "query-status")?.["ret-type"],
    );
    expect(diffSchemas(entriesOf(base, "old"), entriesOf(shuffled, "new"))).toEqual([]);
    expect((await diff(base, shuffled)).lines).toEqual([]);
  });

  it("qsd against qemu lists the commands only one of them has", async () => {
    const qsd = load(QSD_SCHEMA);
    const forward = await diff(qsd, base);
    expect(forward.lines).toContain("+ command query-status");
    expect(forward.lines).toContain("+ event SHUTDOWN");
    expect(forward.lines).not.toContain("+ command blockdev-add");
    expect(forward.code).toBe(0);
    const back = await diff(base, qsd);
    expect(back.lines).toContain("- command query-status");
    expect(back.code).toBe(1);
    const qsdCommands = new Set(qsd.filter((e) => e["meta-type"] === "command").map((e) => e.name));
    const onlyQemu = base
      .filter((e) => e["meta-type"] === "command" && !qsdCommands.has(e.name))
      .map((e) => `- command ${e.name}`);
    expect(back.lines.filter((l) => l.startsWith("- command ")).sort()).toEqual(onlyQemu.sort());
  });

  it("--json prints {change, path, breaking, detail}", async () => {
    const result = await diff(
      base,
      edited((e) => {
        e.splice(
          e.findIndex((x) => x.name === "query-status"),
          1,
        );
        membersAt(e, "blockdev-add/arg-type/+qcow2").push({ name: "discard-no-unref", type: "bool", default: null });
      }),
      "--json",
    );
    expect(JSON.parse(result.stdout)).toEqual([
      { change: "added", path: "blockdev-add/arg-type/+qcow2/discard-no-unref", breaking: false, detail: "member (optional)" },
      { change: "removed", path: "query-status", breaking: true, detail: "command" },
    ]);
    expect(result.code).toBe(1);
  });

  it("bad input: exit 2, one line naming the file", async () => {
    using dir = tempDir();
    const bad = join(dir.path, "bad.json");
    writeFileSync(bad, '[{"name": "x"}]');
    const run = async (...argv: string[]) => {
      let stderr = "";
      const code = await runCli(["diff", ...argv], { stdout: () => {}, stderr: (t) => (stderr += t) });
      return { code, stderr };
    };
    for (const argv of [[bad, QSD_SCHEMA], [QSD_SCHEMA, join(dir.path, "missing.json")], [QSD_SCHEMA]]) {
      const { code, stderr } = await run(...argv);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
    expect((await run(bad, QSD_SCHEMA)).stderr).toMatch(/bad\.json.*not a QAPI introspection schema/);
    expect((await run(QSD_SCHEMA, join(dir.path, "missing.json"))).stderr).toMatch(/missing\.json.*no such file/);
  });

  it("--check on out-of-date bindings also prints what changed in the interface", async () => {
    using dir = tempDir();
    const changed = join(dir.path, "new.json");
    writeFileSync(
      changed,
      JSON.stringify(
        edited((e) => {
          e.splice(
            e.findIndex((x) => x.name === "query-status"),
            1,
          );
        }),
      ),
    );
    let stderr = "";
    const code = await runCli(["--schema", changed, "--out", "generated/qemu", "--check"], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      "qapi-gen: generated/qemu: interface since schemas/qemu-7.2-x86_64.json: 1 change (1 breaking): 1 removed\n    - command query-status\n",
    );
  });

  it("finds the schema file in a generated header", () => {
    const header = (source: string) => `// Code generated by qapi-gen 0.1.0 from ${source}. DO NOT EDIT.`;
    expect(headerSchemaFile(header("schemas/q.json (QEMU 7.2.22) with names from schemas/q.names.json"))).toBe("schemas/q.json");
    expect(headerSchemaFile(header("qapi-schema.json + schemas/q.json (QEMU 7.2.22)"))).toBe("schemas/q.json");
    expect(headerSchemaFile(header("qemu-system-x86_64 (QEMU 7.2.22)"))).toBeUndefined();
    expect(headerSchemaFile("// something else")).toBeUndefined();
  });

  it("property: any renaming of masks and order of entries changes nothing", () => {
    const qsd = load(QSD_SCHEMA);
    const masked = qsd.map((e) => e.name).filter((n) => /^\d+$/.test(n));
    const keys = new Set(["name", "type", "arg-type", "ret-type", "element-type"]);
    fc.assert(
      fc.property(fc.shuffledSubarray(masked, { minLength: masked.length }), fc.integer(), (perm, seed) => {
        const to = new Map(masked.map((n, i) => [n, perm[i] ?? n]));
        const rename = (t: string): string => (/^\[?\d+\]?$/.test(t) ? t.replace(/\d+/, (d) => to.get(d) ?? d) : t);
        const renamed = JSON.parse(
          JSON.stringify(qsd, (k, v: unknown) => (typeof v === "string" && keys.has(k) ? rename(v) : v)),
        ) as Entry[];
        const order = renamed.map((e, i) => ({ e, k: (Math.imul(i + 1, seed | 1) >>> 0) % 9973 })).sort((a, b) => a.k - b.k);
        expect(
          diffSchemas(
            entriesOf(qsd, "a"),
            entriesOf(
              order.map((x) => x.e),
              "b",
            ),
          ),
        ).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it("property: NEW→OLD lists the same places with + and - swapped", () => {
    const qsd = load(QSD_SCHEMA);
    const forward = diffSchemas(entriesOf(qsd, "qsd"), entriesOf(base, "qemu"));
    const back = diffSchemas(entriesOf(base, "qemu"), entriesOf(qsd, "qsd"));
    const flip = { added: "removed", removed: "added", changed: "changed" } as const;
    expect(back.map((c) => `${flip[c.change]} ${c.path} ${c.detail}`).sort()).toEqual(
      forward.map((c) => `${c.change} ${c.path} ${c.detail}`).sort(),
    );
  });
});
