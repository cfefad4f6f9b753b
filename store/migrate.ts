import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Store } from "./open";
import { StoreError } from "./errors";
import { defineQuery, insertRows, runCommand } from "./query";
import { buildCatalog } from "./cluster-catalog";
import { clusterStatements } from "./cluster-ddl";

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "migrations");

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * Numbered plain SQL files, `NNNN_name.sql`, each statement idempotent
 * (IF NOT EXISTS). `{{database}}` is the only substitution: the configured
 * database name, already restricted to a plain identifier.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  const migrations = files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (!match?.[1] || !match[2]) throw new StoreError(`migration file ${file} is not named NNNN_name.sql`, {});
    const text = readFileSync(join(dir, file), "utf8");
    return {
      version: Number(match[1]),
      name: match[2],
      checksum: createHash("sha256").update(text).digest("hex"),
      statements: splitStatements(text),
    };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new StoreError(`migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`, {});
  });
  return migrations;
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n");
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const appliedQuery = defineQuery({
  name: "migrations.applied",
  params: z.object({}),
  row: z.object({ version: z.coerce.number().int(), name: z.string(), checksum: z.string() }),
  sql: (t) => `SELECT version, name, checksum FROM ${t.schema_migrations} FINAL ORDER BY version`,
});

export interface MigrateResult {
  applied: Array<{ version: number; name: string }>;
  alreadyApplied: number;
}

/**
 * Applies every migration not yet recorded. Safe to run concurrently from
 * several processes and after a crash mid-way: each statement is idempotent
 * and the record is written after the statements succeeded.
 */
export async function migrate(store: Store, migrations = loadMigrations()): Promise<MigrateResult> {
  const plan = migrationPlan(migrations, store.cluster);
  await runCommand(store, plan.createDatabase.replaceAll("{{database}}", store.database), "migrations.create_database");
  for (const statement of plan.createLedger) await runCommand(store, statement.replaceAll("{{database}}", store.database), "migrations.create_table");
  const applied = new Map((await appliedQuery(store, {})).map((row) => [row.version, row]));
  const result: MigrateResult = { applied: [], alreadyApplied: 0 };
  for (const migration of migrations) {
    const previous = applied.get(migration.version);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        throw new StoreError(
          `migration ${migration.version}_${migration.name} was changed after it was applied (checksum differs). ` +
            "Never edit an applied migration: add a new numbered file instead.",
          { query: `migration ${migration.version}` },
        );
      }
      result.alreadyApplied += 1;
      continue;
    }
    for (const [index, statement] of migration.statements.entries()) {
      for (const sql of plan.statementsFor(statement)) {
        await runCommand(store, sql.replaceAll("{{database}}", store.database), `migration ${migration.version}_${migration.name} statement ${index + 1}`);
      }
    }
    await insertRows(store, {
      table: "schema_migrations",
      rows: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
    });
    result.applied.push({ version: migration.version, name: migration.name });
  }
  return result;
}

/** The ledger of applied migrations; one row per version, newest wins. */
export const LEDGER_TABLE_SQL = `CREATE TABLE IF NOT EXISTS {{database}}.schema_migrations
     (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
     ENGINE = ReplacingMergeTree ORDER BY version`;

export interface MigrationPlan {
  createDatabase: string;
  createLedger: string[];
  /** What one migration statement becomes: itself on one server or embedded, its cluster form with clickhouse.cluster. */
  statementsFor(statement: string): string[];
}

/**
 * Templates (still holding `{{database}}`) for one store: unchanged without a
 * cluster; with one, every statement through store/cluster-ddl.ts, with a
 * catalog built from all migrations so an ALTER in 0009 knows the engine 0004 gave.
 */
export function migrationPlan(migrations: readonly Migration[], cluster: string | undefined): MigrationPlan {
  if (cluster === undefined) {
    return { createDatabase: "CREATE DATABASE IF NOT EXISTS {{database}}", createLedger: [LEDGER_TABLE_SQL], statementsFor: (s) => [s] };
  }
  const layout = { cluster, catalog: buildCatalog([LEDGER_TABLE_SQL, ...migrations.flatMap((m) => m.statements)]) };
  return {
    createDatabase: `CREATE DATABASE IF NOT EXISTS {{database}} ON CLUSTER ${cluster}`,
    createLedger: clusterStatements(LEDGER_TABLE_SQL, layout),
    statementsFor: (s) => clusterStatements(s, layout),
  };
}
