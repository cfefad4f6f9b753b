import type { Config } from "../../config/schema";
import type { Logger } from "../../lib/log";
import { migrate } from "../../store/migrate";
import { openStore } from "../../store/open";
import { createIngestMetrics, serveMetrics } from "./metrics";
import type { IngestConfig } from "./config";
import { startIngestWorker } from "./worker";
import { kafkaConnection } from "../kafka/from-config";
import { startIntegrityJob } from "../integrity";
import { startDriftJob } from "../../drift/start";
import { startDetections } from "../../detections/start";

/**
 * `prodtrail ingest` as a process: open and migrate the store, consume until
 * SIGTERM/SIGINT, then stop intake, finish and commit what is in progress
 * (up to the shutdown deadline), close Kafka and the store, exit.
 * Resolves with the exit code.
 */
export async function runIngest(config: Config, ingest: IngestConfig, log: Logger): Promise<number> {
  if (config.kafka.brokers.length === 0) {
    log.error("prodtrail ingest needs Kafka: set KAFKA_BROKERS or kafka.brokers in prodtrail.yaml");
    return 2;
  }
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  await migrate(store);
  const metrics = createIngestMetrics({ defaultMetrics: true });
  const worker = await startIngestWorker({
    kafka: kafkaConnection(config.kafka, "ingest", log.child({ component: "kafka" })),
    store,
    groupId: ingest.group_id,
    topic: ingest.topic,
    dlqTopic: ingest.dlq_topic,
    flushRows: ingest.flush_rows,
    flushMs: ingest.flush_ms,
    maxMessageBytes: ingest.max_message_bytes,
    partitionsConcurrently: ingest.partitions_concurrently,
    maxBytesPerPartition: ingest.max_bytes_per_partition,
    shutdownTimeoutMs: ingest.shutdown_timeout_ms,
    metrics,
    logger: log,
    clockSkew: config.integrity.clock_skew,
  });
  const server =
    ingest.metrics.port > 0 ? await serveMetrics(metrics.registry, ingest.metrics.host, ingest.metrics.port, () => worker.isRunning()) : undefined;
  if (server) log.info({ port: server.port }, "metrics on /metrics, health on /healthz");
  // The drift and integrity jobs start in every worker; each round runs on one
  // only, the holder of the job's coordination partition (ingest/kafka/single-runner.ts).
  const drift = startDriftJob({ store, config, log: log.child({ component: "drift" }) });
  const integrity = startIntegrityJob({ store, log: log.child({ component: "integrity" }), intervalMs: config.integrity.interval_s * 1000, batch: config.integrity.batch, kafka: config.kafka });
  // Detections run in every worker too, but each round on one only: the holder of the coordination partition (detections/coordination.ts).
  const detections = await startDetections({ store, config, log: log.child({ component: "detections" }) });

  const signal = await new Promise<NodeJS.Signals | "crash">((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
    const poll = setInterval(() => {
      if (!worker.isRunning()) {
        clearInterval(poll);
        resolve("crash");
      }
    }, 1_000);
    poll.unref();
  });
  log.info({ signal }, "stopping ingest");
  await worker.stop();
  await detections.stop();
  await integrity.stop();
  await drift.stop();
  await server?.close();
  await store.close();
  return signal === "crash" ? 1 : 0;
}
