import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Store } from "./open";
import type { TableName } from "./tables";
import { StoreError, errorCode } from "./errors";
import { embeddedEngineOf } from "./embedded-engine";
import { PER_CALL_DEFAULTS } from "./sticky-settings";

/**
 * How rows already serialised as JSONEachRow reach the engine.
 *
 *   file          embedded engine: the lines are written to a file under the
 *                 data directory and the engine reads it itself
 *                 (`INSERT … FROM INFILE … FORMAT JSONEachRow`).
 *   request-body  a ClickHouse server: the lines are the HTTP request body
 *                 of `INSERT … FORMAT JSONEachRow` (client.exec with values).
 *   chdb-buffer   embedded engine: chdb's rawInsert, the lines handed over as
 *                 one Buffer; kept so the bench measures it beside the file.
 *
 * Why not the client's insert() in embedded mode: chdb's connection turns it
 * into one SQL string, `SET …; SET …; INSERT … FORMAT JSONEachRow\n<10 MB of
 * rows>`, which the engine parses as SQL text before it reads a row. Measured
 * with the same lines, same run, 2 shared cores at load 23-30 (so only ratios
 * count): insertEvents by file 0.56x of the engine's own file insert, by SQL
 * text 0.50x at a tenth of the rows (74.7 against 42.9 CPU µs/row), the
 * client.insert path before 0.17x (bench/ingest/store-write.ts, 200k rows).
 * chdb rawInsert (the lines as one Buffer) against the file, alternating on
 * 50k rows: 3.6k-5.3k rows/s against 3.6k-8.2k, 39-41 CPU µs/row against
 * 26-38. rawInsert also sits beside the client (its own SETTINGS clause and
 * error type); the file goes through client.command like every other
 * statement, with the per-call settings (store/sticky-settings.ts) and the
 * client's ClickHouseError codes.
 */
export type InsertTransport = "file" | "request-body" | "chdb-buffer";

export interface JsonLinesInsert {
  table: TableName;
  /** JSONEachRow: one JSON object per row, each line ending in "\n". */
  lines: string;
  /** How many rows `lines` holds (for errors and the empty case). */
  rows: number;
  /** Same token, same rows: the engine keeps the first insert only (store/query.ts). */
  deduplicationToken?: string;
}

/** The transport a store uses unless a caller (a test, the bench) names one. */
export function defaultTransport(store: Store): InsertTransport {
  return store.mode === "embedded" && store.dataPath !== undefined ? "file" : "request-body";
}

/** Synchronous (async_insert=0): when this resolves the rows are in a part on disk, views fed. */
export async function insertJsonLines(store: Store, insert: JsonLinesInsert, transport = defaultTransport(store)): Promise<void> {
  if (insert.rows === 0) return;
  const settings = {
    async_insert: 0,
    date_time_input_format: "best_effort",
    // A column the table lacks is a bug in the writer, never data to drop silently.
    input_format_skip_unknown_fields: 0,
    ...(insert.deduplicationToken ? { insert_deduplication_token: insert.deduplicationToken } : {}),
  };
  try {
    if (transport === "file") await viaFile(store, insert, settings);
    else if (transport === "chdb-buffer") await viaChdbBuffer(store, insert, settings);
    else await viaRequestBody(store, insert, settings);
  } catch (error) {
    throw new StoreError(
      `insert of ${insert.rows} rows into ${insert.table} failed: ${error instanceof Error ? error.message : String(error)}`,
      { table: insert.table, code: errorCode(error) },
      { cause: error },
    );
  }
}

type Settings = Record<string, string | number>;

/** Where insert files live: inside the data directory (one process owns it), removed after each insert. */
export function insertFilesDir(dataPath: string): string {
  return join(dataPath, "user_files", "prodtrail-inserts");
}

async function viaFile(store: Store, insert: JsonLinesInsert, settings: Settings): Promise<void> {
  if (store.dataPath === undefined) throw new StoreError("the file transport needs an embedded store's data directory", { table: insert.table });
  const dir = insertFilesDir(store.dataPath);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomUUID()}.jsonl`);
  try {
    await writeFile(file, insert.lines);
    await store.client.command({
      query: `INSERT INTO ${store.tables[insert.table]} FROM INFILE ${sqlString(file)} FORMAT JSONEachRow`,
      clickhouse_settings: settings,
    });
  } finally {
    await rm(file, { force: true });
  }
}

async function viaRequestBody(store: Store, insert: JsonLinesInsert, settings: Settings): Promise<void> {
  const result = await store.client.exec({
    query: `INSERT INTO ${store.tables[insert.table]} FORMAT JSONEachRow`,
    values: Readable.from([Buffer.from(insert.lines)], { objectMode: false }),
    clickhouse_settings: settings,
  });
  // An INSERT answers an empty body; reading it to the end frees the connection for the next request.
  for await (const chunk of result.stream) void chunk;
}

async function viaChdbBuffer(store: Store, insert: JsonLinesInsert, settings: Settings): Promise<void> {
  const engine = embeddedEngineOf(store.client);
  if (engine === undefined) throw new StoreError("the chdb-buffer transport needs an embedded store", { table: insert.table });
  // rawInsert bypasses the client, so it restates the per-call defaults itself (store/sticky-settings.ts).
  await engine.rawInsert({
    table: store.tables[insert.table],
    values: Buffer.from(insert.lines),
    format: "JSONEachRow",
    settings: { ...PER_CALL_DEFAULTS, ...settings },
  });
}

/** A ClickHouse string literal: backslash and quote escaped (the path comes from config, not from events). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
