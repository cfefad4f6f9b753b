import type { ClickHouseClient } from "@clickhouse/client";
import type { ChdbExtension } from "chdb/connection";

/**
 * chdb's own surface beside the client (rawInsert, the session path), kept
 * per embedded client by store/open.ts. Only store/insert-transport.ts uses
 * it; everything else holds the ClickHouseClient and never learns the mode.
 * Keyed by client because test stores share one embedded client.
 */
const engines = new WeakMap<ClickHouseClient, ChdbExtension>();

export function registerEmbeddedEngine(client: ClickHouseClient, engine: ChdbExtension): void {
  engines.set(client, engine);
}

/** The embedded engine behind this client, or undefined for a server. */
export function embeddedEngineOf(client: ClickHouseClient): ChdbExtension | undefined {
  return engines.get(client);
}
