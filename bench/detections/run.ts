/**
 * One scheduled detection round — every built-in rule over a 5-minute
 * received_at window — at 1M and 10M stored events, next to a plain count()
 * of the same window measured in the same run on the same engine (absolute
 * times depend on the machine; issue #10 asks for a round well under the
 * schedule interval, 60 s by default). No rule is evaluated at ingest, so
 * there is no per-event streaming cost to report.
 *
 * Usage: npx tsx bench/detections/run.ts [--events 1000000,10000000] [--runs 3] [--keep]
 * Data is synthesized in the engine (INSERT … SELECT … FROM numbers()):
 * 14 days of access and change events from 300 people on 500 hosts, 2% of
 * them failed logins from 2,000 outside addresses, received 2 s after they
 * happened.
 *
 * Measured on the shared 2-core development machine (2026-12-02):
 *   1M: count() 0.026 s, round 1.103 s (42×, 1.8% of the 60 s interval)
 *   10M: count() 0.098 s, round 1.630 s (16.6×, 2.7%); slowest first-access 0.68 s, unusual-hours 0.48 s
 * (the machine is shared: the same run at 10M measured 3.97 s and 7.9 s under other engineers' load).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { printBenchLine, type BenchRow } from "../lib/report";
import { clickhouseConfigSchema } from "../../config/schema";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "../../detections/load";
import { runRound } from "../../detections/scheduler";
import { runRule } from "../../detections/run-rule";
import { createLogger } from "../../lib/log";
import { migrate } from "../../store/migrate";
import { openStore, type Store } from "../../store/open";
import { qualifyTables } from "../../store/tables";
import { runCommand } from "../../store/query";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000,10000000" }, runs: { type: "string", default: "3" }, keep: { type: "boolean", default: false } } });
const SIZES = (values.events ?? "").split(",").map(Number);
const RUNS = Number(values.runs);
for (const n of [...SIZES, RUNS]) if (!Number.isInteger(n) || n < 1) throw new Error("--events takes positive whole numbers separated by commas, --runs a positive whole number");

const DAY_MS = 86_400_000;
const END = Date.parse("2026-11-22T12:00:00.000Z");
const START = END - 14 * DAY_MS;
const dir = await mkdtemp(join(tmpdir(), "prodtrail-detections-bench-"));
const engine = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "detections_bench" }), dataDir: dir });
const log = createLogger("bench", "warn");
const rules = loadRuleFiles([BUILTIN_RULES_DIR]);

async function median(label: string, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)] ?? 0;
  console.log(`  ${label.padEnd(58)} median ${(ms / 1000).toFixed(3).padStart(7)} s over ${RUNS} runs`);
  return ms;
}

/** Adds rows numbered [from, to) of `total` to the events table, spread evenly over the 14 days. */
async function synthesize(store: Store, from: number, to: number, total: number): Promise<void> {
  const t = store.tables;
  const at = `fromUnixTimestamp64Milli(toInt64(${START} + intDiv(number * ${END - START}, ${total})), 'UTC')`;
  await runCommand(store, `INSERT INTO ${t.events} (event_id, schema_version, type, category, occurred_at, received_at, actor_id, actor_kind, attribution_method, attribution_confidence, channel, effective_user, env, host, outcome, source_ip, command, path, collector_id)
    SELECT concat('bench-', toString(number)), 1,
      multiIf(number % 50 = 0, 'access.login_failed', number % 10 < 4, 'access.login', number % 10 < 7, 'access.exec', number % 10 < 9, 'access.privilege', 'change.file') AS type,
      splitByChar('.', type)[1],
      ${at}, ${at} + INTERVAL 2 SECOND,
      if(number % 50 = 0, 'unknown', concat('person', toString(number % 300), '@example.com')),
      if(number % 50 = 0, 'unknown', 'human'), 'auth-log', 1,
      if(number % 10 = 7 OR number % 10 = 8, 'sudo', 'ssh'), if(number % 10 = 7, 'root', ''),
      'prod', concat('host-', toString(number % 500)),
      if(number % 50 = 0, 'failure', 'success'),
      if(number % 50 = 0, concat('203.0.', toString(intDiv(number % 2000, 250)), '.', toString(number % 250)), concat('10.0.', toString(number % 300 % 250), '.', toString(number % 7))),
      multiIf(number % 10 = 7 AND number % 97 = 0, '/bin/bash', number % 10 < 9, concat('/usr/bin/systemctl status svc', toString(number % 40)), ''),
      if(number % 10 = 9, if(number % 113 = 0, '/etc/sudoers.d/ops', concat('/etc/app/f', toString(number % 200), '.conf')), ''),
      concat('host-', toString(number % 500))
    FROM numbers(${from}, ${to - from})`, "bench.synthesize");
}

