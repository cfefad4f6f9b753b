import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { clickhouseConfigSchema } from "../config/schema";
import { openStore, type Store } from "../store/open";
import { migrate } from "../store/migrate";
import { qualifyTables } from "../store/tables";
import { runCommand } from "../store/query";

/**
 * A store of the test's own: a fresh database with a random name, migrated.
 * The embedded engine is one per process per data path, so every store in a
 * test process shares one engine under one temporary directory and is kept
 * apart by database. With CLICKHOUSE_URL set, the same runs against a server.
 */
let shared: Promise<Store> | undefined;
let sharedDataDir: string | undefined;

export function testDataDir(): string {
  sharedDataDir ??= mkdtempSync(join(tmpdir(), "prodtrail-test-"));
  return sharedDataDir;
}

function engine(): Promise<Store> {
  shared ??= openStore({
    clickhouse: clickhouseConfigSchema.parse({ url: process.env.CLICKHOUSE_URL, database: "default" }),
    dataDir: testDataDir(),
  });
  return shared;
}

export interface TestStore extends Store {
  /** Drops the test's database. */
  drop(): Promise<void>;
}

export function randomDatabaseName(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

export async function openTestStore(options: { migrate?: boolean } = {}): Promise<TestStore> {
  const base = await engine();
  const database = randomDatabaseName();
  const store: TestStore = {
    client: base.client,
    mode: base.mode,
    dataPath: base.dataPath,
    database,
    tables: qualifyTables(database),
    // The engine is shared by the whole test process: closing one store must not close it.
    close: async () => {},
    drop: async () => runCommand(store, `DROP DATABASE IF EXISTS ${database}`, "test.drop_database"),
  };
  if (options.migrate !== false) await migrate(store);
  return store;
}
