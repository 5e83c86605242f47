/**
 * Validation fidelity: thousands of generated argument objects sent to a real QEMU 7.2, to
 * `validateArguments` and to the fake server with the schema; all three must agree on the
 * verdict (schema-invalid or not) and on QEMU's exact first message.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ExecuteError, QmpClient, QmpSchema, launchQemu, type LaunchedQemu } from "../../runtime/index.js";
import { QmpTestServer } from "../../runtime/testing/index.js";
import { generateCases, unexpectedKeySets, type ArgumentCase } from "../helpers/argument-cases.js";
import { QEMU, describeWith } from "../helpers/qemu.js";
import { QUERY_CASES } from "./schema-query-cases.js";

const annotations = JSON.parse(readFileSync(new URL("./fixtures/qemu-7.2-annotations.json", import.meta.url), "utf8")) as {
  integerWidths: Record<string, string>;
  typeNames: Record<string, string>;
};

/** QEMU's texts for failed argument checks (as opposed to a command's own semantic errors). */
const ARGUMENT_TEXT =
  /^(Parameter '.*' is (missing|unexpected)|Invalid parameter type for '.*', expected: \S+|Parameter '.*' does not accept value '.*'|Parameter '.*' expects (uint64|u?int(8|16|32)_t)|QMP input member 'arguments' must be an object|The command \S+ has not been found)$/s;

type Outcome = { ok: true } | { ok: false; errorClass: string; desc: string };

async function send(qmp: QmpClient, c: ArgumentCase): Promise<Outcome> {
  try {
    await qmp.execute(c.command, c.args as Record<string, unknown> | undefined, { timeout: 10_000 });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ExecuteError)) throw error;
    return { ok: false, errorClass: error.errorClass, desc: error.desc };
  }
}

// A valid case QEMU carried out: undo what it created, so later cases meet the same state.
async function cleanUp(qmp: QmpClient, c: ArgumentCase): Promise<void> {
  const args = (c.args ?? {}) as Record<string, unknown>;
  const undo: Record<string, [string, Record<string, unknown>]> = {
    "blockdev-add": ["blockdev-del", { "node-name": args["node-name"] }],
    "object-add": ["object-del", { id: args["id"] }],
    "block-export-add": ["block-export-del", { id: args["id"], mode: "hard" }],
    device_add: ["device_del", { id: args["id"] }],
    "chardev-add": ["chardev-remove", { id: args["id"] }],
  };
  const step = undo[c.command];
  if (step !== undefined) await qmp.execute(step[0], step[1]).catch(() => undefined);
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? "undefined";
}

describeWith(QEMU)("validation fidelity against real QEMU 7.2", () => {
  let vm: LaunchedQemu;
  let schema: QmpSchema;
  let fake: QmpTestServer;
  const fakeClient = new QmpClient();

  beforeAll(async () => {
    vm = await launchQemu({ binary: QEMU });
    const live = await vm.qmp.introspect();
    schema = new QmpSchema(live.entries, annotations);
    fake = new QmpTestServer({ schema, defaultHandlers: false });
    for (const command of schema.commands()) fake.handle(command, () => ({}));
    fake.handle("qmp_capabilities", () => ({}));
    await fakeClient.connect(fake.connectPair());
  });

  afterAll(async () => {
    await fakeClient.disconnect();
    await fake?.close();
    await vm?.shutdown(2000);
  });

  it("live introspect() answers the query-string cases like the committed schema", async () => {
    const live = await vm.qmp.introspect();
    for (const [query, expected] of QUERY_CASES) expect([query, live.has(query)]).toEqual([query, expected]);
    expect(live.commands()).toContain("blockdev-add");
    expect(await vm.qmp.introspect()).toBe(live);
  });

  async function agreement(cases: readonly ArgumentCase[]): Promise<{ total: number; invalid: number; disagreements: string[] }> {
    const disagreements: string[] = [];
    let invalid = 0;
    for (const c of cases) {
      const issues = schema.validateArguments(c.command, c.args);
      const qemu = await send(vm.qmp, c);
      if (qemu.ok) await cleanUp(vm.qmp, c);
      const fakeOutcome = await send(fakeClient, c);
      const qemuRejected = !qemu.ok && ARGUMENT_TEXT.test(qemu.desc);
      if (qemuRejected) invalid++;
      const predicted = issues[0]?.message;
      const agrees = qemuRejected ? predicted === (qemu as { desc: string }).desc : predicted === undefined;
      const fakeAgrees = qemuRejected
        ? !fakeOutcome.ok &&
          fakeOutcome.desc === (qemu as { desc: string }).desc &&
          fakeOutcome.errorClass === (qemu as { errorClass: string }).errorClass
        : fakeOutcome.ok;
      if (!agrees || !fakeAgrees) {
        const said = qemu.ok ? "ok" : qemu.desc;
        disagreements.push(
          `${c.command} ${show(c.args)} [${c.label}]: QEMU ${said} | ours ${predicted ?? "valid"} | fake ${fakeOutcome.ok ? "ok" : fakeOutcome.desc}`,
        );
      }
    }
    return { total: cases.length, invalid, disagreements };
  }

  it("agrees with QEMU on generated valid and mutated arguments", async () => {
    // QMP_FIDELITY_PAIRS / QMP_FIDELITY_SEED widen the search locally; the defaults keep the run short.
    const pairs = Number(process.env["QMP_FIDELITY_PAIRS"] ?? 40);
    const cases = generateCases(schema, undefined, pairs, Number(process.env["QMP_FIDELITY_SEED"] ?? 1));
    const { total, invalid, disagreements } = await agreement(cases);
    const rate = ((total - disagreements.length) / total) * 100;
    console.log(
      `validation fidelity: ${total - disagreements.length}/${total} agree (${rate.toFixed(2)} %), ${invalid} rejected by QEMU's argument checks`,
    );
    expect(total).toBeGreaterThan(2000);
    expect(invalid).toBeGreaterThan(total / 2);
    expect(disagreements).toEqual([]);
  }, 300_000);

  it("names the same unexpected member first as QEMU, whatever the keys", async () => {
    const cases: ArgumentCase[] = [];
    for (const keys of unexpectedKeySets(300)) {
      const extra = Object.fromEntries(keys.map((k) => [k, 1]));
      cases.push({ command: "query-status", args: extra, label: "unexpected" });
      cases.push({
        command: "blockdev-add",
        args: { driver: "file", filename: "/nonexistent-qmpkit/x", ...extra },
        label: "after members",
      });
    }
    const { disagreements } = await agreement(cases);
    expect(disagreements).toEqual([]);
  }, 120_000);
});
