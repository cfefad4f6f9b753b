/**
 * Scale-mode ingest throughput, end to end, against two baselines measured
 * in the same run on the same events (absolute numbers depend on the machine;
 * the ratios say where the time goes):
 *   end to end   collector spool → KafkaSink → topic → ingest worker → store
 *   (a)          a no-op kafkajs consumer of the same topic (ceiling of reading Kafka)
 *   (b)          one bulk insert of the same rows (ceiling of writing the store)
 * then a sweep of the worker's flush_rows/flush_ms draining the same topic,
 * which is what the defaults in ingest/worker/config.ts are chosen from.
 *
 * The collector runs in a process of its own (bench/ingest/collector.ts), as
 * on a real server; the worker and the embedded store share this one.
 * Usage: npx tsx bench/ingest/run.ts [--events 200000] [--partitions 4] [--workers 1]
 *          [--fsync always|interval|never] [--sweep 1000:1000,5000:1000,10000:1000,50000:1000]
 * Starts its own Kafka broker (test/kafka/broker.ts) unless KAFKA_BROKERS is
 * set, and a temporary embedded store (CLICKHOUSE_URL: a server instead).
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { FsyncPolicySchema } from "../../collect/spool/config";
import { connectAdmin, parseBrokerList, type KafkaConnection } from "../../ingest/kafka";
import { ingestConfigSchema } from "../../ingest/worker/config";
import { createLogger } from "../../lib/log";
import { makeEvents } from "../../test/factories/events";
import { startBroker, type LocalBroker } from "../../test/kafka/broker";
import { testDataDir } from "../../test/store";
import { bulkInsert, endToEnd, noopConsumer, workerDrain } from "./phases";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "200000" },
    partitions: { type: "string", default: "4" },
    workers: { type: "string", default: "1" },
    fsync: { type: "string", default: "always" },
    sweep: { type: "string", default: "1000:1000,5000:1000,10000:1000,50000:1000,10000:250" },
  },
});
const count = z.coerce.number().int().positive();
const args = z
  .object({
    events: count,
    partitions: count,
    workers: count,
    fsync: FsyncPolicySchema,
    sweep: z.string().transform((s) => s.split(",").map((pair) => pair.split(":").map((n) => count.parse(n)))),
  })
  .parse(values);

const log = createLogger("bench-ingest", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
const external = process.env.KAFKA_BROKERS;
const broker: LocalBroker | undefined = external ? undefined : await startBroker({ numPartitions: 1 });
const conn: KafkaConnection = { brokers: broker?.brokers ?? parseBrokerList(external ?? ""), clientId: "bench-ingest", logger: log };
const topic = `bench-ingest-${randomBytes(4).toString("hex")}`;
const rate = (seconds: number) => Math.round(args.events / seconds).toLocaleString("en");
const fmt = (seconds: number) => `${seconds.toFixed(1).padStart(6)} s  ${rate(seconds).padStart(8)} events/s`;

try {
  const admin = await connectAdmin(conn);
  await admin.ensureTopic({ topic, partitions: args.partitions });
  await admin.ensureTopic({ topic: `${topic}-dlq`, partitions: 1 });
  await admin.close();

  const defaults = ingestConfigSchema.parse({});
  const events = makeEvents(args.events).map((e, i) => ({ ...e, host: `host-${i % 211}` }));
  console.log(
    `ingest benchmark: ${args.events.toLocaleString("en")} events, topic of ${args.partitions} partitions, ${args.workers} worker(s), ` +
      `collector in its own process (spool fsync ${args.fsync}), flush ${defaults.flush_rows} rows / ${defaults.flush_ms} ms, ` +
      `${broker ? "local broker" : `KAFKA_BROKERS=${external}`}, ${process.env.CLICKHOUSE_URL ? "ClickHouse server" : "embedded store"}`,
  );

  const e2e = await endToEnd(conn, topic, events, args.workers, args.fsync);
  console.log(`end to end (spool → Kafka → worker → store)  ${fmt(e2e.seconds)}   (collector done shipping at ${e2e.shippedSeconds.toFixed(1)} s)`);
  const noop = await noopConsumer(conn, topic);
  console.log(`(a) no-op kafkajs consumer, same topic       ${fmt(noop)}   end to end = ${(noop / e2e.seconds).toFixed(2)}x of it`);
  const bulk = await bulkInsert(events);
  console.log(`(b) bulk insert of the same rows            ${fmt(bulk)}   end to end = ${(bulk / e2e.seconds).toFixed(2)}x of it`);

  console.log(`\nflush sweep: ${args.workers} worker(s) draining the same ${args.events.toLocaleString("en")}-event topic as a backlog`);
  console.log("flush_rows  flush_ms   seconds  events/s     vs bulk insert");
  for (const [rows = 0, ms = 0] of args.sweep) {
    const seconds = await workerDrain(conn, topic, args.workers, rows, ms);
    const mark = rows === defaults.flush_rows && ms === defaults.flush_ms ? "  (current default)" : "";
    console.log(`${String(rows).padStart(10)}  ${String(ms).padStart(8)}  ${fmt(seconds)}  ${(bulk / seconds).toFixed(2).padStart(6)}x${mark}`);
  }
} finally {
  if (external) {
    const admin = await connectAdmin(conn);
    await admin.deleteTopics([topic, `${topic}-dlq`]).catch(() => undefined);
    await admin.close();
  }
  await broker?.stop();
  rmSync(testDataDir(), { recursive: true, force: true });
}
// The embedded engine and kafkajs keep handles open; the run is over.
process.exit(0);
