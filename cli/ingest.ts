import { loadConfig } from "../config/load";
import { createLogger } from "../lib/log";
import { runIngest } from "../ingest/worker/run";
import { CONFIG_OPTION, parseCommandArgs } from "./usage";

const USAGE = `usage: prodtrail ingest [--config FILE]

Scale mode's worker: consumes prodtrail.events.v1 in the consumer group
ingest.group_id, validates every message, inserts valid events into ClickHouse
(CLICKHOUSE_URL) in batches (ingest.flush_rows / ingest.flush_ms) and commits
offsets only after the insert was acknowledged. Invalid messages go to
prodtrail.events.dlq.v1 and the dead_letters table with their reason. Run as
many as there are partitions to share; the drift, integrity and detection
jobs start in each, and each round runs on one of them (the holder of the
job's one-partition coordination topic; another takes over within the
Kafka session timeout when it dies). Prometheus metrics on
:9464/metrics (ingest.metrics.port), health on /healthz. Needs KAFKA_BROKERS.`;

export async function runIngestCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, CONFIG_OPTION, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig({ path: values.config });
  return runIngest(config, config.ingest, createLogger("ingest", config.log_level));
}