const benchRows: BenchRow[] = [];
try {
  console.log(`detections bench: ${rules.length} built-in rules, a 5-minute window, data ${dir}`);
  for (const size of SIZES) {
    // Each size in a database of its own, its rows spread over the same 14 days (the same engine: one per process).
    const database = `detections_bench_${size}`;
    const store: Store = { ...engine, database, tables: qualifyTables(database) };
    const t = store.tables;
    await migrate(store);
    for (let n = 0; n < size; n += 2_000_000) await synthesize(store, n, Math.min(size, n + 2_000_000), size);
    await runCommand(store, `OPTIMIZE TABLE ${t.events} FINAL`, "bench.optimize");
    const now = new Date(END);
    const from = new Date(END - 5 * 60_000);
    console.log(`${size.toLocaleString()} stored events`);
    const baseline = await median("baseline: count() of the window (received_at)", async () => {
      const r = await store.client.query({ query: `SELECT count() AS n FROM ${t.events} WHERE received_at >= {from:DateTime64(3)} AND received_at < {to:DateTime64(3)}`, query_params: { from: from.toISOString().replace("T", " ").replace("Z", ""), to: now.toISOString().replace("T", " ").replace("Z", "") }, format: "JSONEachRow" });
      await r.json();
    });
    let hits = 0;
    const round = await median("one scheduled round, every built-in rule", async () => {
      await runCommand(store, `TRUNCATE TABLE ${t.detection_windows}`, "bench.reset_windows");
      const result = await runRound({ store, rules, config: { overlap_seconds: 0, max_backfill_hours: 1, max_window_minutes: 5, initial_lookback_minutes: 5 }, worker: "bench", log }, now);
      const failed = result.rules.filter((r) => r.error !== undefined);
      if (failed.length > 0) throw new Error(`rules failed: ${failed.map((r) => `${r.ruleId}: ${r.error}`).join("; ")}`);
      hits = result.rules.reduce((n, r) => n + r.hits, 0);
    });
    benchRows.push({ figure: `one round, 13 rules, 5-min window, ${size.toLocaleString("en")} events (median ms)`, value: round, unit: "ms", baseline: "count() of the window", ratio: round / baseline, target: "well under the 60 s interval", met: round < 60_000 });
    console.log(`  round / baseline ${(round / baseline).toFixed(1)}×; ${hits} rule hits in the window; the round is ${((round / 60_000) * 100).toFixed(1)}% of the 60 s interval`);
    // Where the time goes: each rule's query alone, once (the round also writes findings and progress).
    const perRule: Array<[string, number]> = [];
    for (const rule of rules) {
      const start = performance.now();
      await runRule(store, rule, { from, to: now });
      perRule.push([rule.id, performance.now() - start]);
    }
    perRule.sort((a, b) => b[1] - a[1]);
    console.log(`  slowest rules: ${perRule.slice(0, 4).map(([id, ms]) => `${id} ${(ms / 1000).toFixed(2)} s (${(ms / baseline).toFixed(0)}×)`).join(", ")}`);
  }
  printBenchLine("detections", benchRows);
} finally {
  await engine.close();
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}
