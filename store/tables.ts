/**
 * Every table prodtrail owns. SQL never takes an identifier from input: it
 * takes one of these, qualified with the configured database name (which the
 * config schema restricts to a plain identifier).
 */
export const TABLE_NAMES = [
  "events",
  "events_daily",
  "code_blobs",
  "drift",
  "findings",
  "dead_letters",
  "schema_migrations",
  "api_keys",
  "collector_keys",
  "users",
  "sessions",
  "code_deletes",
  "code_commits",
  "integrity_positions",
  "collector_enrolments",
  "detection_windows",
  "suppressions",
  "notification_dead_letters",
  "event_ids",
  "sign_in_attempts",
  "legal_holds",
  "legal_hold_releases",
  "retention_applied",
  "rollup_cutoffs", "events_hourly", "events_hourly_entities",
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export type Tables = Readonly<Record<TableName, string>>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function qualifyTables(database: string): Tables {
  if (!IDENTIFIER.test(database)) throw new Error(`database name ${JSON.stringify(database)} is not a plain identifier`);
  const entries = TABLE_NAMES.map((name) => [name, `${database}.${name}`] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<TableName, string>);
}

/**
 * The tables ALTER, OPTIMIZE and TRUNCATE must name. In cluster mode
 * (clickhouse.cluster) every table above is a Distributed table over
 * `<name>_local`, a Replicated table on each shard (store/cluster-ddl.ts):
 * reads and inserts go through the logical name, merges and schema changes
 * through the local one, ON CLUSTER. Without a cluster both are the same.
 */
export function qualifyLocalTables(database: string, cluster: string | undefined): Tables {
  const tables = qualifyTables(database);
  if (cluster === undefined) return tables;
  const entries = TABLE_NAMES.map((name) => [name, `${tables[name]}_local`] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<TableName, string>);
}
