import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../test/store";
import { buildCatalog } from "./cluster-catalog";
import { clusterStatements, REPLICA_PATH } from "./cluster-ddl";
import { LEDGER_TABLE_SQL, loadMigrations, migrationPlan } from "./migrate";
import { TABLE_NAMES, qualifyLocalTables, qualifyTables } from "./tables";

/**
 * Cluster mode's DDL, generated from every migration file there is (a file
 * added tomorrow is covered without editing this test), parsed by the
 * engine the tests run (chdb's formatQuery: the server's own parser; the
 * statements cannot run here, there is no Keeper) and checked for its shape.
 */
const CLUSTER = "prodtrail_test";
const migrations = loadMigrations();
const plan = migrationPlan(migrations, CLUSTER);
const catalog = buildCatalog([LEDGER_TABLE_SQL, ...migrations.flatMap((m) => m.statements)]);
const sharded = [...catalog.values()].filter((t) => t.sharded).map((t) => t.name);

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
});
afterAll(async () => store.drop());

async function format(sql: string): Promise<string> {
  const result = await store.client.query({ query: "SELECT formatQuery({q:String}) AS f", query_params: { q: sql.replaceAll("{{database}}", "prodtrail") }, format: "JSONEachRow" });
  const [row] = await result.json<{ f: string }>();
  return row?.f ?? "";
}

/** A sharded table named without _local, i.e. through its Distributed table. */
function namesDistributed(sql: string): boolean {
  return sharded.some((name) => new RegExp(`\\bprodtrail\\.${name}\\b(?!_local)`).test(sql));
}

