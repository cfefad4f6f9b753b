/**
 * Timeline page body: bytes and server render time of GET /timeline at
 * 1M and 10M events, next to the old page's 7.7 MB body at 10M (issue #13,
 * item 5: ≤ 1 MB at any data size) and to a same-run baseline.
 *
 *   npx tsx bench/dashboard/timeline-body.ts --sizes 1000000,10000000 [--runs 5] [--data-root DIR] [--load-only]
 *
 * Data: bench/dashboard/load.ts (the demo fleet over 30 days, then replicas),
 * kept under DIR/events-N so a second run (or the 10M load started ahead in
 * the background with --load-only) reuses it. Same-run references: the
 * bytes of the old page's data (buildTimeline, the export's up to 5,000
 * items as JSON) and GET /api/health's time. Ends with one line
 * `BENCH {"name":"timeline-body", ...}`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { configSchema } from "../../config/schema";
import type { Viewer } from "../../dashboard/lib/auth/permissions";
import { buildTimeline } from "../../dashboard/lib/data/timeline";
import { buildTimelineSummary } from "../../dashboard/lib/data/timeline-summary";
import { parseFilters } from "../../dashboard/lib/filters/parse";
import { createLogger } from "../../lib/log";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe } from "../../server/serve";
import { migrate } from "../../store/migrate";
import { openStore, type Store } from "../../store/open";
import { loadEvents } from "./load";
import { measure } from "./measure";

/** The old page's body at 10M events, 24 h window (issue #13). */
const OLD_BODY_BYTES = 7_700_000;
const LIMIT_BYTES = 1_000_000;
const PAGES = ["/timeline", "/timeline?range=1h", "/timeline?page=2", "/timeline?range=7d"];

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    runs: { type: "string", default: "5" },
    days: { type: "string", default: "30" },
    "data-root": { type: "string", default: join(tmpdir(), "prodtrail-timeline-bench") },
    "load-only": { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);
const runs = Number(values.runs);
const days = Number(values.days);
if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error(`--sizes must be whole numbers ≥ 1000, got '${values.sizes}'`);
const log = (msg: string) => console.log(`[timeline-bench] ${msg}`);
const admin: Viewer = { userId: "bench", email: "bench@example.com", name: "bench", role: "admin", sessionId: "bench" };
const loadedMarker = z.object({ total: z.number(), seconds: z.number(), now: z.string() });

async function ensureLoaded(size: number): Promise<{ dir: string; marker: z.infer<typeof loadedMarker> }> {
  const dir = join(values["data-root"], `events-${size}`);
  const markerPath = join(dir, "loaded.json");
  if (existsSync(markerPath)) return { dir, marker: loadedMarker.parse(JSON.parse(readFileSync(markerPath, "utf8"))) };
  mkdirSync(dir, { recursive: true });
  const store = await openStore({ clickhouse: configSchema.parse({}).clickhouse, dataDir: dir });
  try {
    await migrate(store);
    const now = new Date();
    const loaded = await loadEvents(store, { target: size, days, now, log });
    const marker = { total: loaded.total, seconds: loaded.seconds, now: now.toISOString() };
    writeFileSync(markerPath, JSON.stringify(marker));
    log(`loaded ${loaded.total} events into ${dir} in ${loaded.seconds.toFixed(0)} s`);
    return { dir, marker };
  } finally {
    await store.close();
  }
}

interface PageFigure { path: string; bytes: number; p50: number; p95: number }
interface SizeFigure { events: number; oldDataBytes: number; oldDataP50: number; summaryP50: number; healthP50: number; pages: PageFigure[] }

async function oldDataBytes(store: Store): Promise<number> {
  const { filters } = parseFilters({ range: "24h" });
  return Buffer.byteLength(JSON.stringify(await buildTimeline(admin, store, filters)));
}

