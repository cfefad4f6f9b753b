/**
 * Drift classification time for N changes against M indexed blobs, as a
 * ratio to a plain scan of the `events` table holding the same rows,
 * measured in the same run on the same engine (absolute times depend on the
 * machine; the ratio shows what the joins cost).
 *
 * Usage: npx tsx bench/drift/run.ts [--changes 1000000] [--blobs 10000000] [--hosts 500] [--files 2000] [--job] [--dir D]
 *   --keep keeps the data directory (to profile queries against it).
 *   --job  also times one full DriftJob.runOnce (the SQL, the JS state
 *          machine, attribution and the drift-table writes).
 * Data is synthesized in the engine with INSERT … SELECT … FROM numbers():
 * 70% of changes arrive through ci-deploy, 20% are hand edits whose content
 * a commit holds (before or after), 10% hand edits no commit holds.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clickhouseConfigSchema } from "../../config/schema";
import { driftConfigSchema } from "../../config/drift";
import { DriftJob } from "../../drift/job";
import { driftFactsQuery } from "../../drift/facts";
import { compileMappings } from "../../drift/mappings";
import { createLogger } from "../../lib/log";
import { migrate } from "../../store/migrate";
import { openStore, type Store } from "../../store/open";
import { runCommand } from "../../store/query";

const { values } = parseArgs({
  options: { changes: { type: "string", default: "1000000" }, blobs: { type: "string", default: "10000000" }, hosts: { type: "string", default: "500" }, files: { type: "string", default: "2000" }, job: { type: "boolean", default: false }, dir: { type: "string" }, keep: { type: "boolean", default: false } },
});
const N = Number(values.changes);
const B = Number(values.blobs);
const H = Number(values.hosts);
const F = Number(values.files);
for (const [k, v] of Object.entries({ changes: N, blobs: B, hosts: H, files: F })) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive whole number`);

const dir = await mkdtemp(join(values.dir ?? tmpdir(), "prodtrail-drift-bench-"));
const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "drift_bench" }), dataDir: dir });
const t = store.tables;

async function timed<T>(label: string, work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  console.log(`  ${label.padEnd(46)} ${(ms / 1000).toFixed(2).padStart(8)} s`);
  return { ms, value };
}

async function scalar(sql: string, params: Record<string, unknown> = {}): Promise<string> {
  const r = await store.client.query({ query: sql, query_params: params, format: "JSONEachRow" });
  const rows: unknown[] = await r.json();
  return JSON.stringify(rows[0] ?? {});
}

// Blob i: content hash of "b<i>" at path nginx/f<i % F>.conf, committed at 2026-01-01 + i seconds / 10.
const blob = (expr: string) => `lower(hex(SHA1(concat('b', toString(${expr})))))`;
const commitOf = (expr: string) => `lower(hex(SHA1(concat('c', toString(intDiv(${expr}, 4))))))`;

async function synthesize(s: Store): Promise<void> {
  await runCommand(s, `INSERT INTO ${t.code_blobs} SELECT 'infra', ${blob("number")}, concat('nginx/f', toString(number % ${F}), '.conf'), ${commitOf("number")}, 'main',
    toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 100), false, '' FROM numbers(${B})`, "bench.blobs");
  await runCommand(s, `INSERT INTO ${t.code_commits} SELECT 'infra', ${commitOf("number * 4")}, 'main', [], toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 400), false, ''
    FROM numbers(${Math.ceil(B / 4)})`, "bench.commits");
  // Change i on host web-<i % H>, file f<i % F>; kind by i % 10: 0..6 deploy, 7..8 a held blob, 9 content no commit holds.
  const at = `toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * ${Math.max(1, Math.floor((B * 100) / N))})`;
  await runCommand(s, `INSERT INTO ${t.events} (event_id, schema_version, type, category, occurred_at, actor_id, actor_kind, attribution_method, attribution_confidence, channel, env, host, path, op, before_hash, after_hash)
    SELECT concat('chg-', toString(number)), 1, 'change.file', 'change', ${at},
      if(number % 10 < 7, 'ci', 'unknown'), if(number % 10 < 7, 'service', 'unknown'), if(number % 10 < 7, 'ci-identity', 'none'), if(number % 10 < 7, 1, 0),
      if(number % 10 < 7, 'ci-deploy', 'unknown'), 'prod', concat('web-', toString(number % ${H})), concat('/etc/nginx/f', toString((number * 7919) % ${F}), '.conf'), 'modify', '',
      if(number % 10 = 9, lower(hex(SHA1(concat('x', toString(number))))), ${blob(`(number * 7919) % ${F} + ${F} * ((number * 31) % ${Math.max(1, Math.floor(B / F))})`)})
    FROM numbers(${N})`, "bench.changes");
  // One deploy per host per 1,000 changes, to exercise the deploy ASOF join.
  await runCommand(s, `INSERT INTO ${t.events} (event_id, schema_version, type, category, occurred_at, actor_id, actor_kind, attribution_method, attribution_confidence, channel, env, host, repo, commit, deploy_id)
    SELECT concat('dep-', toString(number)), 1, 'deploy.release', 'deploy', ${at.replace("number *", "(number * 1000) *")}, 'ci', 'service', 'ci-identity', 1, 'ci-deploy', 'prod',
      concat('web-', toString(number % ${H})), 'infra', ${commitOf("number * 40")}, concat('d-', toString(number))
    FROM numbers(${Math.max(1, Math.floor(N / 1000))})`, "bench.deploys");
  await runCommand(s, `OPTIMIZE TABLE ${t.events} FINAL`, "bench.optimize_events");
  await runCommand(s, `OPTIMIZE TABLE ${t.code_blobs} FINAL`, "bench.optimize_blobs");
}

try {
  await migrate(store);
  console.log(`drift bench: ${N.toLocaleString()} changes, ${B.toLocaleString()} indexed blobs, ${H} hosts, ${F} files; data ${dir}`);
  await timed("synthesize (INSERT … SELECT FROM numbers)", () => synthesize(store));
  const mappings = driftConfigSchema.parse({ mappings: [{ hosts: ["web-*"], host_path: "/etc/nginx/", repo: "infra", repo_path: "nginx/" }] }).mappings;
  const params = { ...compileMappings(mappings), window_s: 900, hosts: [] as string[], now_ms: Date.parse("2026-03-01T00:00:00Z"), grace_ms: 72 * 3_600_000 };
  const factsSql = driftFactsQuery.definition.sql(t);

  // Baseline: the same change rows read once, FINAL as the job reads them, hashed so nothing is skipped.
  const scan = await timed("baseline: plain scan of events (FINAL)", () => scalar(`SELECT count() AS n, sum(cityHash64(host, path, after_hash, occurred_at)) AS h FROM ${t.events} FINAL WHERE type = 'change.file'`));
  const classify = await timed("classification SQL (facts, aggregated in engine)", () => scalar(`SELECT count() AS n, countIf(length(cands) > 0) AS with_deploys, countIf(held_commit != '') AS held, countIf(later_commit != '') AS later FROM (${factsSql})`, params));
  const fetched = await timed("classification SQL + rows to JS (driftFactsQuery)", () => driftFactsQuery(store, params));
  console.log(`  baseline ${scan.value}`);
  console.log(`  facts    ${classify.value}; ${fetched.value.length.toLocaleString()} rows parsed`);
  console.log(`  ratio classification / scan: ${(classify.ms / scan.ms).toFixed(1)}x (in engine), ${(fetched.ms / scan.ms).toFixed(1)}x (with rows to JS)`);
  if (values.job) {
    const job = new DriftJob(store, driftConfigSchema.parse({ mappings }), createLogger("drift-bench", "warn"));
    const run = await timed("DriftJob.runOnce (first, full)", () => job.runOnce({ now: new Date("2026-03-01T00:00:00Z") }));
    const again = await timed("DriftJob.runOnce (again, nothing changed)", () => job.runOnce({ now: new Date("2026-03-01T00:00:00Z"), full: true }));
    console.log(`  job: ${run.value.written.toLocaleString()} rows written first, ${again.value.written} again; ratio ${(run.ms / scan.ms).toFixed(1)}x scan`);
  }
} finally {
  await store.close();
  if (values.keep) console.log(`  kept ${dir} (database drift_bench)`);
  else await rm(dir, { recursive: true, force: true });
}
