/**
 * The measured phases of bench/ingest/run.ts. Each returns seconds of wall
 * time for the same N events; run.ts turns them into events/s and ratios.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { connectAdmin, connectGroupConsumer, type KafkaConnection } from "../../ingest/kafka";
import { ingestConfigSchema } from "../../ingest/worker/config";
import { canonicalJson, type AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import { openTestStore, testDataDir } from "../../test/store";
import { spawnFixture } from "../../test/pipeline/child";
import { startWorkers, waitCommitted } from "../../test/pipeline/pipeline";
import type { FsyncPolicy } from "../../collect/spool/config";

const defaults = ingestConfigSchema.parse({});
let groups = 0;
const newGroup = (label: string) => `bench-${label}-${process.pid}-${++groups}`;
const dlq = (topic: string) => `${topic}-dlq`;
const COLLECTOR = fileURLToPath(new URL("./collector.ts", import.meta.url));

export interface EndToEnd {
  seconds: number;
  /** When the collector's spool had every record acknowledged by Kafka. */
  shippedSeconds: number;
}

/**
 * Collector (its own process: spool → KafkaSink) → topic → `workers` ingest
 * workers (production flush defaults, already in the group) → a fresh store.
 * From the collector's first append to the group's last commit.
 */
export async function endToEnd(conn: KafkaConnection, topic: string, events: readonly AuditEvent[], workers: number, fsync: FsyncPolicy): Promise<EndToEnd> {
  const eventsFile = join(testDataDir(), "bench-events.jsonl");
  writeFileSync(eventsFile, events.map((e) => `${canonicalJson(e)}\n`).join(""));
  const store = await openTestStore();
  const groupId = newGroup("e2e");
  const running = await startWorkers(workers, conn, { store, topic, groupId, dlqTopic: dlq(topic), flushRows: defaults.flush_rows, flushMs: defaults.flush_ms });
  try {
    const collector = spawnFixture(COLLECTOR, { KAFKA_BROKERS: conn.brokers.join(","), TOPIC: topic, EVENTS_FILE: eventsFile, FSYNC: fsync });
    await collector.line("START");
    const start = performance.now();
    await collector.line("SHIPPED");
    const shippedSeconds = (performance.now() - start) / 1000;
    await waitCommitted(conn, groupId, topic, 1_800_000);
    return { seconds: (performance.now() - start) / 1000, shippedSeconds };
  } finally {
    await Promise.all(running.map((w) => w.stop()));
    await store.drop();
  }
}

/**
 * Ingest workers alone, draining the whole topic as a backlog, from their
 * start (connect and group join included, as for noopConsumer) to the last commit.
 */
export async function workerDrain(conn: KafkaConnection, topic: string, workers: number, flushRows: number, flushMs: number): Promise<number> {
  const store = await openTestStore();
  const groupId = newGroup(`drain-${flushRows}-${flushMs}`);
  const start = performance.now();
  const running = await startWorkers(workers, conn, { store, topic, groupId, dlqTopic: dlq(topic), flushRows, flushMs });
  try {
    await waitCommitted(conn, groupId, topic, 1_800_000);
    return (performance.now() - start) / 1000;
  } finally {
    await Promise.all(running.map((w) => w.stop()));
    await store.drop();
  }
}

/**
 * Baseline (a): a kafkajs consumer group (through ingest/kafka's wrapper, the
 * worker's fetch settings) that does nothing with the messages but commit
 * each batch, like the worker does. From connect (group join included:
 * the first fetch can hold most of a gzip-compressed topic, so timing from
 * the first batch would leave the reading out) to the end of the topic.
 */
export async function noopConsumer(conn: KafkaConnection, topic: string): Promise<number> {
  const admin = await connectAdmin(conn);
  const ends = await admin.endOffsets(topic).finally(() => admin.close());
  const remaining = new Map([...ends].filter(([, end]) => end > 0n));
  const start = performance.now();
  const consumer = await connectGroupConsumer(conn, {
    groupId: newGroup("noop"),
    topics: [topic],
    maxBytesPerPartition: defaults.max_bytes_per_partition,
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      consumer
        .run(
          async (batch) => {
            const last = batch.messages.at(-1);
            if (last === undefined) return;
            const next = BigInt(last.offset) + 1n;
            batch.resolveOffset(last.offset);
            await batch.commit(next.toString());
            const end = remaining.get(batch.partition);
            if (end !== undefined && next >= end) remaining.delete(batch.partition);
            if (remaining.size === 0) resolve((performance.now() - start) / 1000);
          },
          { partitionsConcurrently: defaults.partitions_concurrently },
        )
        .catch(reject);
    });
  } finally {
    await consumer.close();
  }
}

/** Baseline (b): the same events written straight into a fresh store, `insertEvents` in chunks of 100k rows. */
export async function bulkInsert(events: readonly AuditEvent[]): Promise<number> {
  const store = await openTestStore();
  try {
    const start = performance.now();
    for (let i = 0; i < events.length; i += 100_000) await insertEvents(store, events.slice(i, i + 100_000));
    return (performance.now() - start) / 1000;
  } finally {
    await store.drop();
  }
}
