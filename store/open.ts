import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import type { ClickHouseConfig } from "../config/schema";
import { qualifyTables, type Tables } from "./tables";
import { StoreError } from "./errors";
import { withPerCallSettings } from "./sticky-settings";
import { insertFilesDir } from "./insert-transport";
import { registerEmbeddedEngine } from "./embedded-engine";
import { CLUSTER_QUERY_SETTINGS } from "./cluster-settings";

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>["connection"];

export type StoreMode = "embedded" | "server";

/**
 * What every reader and writer above the storage layer holds. It never
 * learns whether the engine is in this process (chdb) or a server: both are
 * the same `ClickHouseClient` speaking the same SQL.
 */
export interface Store {
  readonly client: ClickHouseClient;
  readonly mode: StoreMode;
  readonly database: string;
  readonly tables: Tables;
  /** clickhouse.cluster: migrations run ON CLUSTER and tables are Distributed over Replicated ones (store/cluster-ddl.ts). */
  readonly cluster?: string | undefined;
  /** Where embedded mode keeps its parts; undefined for a server. */
  readonly dataPath: string | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  clickhouse: ClickHouseConfig;
  /** Embedded mode keeps the engine's data under `<data_dir>/clickhouse`. */
  dataDir: string;
}

export async function openStore({ clickhouse, dataDir }: OpenStoreOptions): Promise<Store> {
  const tables = qualifyTables(clickhouse.database);
  if (clickhouse.url) {
    const client = createClient({
      url: clickhouse.url,
      username: clickhouse.username,
      password: clickhouse.password,
      request_timeout: clickhouse.request_timeout_ms,
      application: "prodtrail",
      ...(clickhouse.cluster ? { clickhouse_settings: CLUSTER_QUERY_SETTINGS } : {}),
    });
    await pingOrThrow(client, `ClickHouse server at ${redactUrl(clickhouse.url)}`);
    return makeStore(client, "server", clickhouse.database, tables, undefined, clickhouse.cluster);
  }
  if (clickhouse.cluster) {
    throw new StoreError(`clickhouse.cluster is ${clickhouse.cluster} but clickhouse.url is unset: a cluster needs servers; unset cluster for the embedded engine`, {});
  }
  const dataPath = join(dataDir, "clickhouse");
  mkdirSync(dataPath, { recursive: true });
  // Loaded lazily: a server deployment never needs the native engine.
  const { createChdbConnection } = await import("chdb/connection");
  let client: ClickHouseClient;
  try {
    // chdb types its Connection against @clickhouse/client-common while
    // @clickhouse/client 1.23 bundles its own copy of the same interface; the
    // two declarations differ only in origin, so the bridge is type-only.
    const chdbConnection = createChdbConnection({ path: dataPath });
    const connection = chdbConnection as unknown as ClientConnection;
    client = withPerCallSettings(createClient({ connection }));
    registerEmbeddedEngine(client, chdbConnection.chdb);
  } catch (error) {
    throw new StoreError(
      `cannot open the embedded ClickHouse engine at ${dataPath}: ${error instanceof Error ? error.message : String(error)}. ` +
        "Only one process may open a data directory; stop the other prodtrail process or set PRODTRAIL_DATA_DIR.",
      {},
      { cause: error },
    );
  }
  await pingOrThrow(client, `embedded ClickHouse engine at ${dataPath}`);
  // Only now that this process owns the data directory: an insert file left
  // by a crash mid-insert holds rows never acknowledged, so they are resent.
  rmSync(insertFilesDir(dataPath), { recursive: true, force: true });
  return makeStore(client, "embedded", clickhouse.database, tables, dataPath);
}

function makeStore(client: ClickHouseClient, mode: StoreMode, database: string, tables: Tables, dataPath: string | undefined, cluster?: string): Store {
  let closed = false;
  return {
    client,
    mode,
    database,
    tables,
    dataPath,
    cluster,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

async function pingOrThrow(client: ClickHouseClient, what: string): Promise<void> {
  const result = await client.ping();
  if (!result.success) {
    throw new StoreError(`cannot reach the ${what}: ${result.error.message}`, {}, { cause: result.error });
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
