/**
 * The pieces of the scale-mode pipeline wired the way production wires them,
 * for the end-to-end tests in this folder and bench/ingest:
 *   collector spool → createShipper → KafkaSink → topic → ingest workers → store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import type { FsyncPolicy } from "../../collect/spool/config";
import { createShipper, type ShipperStats } from "../../collect/spool/shipper";
import { openSpool } from "../../collect/spool/spool";
import { connectAdmin, type KafkaConnection } from "../../ingest/kafka";
import { startIngestWorker, type IngestWorker, type IngestWorkerOptions } from "../../ingest/worker/worker";
import { canonicalJson, parseEventOrThrow, type AuditEvent } from "../../schemas";

export interface ShipOptions {
  connection: KafkaConnection;
  topic: string;
  events: readonly AuditEvent[];
  /** Records per spool.append (a collector appends what one read of its source gave). Default 500. */
  appendBatch?: number;
  /** Records per KafkaSink.publish. Default 2,000 (≈1 MiB of typical events). */
  maxBatchRecords?: number;
  fsync?: FsyncPolicy;
  timeoutMs?: number;
}

/**
 * A collector: appends `events` to a fresh disk spool while its shipper
 * publishes them to Kafka; resolves once the spool acknowledged every
 * record (every event is acknowledged by Kafka), with the shipper's stats.
 */
export async function shipThroughSpool(opts: ShipOptions): Promise<ShipperStats> {
  const root = mkdtempSync(join(tmpdir(), "prodtrail-pipeline-spool-"));
  const spool = await openSpool(
    { dir: join(root, "spool"), fsync: opts.fsync ?? "never", maxBytes: 4 * 1024 ** 3, segmentBytes: 64 * 1024 ** 2 },
    { log: opts.connection.logger },
  );
  const sink = new KafkaSink({ connection: opts.connection, topic: opts.topic });
  const shipper = createShipper<AuditEvent>({
    spool,
    publish: (events) => sink.publish(events),
    decode: (payload) => parseEventOrThrow(JSON.parse(payload.toString("utf8"))),
    maxBatchRecords: opts.maxBatchRecords ?? 2_000,
    maxBatchBytes: 4 * 1024 * 1024,
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...(opts.connection.logger ? { log: opts.connection.logger } : {}),
  });
  const loop = shipper.start();
  let failed: unknown;
  loop.catch((err: unknown) => (failed = err));
  try {
    const step = opts.appendBatch ?? 500;
    for (let i = 0; i < opts.events.length; i += step) {
      await spool.append(opts.events.slice(i, i + step).map((e) => Buffer.from(canonicalJson(e))));
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    while (spool.stats().ackedSeq < spool.stats().nextSeq) {
      if (failed !== undefined) throw failed;
      if (Date.now() > deadline) throw new Error(`shipper acked ${spool.stats().ackedSeq} of ${spool.stats().nextSeq} records in time`);
      await sleep(20);
    }
    return shipper.stats();
  } finally {
    await shipper.stop(5_000);
    await loop.catch(() => undefined);
    await sink.close();
    await spool.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Sum over partitions of (end offset − committed offset): 0n when the group has taken everything. */
export async function groupLag(connection: KafkaConnection, groupId: string, topic: string): Promise<bigint> {
  const admin = await connectAdmin(connection);
  try {
    const ends = await admin.endOffsets(topic);
    const committed = await admin.committedOffsets(groupId, topic);
    return [...ends].reduce((lag, [p, end]) => lag + (end - (committed.get(p) ?? 0n)), 0n);
  } finally {
    await admin.close();
  }
}

/** Until the group has committed up to the end of every partition (as of each poll). */
export async function waitCommitted(connection: KafkaConnection, groupId: string, topic: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await groupLag(connection, groupId, topic);
    if (lag === 0n) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} still ${lag} message(s) behind on ${topic}`);
    await sleep(100);
  }
}

export type WorkerOptions = Omit<IngestWorkerOptions, "kafka"> & Pick<IngestWorkerOptions, "store" | "topic" | "groupId" | "dlqTopic">;

/** `n` ingest workers of one consumer group (in this process, sharing its store). */
export async function startWorkers(n: number, connection: KafkaConnection, opts: WorkerOptions): Promise<IngestWorker[]> {
  const workers: IngestWorker[] = [];
  for (let i = 0; i < n; i++) {
    workers.push(
      await startIngestWorker({
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        retryInitialMs: 100,
        retryMaxMs: 1_000,
        shutdownTimeoutMs: 15_000,
        ...(connection.logger ? { logger: connection.logger } : {}),
        ...opts,
        kafka: { ...connection, clientId: `${connection.clientId}-worker-${i}` },
      }),
    );
  }
  return workers;
}
