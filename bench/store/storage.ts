/**
 * bench/store/storage — bytes on disk per million events, with the codecs
 * the migrations declare (LZ4 by default, ZSTD/Delta where stated), for
 * docs/scaling.md's capacity figures.
 *
 *   npx tsx bench/store/storage.ts [--events 1000000] [--keep]
 *
 * Data: the demo fleet's realistic mix (bench/dashboard/load.ts, via the
 * engine's INSERT … SELECT replicas), merged (OPTIMIZE FINAL) so parts are
 * as they settle. Baseline, same rows: their size as JSON lines (what a log
 * file or the JSON-lines archive of them takes). Prints the events table,
 * its id index and the rollups, and the ten largest columns.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { clickhouseConfigSchema } from "../../config/schema";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { loadEvents } from "../dashboard/load";
import { printBenchLine, type BenchRow } from "../lib/report";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, keep: { type: "boolean", default: false } } });
const N = z.coerce.number().int().positive().parse(values.events);
const dir = await mkdtemp(join(tmpdir(), "prodtrail-storage-bench-"));
const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "storage_bench" }), dataDir: dir });

async function rows<T extends z.ZodType>(schema: T, query: string): Promise<z.output<T>[]> {
  const r = await store.client.query({ query, format: "JSONEachRow" });
  return z.array(schema).parse(await r.json());
}
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

try {
  await migrate(store);
  const loaded = await loadEvents(store, { target: N, days: 30, now: new Date(), via: "sql", log: () => undefined });
  const tables = await rows(z.object({ name: z.string() }), `SELECT name FROM system.tables WHERE database = '${store.database}' AND engine LIKE '%MergeTree%'`);
  for (const t of tables) await store.client.command({ query: `OPTIMIZE TABLE ${store.database}.${t.name} FINAL` });
  const perTable = await rows(
    z.object({ table: z.string(), rows: z.coerce.number(), on_disk: z.coerce.number(), compressed: z.coerce.number(), uncompressed: z.coerce.number() }),
    `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS on_disk, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
     FROM system.parts WHERE database = '${store.database}' AND active GROUP BY table ORDER BY on_disk DESC`,
  );
  const [json] = await rows(z.object({ bytes: z.coerce.number() }), `SELECT sum(length(formatRowNoNewline('JSONEachRow', * EXCEPT (ver))) + 1) AS bytes FROM ${store.tables.events}`);
  const columns = await rows(
    z.object({ column: z.string(), type: z.string(), compressed: z.coerce.number(), uncompressed: z.coerce.number(), codec: z.string() }),
    `SELECT name AS column, type, data_compressed_bytes AS compressed, data_uncompressed_bytes AS uncompressed, compression_codec AS codec
     FROM system.columns WHERE database = '${store.database}' AND table = 'events' ORDER BY compressed DESC LIMIT 10`,
  );
  const events = perTable.find((t) => t.table === "events");
  const total = perTable.reduce((n, t) => n + t.on_disk, 0);
  const perMillion = (bytes: number) => (bytes / N) * 1e6;
  console.log(`storage bench: ${N.toLocaleString("en")} events (${loaded.demoEvents.toLocaleString("en")} demo + replicas), loaded in ${loaded.seconds.toFixed(0)} s, merged`);
  console.log("table                         rows        on disk   per 1M events   compression");
  for (const t of perTable) console.log(`${t.table.padEnd(26)} ${String(t.rows).padStart(10)}  ${mb(t.on_disk).padStart(10)}  ${mb(perMillion(t.on_disk)).padStart(12)}   ${(t.uncompressed / Math.max(1, t.compressed)).toFixed(1)}×`);
  console.log(`all tables: ${mb(perMillion(total))} per 1M events; the same events as JSON lines: ${mb(perMillion(json?.bytes ?? 0))} per 1M`);
  console.log("largest columns of events (compressed, codec):");
  for (const c of columns) console.log(`  ${c.column.padEnd(20)} ${mb(c.compressed).padStart(10)}  ${(c.uncompressed / Math.max(1, c.compressed)).toFixed(1)}×  ${c.codec || "default (LZ4)"}  ${c.type}`);
  const rowsOut: BenchRow[] = [
    { figure: "events table on disk per 1M events", value: perMillion(events?.on_disk ?? 0) / 1e6, unit: "MB", baseline: "the same events as JSON lines", ratio: (events?.on_disk ?? 0) / Math.max(1, json?.bytes ?? 0) },
    { figure: "all tables (index, rollups) per 1M events", value: perMillion(total) / 1e6, unit: "MB", baseline: "the same events as JSON lines", ratio: total / Math.max(1, json?.bytes ?? 0) },
  ];
  printBenchLine("storage", rowsOut);
} finally {
  await store.close();
  if (values.keep) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
process.exit(0);