async function measureSize(size: number): Promise<SizeFigure> {
  const { dir, marker } = await ensureLoaded(size);
  const config = configSchema.parse({ server: { port: 0 }, data_dir: dir });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: dir });
  await migrate(store);
  const serve = await startServe({ config, log: createLogger("timeline-bench", "warn"), store, dev: false });
  try {
    const email = `bench-${Date.now()}@example.com`;
    const user = await createUser(store, { email, role: "admin", password: "bench password 123", createdBy: "bench" });
    const { token } = await createSession(store, { userId: user.userId, method: "password" });
    let lastBytes = 0;
    const get = (path: string) => async () => {
      const res = await fetch(`${serve.url}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${token}` }, redirect: "manual" });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.subarray(0, 200).toString()}`);
      lastBytes = body.byteLength;
    };
    const health = await measure("GET /api/health", runs, get("/api/health"));
    const pages: PageFigure[] = [];
    for (const path of PAGES) {
      const t = await measure(`GET ${path}`, runs, get(path));
      pages.push({ path, bytes: lastBytes, p50: t.p50, p95: t.p95 });
    }
    // The data functions alone, same run: the old page's (buildTimeline, still the export's) and the new page's summary.
    const { filters } = parseFilters({ range: "24h" });
    const oldData = await measure("buildTimeline 24h", runs, () => buildTimeline(admin, store, filters));
    const newData = await measure("buildTimelineSummary 24h", runs, () => buildTimelineSummary(admin, store, filters, { page: 1 }));
    const figure = { events: marker.total, oldDataBytes: await oldDataBytes(store), oldDataP50: oldData.p50, summaryP50: newData.p50, healthP50: health.p50, pages };
    print(figure);
    return figure;
  } finally {
    await serve.close();
  }
}

function print(f: SizeFigure): void {
  console.log(`\ntimeline page at ${f.events} events (${runs} runs after a warm-up; GET /api/health p50 ${f.healthP50.toFixed(1)} ms same run)`);
  console.log(`old page's data, same run: buildTimeline 24 h as JSON = ${f.oldDataBytes} bytes; old page body at 10M (issue #13) = ${OLD_BODY_BYTES} bytes`);
  console.log(`data functions, same run, p50: buildTimeline 24 h (old page) ${f.oldDataP50.toFixed(1)} ms, buildTimelineSummary 24 h (new page) ${f.summaryP50.toFixed(1)} ms (×${(f.summaryP50 / f.oldDataP50).toFixed(2)})`);
  console.log(`${"page".padEnd(28)} ${"body bytes".padStart(11)} ${"÷ old 7.7MB".padStart(12)} ${"≤ 1 MB".padStart(7)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"×health".padStart(8)}`);
  for (const p of f.pages) {
    console.log(`${p.path.padEnd(28)} ${String(p.bytes).padStart(11)} ${(p.bytes / OLD_BODY_BYTES).toFixed(3).padStart(12)} ${(p.bytes <= LIMIT_BYTES ? "yes" : "NO").padStart(7)} ${p.p50.toFixed(1).padStart(8)} ${p.p95.toFixed(1).padStart(8)} ${(p.p50 / f.healthP50).toFixed(1).padStart(8)}`);
  }
}

const figures: SizeFigure[] = [];
for (const size of sizes) {
  if (values["load-only"]) await ensureLoaded(size);
  else figures.push(await measureSize(size));
}
if (!values["load-only"]) {
  const maxBytes = Math.max(...figures.flatMap((f) => f.pages.map((p) => p.bytes)));
  console.log(`BENCH ${JSON.stringify({ name: "timeline-body", limit_bytes: LIMIT_BYTES, old_body_bytes: OLD_BODY_BYTES, max_body_bytes: maxBytes, within_limit: maxBytes <= LIMIT_BYTES, runs, sizes: figures.map((f) => ({ events: f.events, old_data_bytes: f.oldDataBytes, old_data_p50_ms: round(f.oldDataP50), summary_p50_ms: round(f.summaryP50), health_p50_ms: round(f.healthP50), pages: f.pages.map((p) => ({ path: p.path, bytes: p.bytes, ratio_to_old: round(p.bytes / OLD_BODY_BYTES, 3), p50_ms: round(p.p50), p95_ms: round(p.p95) })) })) })}`);
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
