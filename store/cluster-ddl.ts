import { StoreError } from "./errors";
import { CREATE_TABLE, type Catalog } from "./cluster-catalog";
import { closingParen, splitTopLevelCommas, topLevelMatches } from "./cluster-sql";

/**
 * Cluster mode (clickhouse.cluster) from the same migration files that run
 * embedded and on one server: each statement, still a template with
 * `{{database}}`, becomes the statements a cluster needs.
 *
 *  - A MergeTree-family table N becomes N_local ON CLUSTER with the
 *    Replicated engine (Keeper path per table and shard, {replica} macro),
 *    and N itself becomes a Distributed table over N_local: every reader
 *    and writer that names N (store/tables.ts) goes through it unchanged.
 *  - Materialized views are created ON CLUSTER on the local tables and write
 *    into local targets: each shard rolls up its own events.
 *  - ALTER, OPTIMIZE, TRUNCATE, DELETE, EXCHANGE and DROP work on the local
 *    tables ON CLUSTER; column changes are applied to the Distributed table
 *    too, so it keeps the local table's columns.
 *  - INSERT … SELECT backfills stay as written: they read and write the
 *    Distributed tables, so rows land on the shard their key picks
 *    (migrate runs them with insert_distributed_sync, store/cluster-settings.ts).
 *  - Tables of other engines (KeeperMap: one copy shared through Keeper;
 *    Memory, Null…) and plain views are created ON CLUSTER as they are.
 *
 * A statement it cannot place is refused with its first words, never
 * passed through silently to run on one node only.
 */
export interface ClusterLayout {
  cluster: string;
  catalog: Catalog;
}

/**
 * Keeper path of a replicated table. {uuid} rather than the table's name:
 * migration 0011 re-creates `events` through CREATE OR REPLACE and EXCHANGE,
 * so a path by name would meet the metadata of the table it replaced
 * (REPLICA_ALREADY_EXISTS) until Keeper cleaned it. ON CLUSTER sends the
 * initiator's UUID to every replica, so replicas of one table agree.
 */
export const REPLICA_PATH = "/clickhouse/tables/{uuid}/{shard}";
export const REPLICA_NAME = "{replica}";
export const LOCAL_SUFFIX = "_local";

