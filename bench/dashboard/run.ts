/**
 * Dashboard benchmark (issue #13 item 4: every panel ≤ 100 ms p95 at 10M
 * events): p50/p95 of each panel's data function and of each page's server
 * render (HTTP through `prodtrail serve`, production Next build, full
 * streamed body) on an embedded store holding N events, for each size.
 *
 *   npx tsx bench/dashboard/run.ts --sizes 1000000,10000000 [--runs 15] [--data-dir /tmp/bench-dash --keep] [--no-pages] [--load-only] [--load sql|insert]
 *
 * Data (load.ts) is kept under DIR/events-N with a loaded.json marker when
 * --keep is given (the same layout as timeline-body.ts), so the next run
 * skips loading and only migrates (an existing store gets new migrations,
 * backfills included, and the time is printed). Same-run baselines: for each
 * panel a plain `SELECT count() FROM events` over the same window, for pages
 * GET /api/health. Ends with one line `BENCH {"name":"dashboard", ...}`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe } from "../../server/serve";
import { countEventsQuery } from "../../store/events";
import { migrate } from "../../store/migrate";
import { openStore, type Store } from "../../store/open";
import { printBenchLine, type BenchRow } from "../lib/report";
import { loadEvents, type LoadVia } from "./load";
import { measure, printTable, TARGET_P95_MS, type Timing } from "./measure";
import { panels } from "./panels";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    events: { type: "string" },
    days: { type: "string", default: "30" },
    runs: { type: "string", default: "15" },
    "data-dir": { type: "string" },
    keep: { type: "boolean", default: false },
    "no-pages": { type: "boolean", default: false },
    load: { type: "string", default: "sql" },
    "load-only": { type: "boolean", default: false },
  },
});
const sizes = (values.events ?? values.sizes).split(",").map(Number);
const days = Number(values.days);
const runs = Number(values.runs);
const via = z.enum(["sql", "insert"]).parse(values.load) satisfies LoadVia;
if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error(`--sizes must be whole numbers ≥ 1000, got '${values.events ?? values.sizes}'`);
const root = values["data-dir"] ?? mkdtempSync(join(tmpdir(), "prodtrail-dashboard-bench-"));
const log = (msg: string) => console.log(`[bench] ${msg}`);
const loadedMarker = z.object({ total: z.number(), seconds: z.number(), now: z.string() });
type Marker = z.infer<typeof loadedMarker>;
const clickhouse = configSchema.parse({}).clickhouse;

async function ensureLoaded(size: number): Promise<{ dir: string; marker: Marker; reused: boolean }> {
  const dir = join(root, `events-${size}`);
  const markerPath = join(dir, "loaded.json");
  if (existsSync(markerPath)) return { dir, marker: loadedMarker.parse(JSON.parse(readFileSync(markerPath, "utf8"))), reused: true };
  if (existsSync(dir)) throw new Error(`${dir} exists without loaded.json (an interrupted load): delete it and run again`);
  mkdirSync(dir, { recursive: true });
  const store = await openStore({ clickhouse, dataDir: dir });
  try {
    await migrate(store);
    const now = new Date();
    const loaded = await loadEvents(store, { target: size, days, now, log, via });
    const marker = { total: loaded.total, seconds: loaded.seconds, now: now.toISOString() };
    writeFileSync(markerPath, JSON.stringify(marker));
    log(`loaded ${loaded.total} events (${loaded.demoEvents} demo + ${loaded.replicatedEvents} replicas, ${via}) in ${loaded.seconds.toFixed(0)} s`);
    return { dir, marker, reused: false };
  } finally {
    await store.close();
  }
}

/** A plain count() over the panel's window: what reading the window costs at all, measured beside it. */
function countBaseline(store: Store, now: Date, hours: number): () => Promise<unknown> {
  const from = new Date(now.getTime() - hours * 3_600_000).toISOString();
  return () =>
    store.client
      .query({
        query: `SELECT count() FROM ${store.tables.events} WHERE occurred_at >= parseDateTime64BestEffort({from:String}, 3) AND occurred_at < parseDateTime64BestEffort({to:String}, 3)`,
        query_params: { from, to: now.toISOString() },
        format: "JSONEachRow",
      })
      .then((r) => r.json());
}

