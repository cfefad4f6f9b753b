/**
 * Dashboard benchmark: p50/p95 of each page's server render (HTTP through
 * `prodtrail serve`, production Next build, full streamed body) and of each
 * panel's data function, on a fresh embedded store holding N events.
 *
 *   npx tsx bench/dashboard/run.ts --events 1000000 [--days 30] [--runs 15]
 *
 * Loading is described in load.ts (demo fleet, then SQL replication).
 * Timings are printed with a ratio to a baseline measured in the same run
 * (SELECT 1 for queries, GET /api/health for pages), never as pass/fail.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe } from "../../server/serve";
import { countEventsQuery } from "../../store/events";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { loadEvents } from "./load";
import { measure, printTable, type Timing } from "./measure";
import { panels } from "./panels";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, days: { type: "string", default: "30" }, runs: { type: "string", default: "15" } } });
const target = Number(values.events);
const days = Number(values.days);
const runs = Number(values.runs);
if (!Number.isInteger(target) || target < 1000) throw new Error("--events must be a whole number ≥ 1000");

const log = (msg: string) => console.log(`[bench] ${msg}`);
const dir = mkdtempSync(join(tmpdir(), "prodtrail-bench-"));
const config = configSchema.parse({ server: { port: 0 }, data_dir: dir, clickhouse: { database: "bench" } });
const store = await openStore({ clickhouse: config.clickhouse, dataDir: dir });
try {
  await migrate(store);
  const now = new Date();
  const loaded = await loadEvents(store, { target, days, now, log });
  const [stored] = await countEventsQuery(store, {});
  log(`the table holds ${stored?.events ?? 0} distinct events in ${stored?.rows ?? 0} rows`);
  log(`loaded ${loaded.total} events (${loaded.demoEvents} demo-generated + ${loaded.replicatedEvents} replicated through insertEvents) in ${loaded.seconds.toFixed(0)} s`);
  await store.client.command({ query: `OPTIMIZE TABLE ${store.tables.events_daily} FINAL` });

  const selectOne: Timing = await measure("SELECT 1", runs, () => store.client.query({ query: "SELECT 1", format: "JSONEachRow" }).then((r) => r.json()));
  const panelTimings: Timing[] = [];
  for (const [name, run] of panels(store, now)) panelTimings.push(await measure(name, runs, run));
  printTable(`panel queries at ${loaded.total} events`, panelTimings, selectOne);

  const serve = await startServe({ config, log: createLogger("bench", "warn"), store, dev: false });
  try {
    const admin = await createUser(store, { email: "bench@example.com", role: "admin", password: "bench password 123", createdBy: "bench" });
    const { token } = await createSession(store, { userId: admin.userId, method: "password" });
    const get = (path: string) => async () => {
      const res = await fetch(`${serve.url}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${token}` }, redirect: "manual" });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
    };
    const health = await measure("GET /api/health", runs, get("/api/health"));
    const pages = ["/", "/events", "/events?range=7d&channel=sudo", "/trends", "/timeline?range=1h", "/actors/lena.moreau%40demo.example.com?range=7d", "/hosts/db-prod-01?range=7d"];
    const pageTimings: Timing[] = [];
    for (const p of pages) pageTimings.push(await measure(`GET ${p}`, runs, get(p)));
    printTable(`page server renders at ${loaded.total} events (full streamed body)`, pageTimings, health);
  } finally {
    await serve.close();
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