const REF = /\{\{database\}\}\.(\w+)/g;
const COLUMN_COMMAND = /^(?:ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

export function clusterStatements(statement: string, layout: ClusterLayout): string[] {
  const sql = statement.trim();
  const on = `ON CLUSTER ${layout.cluster}`;
  const sharded = (name: string) => layout.catalog.get(name)?.sharded === true;
  const toLocal = (text: string) => text.replace(REF, (whole, name: string) => (sharded(name) ? `{{database}}.${name}${LOCAL_SUFFIX}` : whole));
  const after = (header: RegExpExecArray, body: (rest: string) => string) => `${header[0]} ${on}${body(sql.slice(header[0].length))}`;

  const table = CREATE_TABLE.exec(sql);
  if (table?.[1]) {
    const name = table[1];
    const entry = layout.catalog.get(name);
    if (topLevelMatches(sql, /AS\s+(?:SELECT|WITH)\b/).length > 0) {
      // ON CLUSTER would run the SELECT on every replica, each filling its copy from its own shard.
      throw new StoreError(`cluster mode: ${firstWords(sql)} creates a table AS SELECT; write CREATE TABLE, then INSERT … SELECT (it runs once, through the Distributed tables)`, {});
    }
    if (!entry?.sharded) return [after(table, (rest) => rest)];
    const local = toLocal(after(table, (rest) => replicateEngine(rest, name)));
    const orReplace = /^CREATE\s+OR\s+REPLACE/i.test(sql) ? "CREATE OR REPLACE TABLE" : "CREATE TABLE IF NOT EXISTS";
    const distributed =
      `${orReplace} {{database}}.${name} ${on} AS {{database}}.${name}${LOCAL_SUFFIX}\n` +
      `ENGINE = Distributed('${layout.cluster}', '{{database}}', '${name}${LOCAL_SUFFIX}', ${entry.shardingKey})`;
    return [local, distributed];
  }

  const view = /^CREATE\s+(?:OR\s+REPLACE\s+)?(MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?\{\{database\}\}\.\w+/i.exec(sql);
  if (view) {
    if (!view[1]) return [after(view, (rest) => rest)];
    if (!/^\s*TO\s/i.test(sql.slice(view[0].length))) {
      throw new StoreError(`cluster mode: ${firstWords(sql)} has no TO table; write materialized views TO a table so the target is replicated`, {});
    }
    return [toLocal(after(view, (rest) => rest))];
  }

  const alter = /^ALTER\s+TABLE\s+\{\{database\}\}\.(\w+)/i.exec(sql);
  if (alter?.[1]) {
    const commands = splitTopLevelCommas(sql.slice(alter[0].length));
    const columnCommands = commands.filter((c) => COLUMN_COMMAND.test(c)).length;
    const localAlter = toLocal(after(alter, (rest) => rest));
    if (!sharded(alter[1]) || columnCommands === 0) return [localAlter];
    if (columnCommands !== commands.length) {
      throw new StoreError(`cluster mode: ${firstWords(sql)} mixes column changes with other commands; split it so the Distributed table gets only the column changes`, {});
    }
    return [localAlter, after(alter, (rest) => rest)];
  }

  const exchange = /^EXCHANGE\s+TABLES\s+\{\{database\}\}\.(\w+)\s+AND\s+\{\{database\}\}\.(\w+)/i.exec(sql);
  if (exchange?.[1] && exchange[2]) {
    if (sharded(exchange[1]) !== sharded(exchange[2])) {
      throw new StoreError(`cluster mode: ${firstWords(sql)} exchanges a sharded table with an unsharded one`, {});
    }
    // The Distributed tables name their local table, so swapping the locals swaps what both read.
    return [toLocal(after(exchange, (rest) => rest))];
  }

  const drop = /^DROP\s+(TABLE|VIEW|DICTIONARY)\s+(?:IF\s+EXISTS\s+)?\{\{database\}\}\.(\w+)/i.exec(sql);
  if (drop?.[2]) {
    const dropOne = after(drop, (rest) => rest.replace(/\s+SYNC\s*$/i, "")) + " SYNC";
    return sharded(drop[2]) ? [dropOne, toLocal(dropOne)] : [dropOne];
  }

  const local = /^(?:OPTIMIZE\s+TABLE|TRUNCATE\s+(?:TABLE\s+)?(?:IF\s+EXISTS\s+)?|DELETE\s+FROM)\s*\{\{database\}\}\.\w+/i.exec(sql);
  if (local) return [toLocal(after(local, (rest) => rest))];

  if (/^INSERT\s+INTO\s/i.test(sql)) return [sql];

  throw new StoreError(`cluster mode cannot place this statement on the cluster: ${firstWords(sql)}; teach store/cluster-ddl.ts its kind`, {});
}

/**
 * `ENGINE = XMergeTree(args)` → `ENGINE = ReplicatedXMergeTree(path, replica, args)`;
 * non_replicated_deduplication_window → replicated_deduplication_window of the
 * same size, so insert_deduplication_token dedups the same number of blocks
 * on a replica as on one server.
 */
function replicateEngine(rest: string, table: string): string {
  const engine = topLevelMatches(rest, /ENGINE\s*=\s*[A-Za-z][A-Za-z0-9_]*/)[0];
  if (!engine) throw new StoreError(`cluster mode: CREATE TABLE ${table} copies its engine (AS without ENGINE); write the engine explicitly`, {});
  const name = engine.text.replace(/^ENGINE\s*=\s*/i, "");
  let end = engine.index + engine.text.length;
  let args = "";
  const open = rest.slice(end).search(/\S/);
  if (open >= 0 && rest[end + open] === "(") {
    const close = closingParen(rest, end + open);
    args = rest.slice(end + open + 1, close).trim();
    end = close + 1;
  }
  const replicated = name.startsWith("Replicated")
    ? `ENGINE = ${name}${args === "" ? "" : `(${args})`}`
    : `ENGINE = Replicated${name}('${REPLICA_PATH}', '${REPLICA_NAME}'${args === "" ? "" : `, ${args}`})`;
  const withEngine = rest.slice(0, engine.index) + replicated + rest.slice(end);
  return withEngine.replace(/\bnon_replicated_deduplication_window\b/g, "replicated_deduplication_window");
}

function firstWords(sql: string): string {
  return sql.split(/\s+/).slice(0, 6).join(" ");
}
