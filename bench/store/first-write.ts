/**
 * What the first-write check (store/first-write.ts) costs on the write path,
 * as ratios against the raw insert measured in the same run on the same
 * engine: the same N events in batches of B, each batch into a fresh
 * database prefilled with P events (the id index then holds P ids).
 *   before  the write path before issue #9: the events rows alone, one insert per batch
 *   raw     insertEvents (events rows + index rows, no lookup)
 *   checked writeEventsOnce of new events (lookup + insert)
 *   resend  writeEventsOnce of the same events again (lookup only: all duplicates)
 * Run: npx tsx bench/store/first-write.ts [N=20000] [B=2000] [P=100000]
 */
import { performance } from "node:perf_hooks";
import type { AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import { toEventRow } from "../../store/event-rows";
import { insertRows } from "../../store/query";
import { writeEventsOnce } from "../../store/first-write";
import { makeEvents } from "../../test/factories/events";
import { openTestStore, type TestStore } from "../../test/store";
import { printBenchLine } from "../lib/report";

const [n = 20_000, batch = 2_000, prefill = 100_000] = process.argv.slice(2).map(Number);

async function prefilled(): Promise<TestStore> {
  const store = await openTestStore();
  for (let i = 0; i < prefill; i += 10_000) await insertEvents(store, makeEvents(Math.min(10_000, prefill - i)));
  return store;
}

async function timed(label: string, events: readonly AuditEvent[], write: (store: TestStore, part: AuditEvent[]) => Promise<unknown>, store: TestStore): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += batch) await write(store, events.slice(i, i + batch));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${label.padEnd(8)} ${seconds.toFixed(2)} s  ${Math.round(events.length / seconds)} events/s\n`);
  return seconds;
}

process.stdout.write(`N=${n} B=${batch} prefilled=${prefill}\n`);
const beforeStore = await prefilled();
const rawStore = await prefilled();
const checkedStore = await prefilled();
const receivedAt = new Date().toISOString();
const before = await timed("before", makeEvents(n), (s, part) => insertRows(s, { table: "events", rows: part.map((e) => toEventRow(e, receivedAt)) }), beforeStore);
const raw = await timed("raw", makeEvents(n), (s, part) => insertEvents(s, part), rawStore);
const events = makeEvents(n);
const checked = await timed("checked", events, (s, part) => writeEventsOnce(s, part), checkedStore);
const resend = await timed("resend", events, (s, part) => writeEventsOnce(s, part), checkedStore);
process.stdout.write(`raw/before ${(raw / before).toFixed(2)}  checked/before ${(checked / before).toFixed(2)}  checked/raw ${(checked / raw).toFixed(2)}  resend/raw ${(resend / raw).toFixed(2)}\n`);
await beforeStore.drop();
await rawStore.drop();
await checkedStore.drop();
const rate = (seconds: number) => Math.round(n / seconds);
printBenchLine("first-write", [
  { figure: "writeEventsOnce, new events", value: rate(checked), unit: "events/s", baseline: "insertEvents, no lookup (same run)", ratio: Number((raw / checked).toFixed(3)) },
  { figure: "writeEventsOnce, resends", value: rate(resend), unit: "events/s", baseline: "insertEvents, no lookup (same run)", ratio: Number((raw / resend).toFixed(3)) },
  { figure: "insertEvents", value: rate(raw), unit: "events/s", baseline: "events rows alone, client.insert (same run)", ratio: Number((before / raw).toFixed(3)) },
]);
process.exit(0);
