import http from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The ingest worker's Prometheus metrics. One registry per worker (not the
 * global one): two workers in one test process keep separate figures.
 */
export function createIngestMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    consumed: new Counter({ name: "prodtrail_ingest_consumed_total", help: "Messages fetched from Kafka", labelNames: ["topic"], registers: [registry] }),
    inserted: new Counter({ name: "prodtrail_ingest_inserted_total", help: "Events inserted into the store (acknowledged)", registers: [registry] }),
    deadLettered: new Counter({
      name: "prodtrail_ingest_dead_lettered_total",
      help: "Messages sent to the DLQ topic and the dead_letters table",
      labelNames: ["reason"],
      registers: [registry],
    }),
    dropped: new Counter({ name: "prodtrail_ingest_dropped_total", help: "Messages dropped on purpose", labelNames: ["reason"], registers: [registry] }),
    committed: new Counter({ name: "prodtrail_ingest_committed_batches_total", help: "Partition batches committed", registers: [registry] }),
    storeFailures: new Counter({ name: "prodtrail_ingest_store_failures_total", help: "Failed store inserts (retried)", registers: [registry] }),
    storeUp: new Gauge({ name: "prodtrail_ingest_store_up", help: "1 when the last store insert succeeded, 0 while retrying", registers: [registry] }),
    lag: new Gauge({
      name: "prodtrail_ingest_lag_messages",
      help: "High watermark minus the next offset to process, per partition, as of the last batch",
      labelNames: ["topic", "partition"],
      registers: [registry],
    }),
    flushRows: new Histogram({
      name: "prodtrail_ingest_flush_rows",
      help: "Events per store insert",
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: "prodtrail_ingest_insert_seconds",
      help: "Duration of one store insert",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: "prodtrail_ingest_batch_seconds",
      help: "Fetch-to-commit time of one partition batch",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
  m.storeUp.set(1);
  return m;
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/** GET /metrics (Prometheus text) and GET /healthz; port 0 picks a free one. */
export async function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
  healthy: () => boolean,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/metrics") {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    } else if (req.url === "/healthz") {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503);
      res.end(ok ? "ok" : "not running");
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
