import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Store } from "./open";
import type { Tables, TableName } from "./tables";
import { StoreError, StoreRowError, errorCode } from "./errors";

/**
 * The one narrow way to read the store. A query has a name (it tags the
 * query in system.query_log as log_comment and prefixes its query_id), SQL
 * that takes only table identifiers, `{name:Type}` parameters validated by a
 * zod schema, and a zod schema every returned row must satisfy.
 */
export interface QueryDefinition<P extends z.ZodType, R extends z.ZodType> {
  name: string;
  params: P;
  row: R;
  sql: (tables: Tables) => string;
}

export type TypedQuery<P extends z.ZodType, R extends z.ZodType> = ((
  store: Store,
  params: z.input<P>,
) => Promise<Array<z.output<R>>>) & { readonly definition: QueryDefinition<P, R> };

export function defineQuery<P extends z.ZodType, R extends z.ZodType>(definition: QueryDefinition<P, R>): TypedQuery<P, R> {
  const run = async (store: Store, params: z.input<P>): Promise<Array<z.output<R>>> => {
    const parsedParams = definition.params.safeParse(params);
    if (!parsedParams.success) {
      const detail = parsedParams.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`).join("; ");
      throw new StoreError(`query ${definition.name}: bad parameters: ${detail}`, { query: definition.name });
    }
    const queryId = `${definition.name}-${randomUUID()}`;
    let raw: unknown[];
    try {
      const result = await store.client.query({
        query: definition.sql(store.tables),
        query_params: toQueryParams(parsedParams.data),
        format: "JSONEachRow",
        query_id: queryId,
        clickhouse_settings: { log_comment: definition.name },
      });
      raw = await result.json();
    } catch (error) {
      throw new StoreError(
        `query ${definition.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        { query: definition.name, queryId, code: errorCode(error) },
        { cause: error },
      );
    }
    return raw.map((row, index) => {
      const parsed = definition.row.safeParse(row);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        throw new StoreRowError(definition.name, `row ${index}: ${detail}`);
      }
      return parsed.data;
    });
  };
  return Object.assign(run, { definition });
}

/** Parameters go to the engine as `param_<name>`; objects only at the top level. */
function toQueryParams(params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new StoreError("query parameters must be an object", {});
  }
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

export interface InsertOptions {
  table: TableName;
  rows: readonly Record<string, unknown>[];
  /**
   * Same token, same rows: the engine keeps the first insert only (needs
   * non_replicated_deduplication_window on plain MergeTree tables, set in
   * the migrations). Build it from the rows' content, not from offsets.
   */
  deduplicationToken?: string;
}

/** Inserts are synchronous (async_insert=0): when this resolves the rows are in a part on disk. */
export async function insertRows(store: Store, { table, rows, deduplicationToken }: InsertOptions): Promise<void> {
  if (rows.length === 0) return;
  try {
    await store.client.insert({
      table: store.tables[table],
      values: rows.slice(),
      format: "JSONEachRow",
      clickhouse_settings: {
        async_insert: 0,
        date_time_input_format: "best_effort",
        // A column the table lacks is a bug in the writer, never data to drop silently.
        input_format_skip_unknown_fields: 0,
        ...(deduplicationToken ? { insert_deduplication_token: deduplicationToken } : {}),
      },
    });
  } catch (error) {
    throw new StoreError(
      `insert of ${rows.length} rows into ${table} failed: ${error instanceof Error ? error.message : String(error)}`,
      { table, code: errorCode(error) },
      { cause: error },
    );
  }
}

/** DDL and other statements without rows (migrations, admin). */
export async function runCommand(store: Store, sql: string, name: string): Promise<void> {
  try {
    await store.client.command({ query: sql, clickhouse_settings: { log_comment: name } });
  } catch (error) {
    throw new StoreError(
      `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      { query: name, code: errorCode(error) },
      { cause: error },
    );
  }
}
