/**
 * Seeds a CLI test's own store (a separate process: the embedded engine is
 * one per process and data directory) with one deploy write and one hand
 * edit of a mapped file. Usage: tsx drift/testing/seed-cli.ts CONFIG
 */
import { loadConfig } from "../../config/load";
import { parseEventOrThrow } from "../../schemas";
import { insertEvents } from "../../store/events";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";

const config = loadConfig({ path: process.argv[2] });
const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
try {
  await migrate(store);
  const base = { schema_version: 1, type: "change.file", actor_id: "unknown", actor_kind: "unknown", attribution_method: "none", attribution_confidence: 0, channel: "unknown", env: "prod", host: "web-1", outcome: "success", path: "/etc/nginx/nginx.conf", op: "modify" };
  await insertEvents(store, [
    parseEventOrThrow({ ...base, event_id: "cli-edit-1", occurred_at: new Date(Date.now() - 5 * 86_400_000).toISOString(), before_hash: "a".repeat(40), after_hash: "b".repeat(40) }),
  ]);
} finally {
  await store.close();
}