describe("cluster DDL from every migration", () => {
  const cases = migrations.flatMap((m) => m.statements.map((statement, i) => ({ label: `${String(m.version).padStart(4, "0")}_${m.name} #${i + 1}`, statement })));

  it.each(cases)("$label parses and has the cluster shape", async ({ statement }) => {
    const generated = plan.statementsFor(statement);
    expect(generated.length).toBeGreaterThan(0);
    for (const sql of generated) {
      const formatted = await format(sql);
      expect(formatted, sql).not.toBe("");
      const kind = /^\w+(?:\s+OR\s+REPLACE)?\s+\w+(?:\s+VIEW)?/i.exec(formatted)?.[0].toUpperCase() ?? "";
      if (kind.startsWith("INSERT")) {
        // Backfills read and write the Distributed tables: rows land on the shard their key picks.
        expect(formatted).not.toMatch(/ON CLUSTER/);
        continue;
      }
      expect(formatted, sql).toMatch(new RegExp(`ON CLUSTER ${CLUSTER}\\b`));
      if (/ENGINE = Distributed/.test(formatted)) {
        expect(formatted).toMatch(new RegExp(`ENGINE = Distributed\\('${CLUSTER}', 'prodtrail', '\\w+_local', (cityHash64\\(.+\\)|rand\\(\\))\\)`));
      } else if (/ENGINE = \w*MergeTree/.test(formatted)) {
        expect(formatted).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{uuid\}\/\{shard\}', '\{replica\}'/);
        expect(formatted).toMatch(/^CREATE (OR REPLACE )?TABLE (IF NOT EXISTS )?prodtrail\.\w+_local /);
        expect(formatted).not.toMatch(/non_replicated_deduplication_window/);
      } else if (kind.includes("MATERIALIZED VIEW")) {
        // On the local tables, into a local (replicated) target.
        expect(formatted).toMatch(/ TO prodtrail\.\w+_local/);
        expect(namesDistributed(formatted)).toBe(false);
      } else if (kind.startsWith("ALTER")) {
        // Either the local table, or the Distributed one for a column change only.
        if (namesDistributed(formatted.split("\n")[0] ?? "")) expect(formatted).toMatch(/(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN/);
      }
    }
  });

  it("puts a Distributed table in front of every sharded table and shards by event_id where there is one", () => {
    const distributedFor = new Map<string, string>();
    for (const statement of [LEDGER_TABLE_SQL, ...migrations.flatMap((m) => m.statements)]) {
      for (const sql of plan.statementsFor(statement)) {
        const m = /^CREATE (?:OR REPLACE )?TABLE (?:IF NOT EXISTS )?\{\{database\}\}\.(\w+) ON CLUSTER \w+ AS \{\{database\}\}\.(\w+)_local\nENGINE = Distributed\('\w+', '\{\{database\}\}', '(\w+)_local', (.+)\)$/.exec(sql);
        if (m?.[1]) {
          expect([m[2], m[3]]).toEqual([m[1], m[1]]);
          distributedFor.set(m[1], m[4] ?? "");
        }
      }
    }
    expect([...distributedFor.keys()].sort()).toEqual([...sharded].sort());
    expect(distributedFor.get("events")).toBe("cityHash64(event_id)");
    expect(distributedFor.get("event_ids")).toBe("cityHash64(event_id)");
    expect(distributedFor.get("code_blobs")).toBe("cityHash64(event_id)");
    expect(distributedFor.get("drift")).toBe("cityHash64(env, host, path, change_event_id)");
    expect(distributedFor.get("users")).toBe("cityHash64(user_id)");
  });

  it("knows every table prodtrail names as sharded, so qualifyLocalTables names real tables", () => {
    for (const name of TABLE_NAMES) expect(catalog.get(name)?.sharded, name).toBe(true);
    expect(qualifyLocalTables("db", CLUSTER).events).toBe("db.events_local");
    expect(qualifyLocalTables("db", undefined)).toEqual(qualifyTables("db"));
  });
});

describe("single server and embedded", () => {
  it("run every migration statement exactly as written", () => {
    const single = migrationPlan(migrations, undefined);
    for (const m of migrations) for (const s of m.statements) expect(single.statementsFor(s)).toEqual([s]);
    expect([single.createDatabase, ...single.createLedger]).toEqual(["CREATE DATABASE IF NOT EXISTS {{database}}", LEDGER_TABLE_SQL]);
  });

  it("output of 0001–0014 in both modes is the recorded one", () => {
    const single = migrationPlan(migrations, undefined);
    const upTo14 = migrations.filter((m) => m.version <= 14);
    expect(upTo14.map((m) => ({ m: m.name, single: m.statements.flatMap((s) => single.statementsFor(s)) }))).toMatchSnapshot();
    expect(upTo14.map((m) => ({ m: m.name, cluster: m.statements.flatMap((s) => plan.statementsFor(s)) }))).toMatchSnapshot();
  });
});

describe("statements the next migrations may bring", () => {
  const extra = [
    "CREATE TABLE IF NOT EXISTS {{database}}.holds (hold_id String, reason String, version UInt64) ENGINE = KeeperMap('/prodtrail/{{database}}/holds') PRIMARY KEY hold_id",
    "CREATE TABLE IF NOT EXISTS {{database}}.bytes_daily (day Date, env LowCardinality(String), bytes UInt64) ENGINE = SummingMergeTree((bytes)) PARTITION BY toYYYYMM(day) ORDER BY (env, day)",
    "CREATE TABLE IF NOT EXISTS {{database}}.plain (at DateTime, k String) ENGINE = MergeTree ORDER BY tuple() TTL at + INTERVAL 1 DAY",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.bytes_daily_mv TO {{database}}.bytes_daily AS SELECT toDate(occurred_at) AS day, env, sum(length(raw)) AS bytes FROM {{database}}.events GROUP BY day, env",
    "ALTER TABLE {{database}}.events ADD INDEX IF NOT EXISTS idx_type type TYPE set(100) GRANULARITY 4",
    "ALTER TABLE {{database}}.events ADD PROJECTION IF NOT EXISTS by_actor (SELECT * ORDER BY actor_id)",
    "ALTER TABLE {{database}}.events MATERIALIZE PROJECTION by_actor",
    "ALTER TABLE {{database}}.events MODIFY TTL toDateTime(occurred_at) + INTERVAL 400 DAY",
    "ALTER TABLE {{database}}.findings ADD COLUMN IF NOT EXISTS held Bool DEFAULT false, ADD COLUMN IF NOT EXISTS hold_id String DEFAULT ''",
    "INSERT INTO {{database}}.bytes_daily SELECT toDate(occurred_at), env, sum(length(raw)) FROM {{database}}.events GROUP BY 1, 2",
    "DROP TABLE IF EXISTS {{database}}.plain",
    "OPTIMIZE TABLE {{database}}.events FINAL",
  ];
  const all = [...migrations.flatMap((m) => m.statements), ...extra];
  const layout = { cluster: CLUSTER, catalog: buildCatalog(all) };

  it.each(extra.map((statement) => ({ statement })))("$statement", async ({ statement }) => {
    for (const sql of clusterStatements(statement, layout)) expect(await format(sql), sql).not.toBe("");
  });

  it("keeps KeeperMap as it is (one copy shared through Keeper) and replicates the MergeTree family", () => {
    const [keeper, ...noDistributed] = clusterStatements(extra[0] ?? "", layout);
    expect(noDistributed).toEqual([]);
    expect(keeper).toMatch(/holds ON CLUSTER prodtrail_test \(.*ENGINE = KeeperMap\('\/prodtrail/);
    const [summing, dist] = clusterStatements(extra[1] ?? "", layout);
    expect(summing).toContain(`ENGINE = ReplicatedSummingMergeTree('${REPLICA_PATH}', '{replica}', (bytes))`);
    expect(dist).toContain("Distributed('prodtrail_test', '{{database}}', 'bytes_daily_local', cityHash64(env, day))");
    expect(clusterStatements(extra[2] ?? "", layout)[1]).toContain("'plain_local', rand())");
    expect(clusterStatements(extra[3] ?? "", layout)).toEqual([
      "CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.bytes_daily_mv ON CLUSTER prodtrail_test TO {{database}}.bytes_daily_local AS SELECT toDate(occurred_at) AS day, env, sum(length(raw)) AS bytes FROM {{database}}.events_local GROUP BY day, env",
    ]);
    expect(clusterStatements(extra[4] ?? "", layout)).toEqual(["ALTER TABLE {{database}}.events_local ON CLUSTER prodtrail_test ADD INDEX IF NOT EXISTS idx_type type TYPE set(100) GRANULARITY 4"]);
    expect(clusterStatements(extra[8] ?? "", layout)).toHaveLength(2);
    expect(clusterStatements(extra[10] ?? "", layout)).toEqual([
      "DROP TABLE IF EXISTS {{database}}.plain ON CLUSTER prodtrail_test SYNC",
      "DROP TABLE IF EXISTS {{database}}.plain_local ON CLUSTER prodtrail_test SYNC",
    ]);
  });

  it("refuses what it cannot place, naming the statement", () => {
    expect(() => clusterStatements("ALTER TABLE {{database}}.events ADD COLUMN x String DEFAULT '', ADD INDEX i x TYPE set(10) GRANULARITY 1", layout)).toThrow(/mixes column changes/);
    expect(() => clusterStatements("CREATE MATERIALIZED VIEW {{database}}.v ENGINE = MergeTree ORDER BY a AS SELECT a FROM {{database}}.events", layout)).toThrow(/has no TO table/);
    expect(() => clusterStatements("CREATE TABLE {{database}}.copy ENGINE = MergeTree ORDER BY event_id AS SELECT event_id FROM {{database}}.events", layout)).toThrow(/AS SELECT; write CREATE TABLE, then INSERT/);
    expect(() => clusterStatements("RENAME TABLE {{database}}.events TO {{database}}.events2", layout)).toThrow(/cannot place this statement on the cluster: RENAME TABLE/);
  });
});
