/**
 * The measured phases of bench/ingest/store-write.ts. Each writes the same
 * events, in the same batches, into a fresh test database and returns its
 * wall and CPU seconds (CPU: this process, the engine's threads included,
 * which says more than wall time on a machine shared at load 10-20).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { AuditEvent } from "../../schemas";
import { insertEvents, insertPreparedEvents } from "../../store/events";
import { eventsTableLines, prepareEvents } from "../../store/event-lines";
import { toEventRow } from "../../store/event-rows";
import { versionOf } from "../../store/event-index";
import { writeEventsOnce } from "../../store/first-write";
import { sqlString, type InsertTransport } from "../../store/insert-transport";
import { insertRows, runCommand } from "../../store/query";
import { deduplicationToken, contentHash } from "../../store/content-hash";
import { openTestStore, testDataDir, type TestStore } from "../../test/store";

export interface Timing {
  wall: number;
  cpu: number;
}

export type Batches = readonly (readonly AuditEvent[])[];

/** Runs `write` once per batch on a fresh store; the store is dropped after. */
export async function timed(batches: Batches, write: (store: TestStore, batch: readonly AuditEvent[], index: number) => Promise<unknown>): Promise<Timing> {
  const store = await openTestStore();
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const [index, batch] of batches.entries()) await write(store, batch, index);
    const used = process.cpuUsage(cpu);
    return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
  } finally {
    await store.drop();
  }
}

export const storeWrite = (transport?: InsertTransport) => (store: TestStore, batch: readonly AuditEvent[]) =>
  transport ? insertPreparedEvents(store, prepareEvents(batch), new Date().toISOString(), transport) : insertEvents(store, batch);

export const writeOnce = (store: TestStore, batch: readonly AuditEvent[]) => writeEventsOnce(store, batch);

/** The write path before issue #13 item 1: client.insert of toEventRow objects (SQL text into chdb), then the index rows. */
export async function previousStoreWrite(store: TestStore, batch: readonly AuditEvent[]): Promise<void> {
  const receivedAt = new Date().toISOString();
  const ver = versionOf(receivedAt);
  const hashes = batch.map(contentHash);
  await insertRows(store, { table: "events", rows: batch.map((e) => ({ ...toEventRow(e, receivedAt), ver })), deduplicationToken: deduplicationToken("events", hashes) });
  await insertRows(store, {
    table: "event_ids",
    rows: batch.map((e, i) => ({ event_id: e.event_id, content_hash: hashes[i] ?? "", env: e.env, occurred_at: e.occurred_at, ver })),
    deduplicationToken: deduplicationToken("event-ids", hashes),
  });
}

export type FileFormat = "JSONEachRow" | "Native";

/** One file per batch, written before the clock starts: what the engine reads when it inserts a file itself. */
export interface BatchFiles {
  format: FileFormat;
  paths: string[];
}

const filesDir = () => {
  const dir = join(testDataDir(), "bench-store-write");
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** JSONEachRow files: the rows as toEventRow builds them (every column) or as the write path sends them. */
export function jsonFiles(batches: Batches, rows: "every column" | "write path lines", label: string): BatchFiles {
  const receivedAt = new Date().toISOString();
  const ver = versionOf(receivedAt);
  const paths = batches.map((batch, i) => {
    const path = join(filesDir(), `${label}-${i}.jsonl`);
    const lines =
      rows === "every column"
        ? batch.map((e) => `${JSON.stringify({ ...toEventRow(e, receivedAt), ver })}\n`).join("")
        : eventsTableLines(prepareEvents(batch), receivedAt, ver);
    writeFileSync(path, lines);
    return path;
  });
  return { format: "JSONEachRow", paths };
}

/** Native files of the same rows, written by the engine itself (a Memory copy of `events`, then INTO OUTFILE). */
export async function nativeFiles(from: BatchFiles, label: string): Promise<BatchFiles> {
  const store = await openTestStore();
  try {
    await runCommand(store, `CREATE TABLE ${store.database}.scratch AS ${store.tables.events} ENGINE = Memory`, "bench.scratch");
    const paths: string[] = [];
    for (const [i, source] of from.paths.entries()) {
      const path = join(filesDir(), `${label}-${i}.native`);
      await store.client.command({
        query: `INSERT INTO ${store.database}.scratch FROM INFILE ${sqlString(source)} FORMAT JSONEachRow`,
        clickhouse_settings: { date_time_input_format: "best_effort" },
      });
      await runCommand(store, `SELECT * FROM ${store.database}.scratch INTO OUTFILE ${sqlString(path)} TRUNCATE FORMAT Native`, "bench.native");
      await runCommand(store, `TRUNCATE TABLE ${store.database}.scratch`, "bench.truncate");
      paths.push(path);
    }
    return { format: "Native", paths };
  } finally {
    await store.drop();
  }
}

/** The engine inserting a prepared file itself: the baseline, no JS on the path. */
export const engineFileInsert = (files: BatchFiles) => (store: TestStore, _batch: readonly AuditEvent[], index: number) =>
  store.client.command({
    query: `INSERT INTO ${store.tables.events} FROM INFILE ${sqlString(files.paths[index] ?? "")} FORMAT ${files.format}`,
    clickhouse_settings: { date_time_input_format: "best_effort", async_insert: 0 },
  });

export function removeFiles(): void {
  rmSync(join(testDataDir(), "bench-store-write"), { recursive: true, force: true });
}
