/**
 * The store's write path against the engine's own file insert of the same
 * rows, measured in the same run on the same embedded engine (issue #13,
 * item 1: store writes ≥ 0.5× the engine's JSONEachRow file insert).
 *
 *   engine file, write-path lines  INSERT … FROM INFILE of files holding the
 *                                  exact lines the write path sends (no JS)
 *   engine file, every column      the same rows as toEventRow builds them
 *                                  (all 60 columns): the issue's baseline
 *   engine Native file             the same rows in Native, written by the engine
 *   insertEvents                   events rows + index rows, the store's transport
 *   writeEventsOnce                the ingest/gateway path: id lookup, then insertEvents
 *   transports                     insertEvents through chdb rawInsert and
 *                                  through SQL text (client.exec), and the
 *                                  write path before this change, on --slow-rows
 *
 * Each phase writes every batch into a fresh database; the phases alternate
 * round by round, so a shared machine's load falls on all of them. Ratios
 * are medians of per-round ratios.
 * Usage: npx tsx bench/ingest/store-write.ts [--rows 200000] [--batch 10000] [--rounds 3] [--slow-rows 20000]
 */
import { parseArgs } from "node:util";
import { rmSync } from "node:fs";
import { z } from "zod";
import { makeEvents } from "../../test/factories/events";
import { testDataDir } from "../../test/store";
import { printBenchLine } from "../lib/report";
import {
  engineFileInsert,
  jsonFiles,
  nativeFiles,
  previousStoreWrite,
  removeFiles,
  storeWrite,
  timed,
  writeOnce,
  type Batches,
  type Timing,
} from "../store/write-phases";

const count = z.coerce.number().int().positive();
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    batch: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    "slow-rows": { type: "string", default: "20000" },
  },
});
const args = z.object({ rows: count, batch: count, rounds: count, "slow-rows": count }).parse(values);

const events = makeEvents(args.rows).map((e, i) => ({ ...e, host: `host-${i % 211}` }));
const inBatches = (n: number): Batches => Array.from({ length: Math.ceil(n / args.batch) }, (_, i) => events.slice(i * args.batch, Math.min(n, (i + 1) * args.batch)));
const batches = inBatches(args.rows);
const slowRows = Math.min(args["slow-rows"], args.rows);
const slowBatches = inBatches(slowRows);

console.log(`store write benchmark: ${args.rows.toLocaleString("en")} rows in batches of ${args.batch.toLocaleString("en")}, ${args.rounds} rounds, embedded engine`);
const linesFiles = jsonFiles(batches, "write path lines", "lines");
const fullFiles = jsonFiles(batches, "every column", "full");
const native = await nativeFiles(linesFiles, "native");

interface Phase {
  name: string;
  rows: number;
  run: () => Promise<Timing>;
}
const phases: Phase[] = [
  { name: "engine file, write-path lines", rows: args.rows, run: () => timed(batches, engineFileInsert(linesFiles)) },
  { name: "engine file, every column", rows: args.rows, run: () => timed(batches, engineFileInsert(fullFiles)) },
  { name: "engine Native file", rows: args.rows, run: () => timed(batches, engineFileInsert(native)) },
  { name: "insertEvents", rows: args.rows, run: () => timed(batches, storeWrite()) },
  { name: "writeEventsOnce", rows: args.rows, run: () => timed(batches, writeOnce) },
  { name: "insertEvents via chdb rawInsert", rows: slowRows, run: () => timed(slowBatches, storeWrite("chdb-buffer")) },
  { name: "insertEvents via SQL text", rows: slowRows, run: () => timed(slowBatches, storeWrite("request-body")) },
  { name: "write path before #13 (client.insert)", rows: slowRows, run: () => timed(slowBatches, previousStoreWrite) },
];

const rates = new Map<string, number[]>(phases.map((p) => [p.name, []]));
const cpuPerRow = new Map<string, number[]>(phases.map((p) => [p.name, []]));
for (let round = 0; round < args.rounds; round++) {
  // Rotate the order each round: no phase always runs first (cold caches) or last.
  const order = phases.map((_, i) => phases[(i + round) % phases.length]).filter((p): p is Phase => p !== undefined);
  for (const phase of order) {
    const t = await phase.run();
    rates.get(phase.name)?.push(phase.rows / t.wall);
    cpuPerRow.get(phase.name)?.push((t.cpu / phase.rows) * 1e6);
  }
  process.stdout.write(`round ${round + 1}/${args.rounds} done\n`);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? (s[(s.length - 1) / 2] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};
const rate = (name: string) => median(rates.get(name) ?? []);
/** Median over rounds of (phase rate / baseline rate) in that round. */
const ratio = (name: string, baseline: string) => median((rates.get(name) ?? []).map((r, i) => r / (rates.get(baseline)?.[i] ?? Number.NaN)));

const BASE = "engine file, write-path lines";
const ISSUE_BASE = "engine file, every column";
console.log(`\n${"phase".padEnd(40)} ${"rows/s".padStart(9)}  ${"CPU µs/row".padStart(10)}  ${"vs lines file".padStart(13)}  ${"vs 60-col file".padStart(14)}`);
for (const p of phases) {
  const cpu = median(cpuPerRow.get(p.name) ?? []);
  console.log(
    `${p.name.padEnd(40)} ${Math.round(rate(p.name)).toLocaleString("en").padStart(9)}  ${cpu.toFixed(1).padStart(10)}  ${ratio(p.name, BASE).toFixed(2).padStart(12)}x  ${ratio(p.name, ISSUE_BASE).toFixed(2).padStart(13)}x`,
  );
}

// The stricter baseline is the faster file: the engine reading exactly the bytes the write path sends.
const strictBase = rate(BASE) >= rate(ISSUE_BASE) ? BASE : ISSUE_BASE;
const write = ratio("writeEventsOnce", strictBase);
const insert = ratio("insertEvents", strictBase);
console.log(`\nstore write = ${write.toFixed(2)}x of engine JSONEachRow file insert (target ≥ 0.50x)   [writeEventsOnce vs ${strictBase}; insertEvents ${insert.toFixed(2)}x]`);
console.log(`engine Native file = ${ratio("engine Native file", strictBase).toFixed(2)}x of the JSONEachRow file; before #13 the write path was ${ratio("write path before #13 (client.insert)", strictBase).toFixed(2)}x`);

const row = (figure: string, name: string, extra: { target?: string; met?: boolean } = {}) => ({
  figure,
  value: Math.round(rate(name)),
  unit: "rows/s",
  baseline: `${strictBase} (same run)`,
  ratio: Number(ratio(name, strictBase).toFixed(3)),
  ...extra,
});
removeFiles();
rmSync(testDataDir(), { recursive: true, force: true });
printBenchLine("store-write", [
  row("writeEventsOnce", "writeEventsOnce", { target: ">= 0.50x", met: write >= 0.5 }),
  row("insertEvents", "insertEvents", { target: ">= 0.50x", met: insert >= 0.5 }),
  row("engine JSONEachRow file (write-path lines)", BASE),
  row("engine JSONEachRow file (every column)", ISSUE_BASE),
  row("engine Native file", "engine Native file"),
  row("insertEvents via chdb rawInsert", "insertEvents via chdb rawInsert"),
  row("insertEvents via SQL text", "insertEvents via SQL text"),
  row("write path before #13", "write path before #13 (client.insert)"),
]);
// The embedded engine keeps handles open; the run is over.
process.exit(0);