async function measureSize(size: number, rows: BenchRow[]): Promise<void> {
  const { dir, marker, reused } = await ensureLoaded(size);
  const now = new Date(marker.now);
  const config = configSchema.parse({ server: { port: 0 }, data_dir: dir });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: dir });
  try {
    const t0 = performance.now();
    const migrated = await migrate(store);
    log(`${reused ? "reused" : "fresh"} store ${dir}: migrations ${migrated.applied.map((m) => m.version).join(", ") || "none"} applied in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const [stored] = await countEventsQuery(store, {});
    log(`the table holds ${stored?.events ?? 0} distinct events in ${stored?.rows ?? 0} rows (target ${size})`);

    const baselines = new Map<number, Timing>();
    const panelTimings: Array<{ timing: Timing; baseline: Timing }> = [];
    const replaced: Array<{ timing: Timing; baseline: Timing }> = [];
    for (const panel of panels(store, now)) {
      let baseline = baselines.get(panel.hours);
      if (!baseline) {
        baseline = await measure(`count() ${panel.hours} h`, runs, countBaseline(store, now, panel.hours));
        baselines.set(panel.hours, baseline);
      }
      panelTimings.push({ timing: await measure(panel.name, runs, panel.run), baseline });
      if (panel.before) replaced.push({ timing: await measure(`${panel.name} (raw, before)`, runs, panel.before), baseline });
    }
    printTable(`panel data functions at ${size.toLocaleString("en")} events`, panelTimings);
    for (const { timing, baseline } of panelTimings) rows.push(benchRow(size, "panel", timing, baseline));
    printTable(`the raw queries the rollups replaced, same run, same windows (events_daily's uniqExact states for trends)`, replaced);
    for (const { timing } of replaced) {
      const rollup = panelTimings.find((p) => `${p.timing.name} (raw, before)` === timing.name)?.timing;
      if (rollup) rows.push({ figure: `rollup vs raw ${rollup.name} p95 @${size / 1_000_000}M`, value: Math.round((rollup.p95 / timing.p95) * 100) / 100, unit: "x", baseline: `raw query p95 ${timing.p95.toFixed(1)} ms` });
    }

    if (values["no-pages"]) return;
    const serve = await startServe({ config, log: createLogger("bench", "warn"), store, dev: false });
    try {
      const admin = await createUser(store, { email: `bench-${Date.now()}@example.com`, role: "admin", password: "bench password 123", createdBy: "bench" });
      const { token } = await createSession(store, { userId: admin.userId, method: "password" });
      const get = (path: string) => async () => {
        const res = await fetch(`${serve.url}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${token}` }, redirect: "manual" });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
      };
      const health = await measure("GET /api/health", runs, get("/api/health"));
      const pages = ["/", "/events", "/events?range=7d&channel=sudo", "/trends", "/findings", "/drift", "/actors/lena.moreau%40demo.example.com?range=7d", "/hosts/db-prod-01?range=7d"];
      const pageTimings: Array<{ timing: Timing; baseline: Timing }> = [];
      for (const p of pages) {
        try {
          pageTimings.push({ timing: await measure(`GET ${p}`, runs, get(p)), baseline: health });
        } catch (error) {
          // A page that fails is a finding of the run, not the end of it.
          log(`page ${p} FAILED: ${error instanceof Error ? error.message : String(error)}`);
          rows.push({ figure: `page GET ${p} @${size / 1_000_000}M FAILED`, value: 0, unit: "failed", target: `<= ${TARGET_P95_MS} ms p95`, met: false });
        }
      }
      printTable(`page server renders at ${size.toLocaleString("en")} events (full streamed body)`, pageTimings);
      for (const { timing, baseline } of pageTimings) rows.push(benchRow(size, "page", timing, baseline));
    } finally {
      await serve.close();
    }
  } finally {
    await store.close();
  }
}

function benchRow(size: number, kind: "panel" | "page", timing: Timing, baseline: Timing): BenchRow {
  return {
    figure: `${kind} ${timing.name} p95 @${size / 1_000_000}M`,
    value: Math.round(timing.p95 * 10) / 10,
    unit: "ms",
    baseline: `${baseline.name} p95 ${baseline.p95.toFixed(1)} ms`,
    ratio: Math.round((timing.p95 / baseline.p95) * 100) / 100,
    target: `<= ${TARGET_P95_MS} ms p95`,
    met: timing.p95 <= TARGET_P95_MS,
  };
}

const rows: BenchRow[] = [];
try {
  // --load-only (with --keep): fill the data dirs now, measure in later runs.
  for (const size of sizes) await (values["load-only"] ? ensureLoaded(size) : measureSize(size, rows));
} finally {
  if (!values.keep) rmSync(root, { recursive: true, force: true });
}
const judged = rows.filter((r) => r.met !== undefined);
const missed = judged.filter((r) => r.met === false);
console.log(`\n${judged.length - missed.length} of ${judged.length} panels and pages within ${TARGET_P95_MS} ms p95${missed.length ? `; over or failed: ${missed.map((r) => r.figure).join(", ")}` : ""}`);
printBenchLine("dashboard", rows);
