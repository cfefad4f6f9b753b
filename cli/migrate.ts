import { loadConfig } from "../config/load";
import { openStore } from "../store/open";
import { migrate } from "../store/migrate";
import { applyRetention } from "../store/retention";
import { ensureTopics } from "../ingest/kafka/from-config";
import { CONFIG_OPTION, parseCommandArgs } from "./usage";

const USAGE = `usage: prodtrail migrate [--config FILE]

Applies store/migrations/*.sql in order to the configured store: the embedded
engine under data_dir, or the ClickHouse server in CLICKHOUSE_URL. Safe to run
again: applied migrations are recorded and skipped. With KAFKA_BROKERS set it
also creates the Kafka topics (prodtrail.events.v1 and its dead-letter topic).
Then it applies prodtrail.yaml's retention: policy (see 'prodtrail retention').`;

export async function runMigrateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, CONFIG_OPTION, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig({ path: values.config });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    const result = await migrate(store);
    for (const m of result.applied) console.log(`applied ${String(m.version).padStart(4, "0")}_${m.name}`);
    console.log(`${store.mode} store, database ${store.database}: ${result.applied.length} applied, ${result.alreadyApplied} already applied`);
    const retention = await applyRetention(store, config.retention, "prodtrail migrate");
    if (retention.changed) console.log(`retention applied: ${Object.entries(retention.changes).map(([c, d]) => `${c} ${d}`).join("; ")}`);
    if (config.kafka.brokers.length > 0) {
      const topics = await ensureTopics(config.kafka);
      console.log(`kafka ${config.kafka.brokers.join(",")}: topics ready: ${topics.join(", ")} (${config.kafka.topics.partitions} partitions)`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
