import { StoreError } from "./errors";
import { closingParen, splitTopLevelCommas, topLevelMatches } from "./cluster-sql";

/**
 * What the cluster transform must know about every table the migrations
 * create, gathered from the migration statements themselves (so a migration
 * another engineer adds next week is covered without touching this file):
 * which tables are sharded (a MergeTree-family engine: a local Replicated
 * table per shard behind a Distributed table of the logical name) and the
 * sharding key of each.
 */
export interface CatalogTable {
  name: string;
  /** Engine name as written, e.g. ReplacingMergeTree, KeeperMap. */
  engine: string;
  /** MergeTree family: Replicated local tables plus a Distributed one. */
  sharded: boolean;
  /** Expression of the Distributed table (only meaningful when sharded). */
  shardingKey: string;
}

export type Catalog = ReadonlyMap<string, CatalogTable>;

export const CREATE_TABLE = /^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\{\{database\}\}\.(\w+)/i;
const AS_SOURCE = /^\s*AS\s+\{\{database\}\}\.(\w+)/i;
const ENGINE = /ENGINE\s*=\s*([A-Za-z][A-Za-z0-9_]*)/;
const ORDER_BY = /ORDER\s+BY\s+/;
const CLAUSE_AFTER_ORDER_BY = /(?:PARTITION\s+BY|PRIMARY\s+KEY|SAMPLE\s+BY|TTL|SETTINGS|COMMENT)\b/;

/**
 * Sharding key, in order of preference:
 *  1. cityHash64(event_id) for every table with an event_id column: all
 *     copies of one event land on one shard, so ReplacingMergeTree collapses
 *     a redelivery and the first-write check (event_ids, ordered by event_id)
 *     finds an id on the shard that holds it; the materialized views' targets
 *     (code_blobs, code_commits…) are filled on the event's shard, and a
 *     backfill through their Distributed table lands on that same shard.
 *  2. cityHash64(<ORDER BY key>): every version of one key on one shard, so
 *     FINAL (run per shard) still returns one row per key.
 *  3. rand() for a table without a sorting key (nothing to collapse).
 */
function shardingKeyOf(statement: string, columns: readonly string[], inheritedKey: string | undefined): string {
  if (columns.some((c) => /^`?event_id`?\s/.test(c))) return "cityHash64(event_id)";
  const orderBy = topLevelMatches(statement, ORDER_BY)[0];
  if (!orderBy) return inheritedKey ?? "rand()";
  const rest = statement.slice(orderBy.index + orderBy.text.length);
  const end = topLevelMatches(rest, CLAUSE_AFTER_ORDER_BY)[0]?.index ?? rest.length;
  let key = rest.slice(0, end).trim();
  if (key.startsWith("(") && closingParen(key, 0) === key.length - 1) key = key.slice(1, -1).trim();
  if (key === "" || /^tuple\(\s*\)$/i.test(key)) return "rand()";
  return `cityHash64(${splitTopLevelCommas(key).join(", ")})`;
}

function columnsOf(statement: string, headerEnd: number): string[] {
  const rest = statement.slice(headerEnd);
  const open = rest.search(/\S/);
  if (rest[open] !== "(") return [];
  const close = closingParen(rest, open);
  return close < 0 ? [] : splitTopLevelCommas(rest.slice(open + 1, close));
}

/** Reads one CREATE TABLE statement; undefined for any other statement. */
export function describeCreateTable(statement: string, known: Catalog): CatalogTable | undefined {
  const header = CREATE_TABLE.exec(statement);
  if (!header?.[1]) return undefined;
  const name = header[1];
  const source = AS_SOURCE.exec(statement.slice(header[0].length))?.[1];
  const inherited = source ? known.get(source) : undefined;
  const engineMatch = topLevelMatches(statement, ENGINE)[0];
  const engine = engineMatch ? (ENGINE.exec(engineMatch.text)?.[1] ?? "") : (inherited?.engine ?? "");
  if (engine === "") {
    throw new StoreError(`cluster mode: CREATE TABLE ${name} names no ENGINE and copies none from a known table; write the engine explicitly`, {});
  }
  const columns = columnsOf(statement, header[0].length);
  const sharded = /MergeTree$/.test(engine);
  const inheritsEventId = columns.length === 0 && inherited?.shardingKey === "cityHash64(event_id)";
  return {
    name,
    engine,
    sharded,
    shardingKey: inheritsEventId ? "cityHash64(event_id)" : shardingKeyOf(statement, columns, inherited?.shardingKey),
  };
}

/** The catalog of every table created by these statements, in order (later definitions replace earlier ones). */
export function buildCatalog(statements: readonly string[]): Catalog {
  const catalog = new Map<string, CatalogTable>();
  for (const statement of statements) {
    const table = describeCreateTable(statement, catalog);
    if (table) catalog.set(table.name, table);
  }
  return catalog;
}
