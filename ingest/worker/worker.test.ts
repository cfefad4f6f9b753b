import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { canonicalJson, type AuditEvent } from "../../schemas";
import { countEventsQuery } from "../../store/events";
import { migrate } from "../../store/migrate";
import { defineQuery } from "../../store/query";
import type { Store } from "../../store/open";
import { makeEvents } from "../../test/factories/events";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../../test/store";
import { createLogger } from "../../lib/log";
import { createReliableProducer, type OutgoingMessage } from "../kafka";
import { DEAD_LETTER_HEADERS } from "../topics";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { TEST_WORKER_TIMINGS } from "./testdata/test-timings";
import { startIngestWorker, type IngestWorker, type IngestWorkerOptions } from "./worker";

const kafka = useKafka();
const quiet = createLogger("ingest-test", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");

const stores: TestStore[] = [];
const workers: IngestWorker[] = [];
beforeAll(() => undefined);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(stores.map((s) => s.drop().catch(() => undefined)));
});

async function store(opts: { migrate?: boolean } = {}): Promise<TestStore> {
  const s = await openTestStore(opts);
  stores.push(s);
  return s;
}

async function worker(opts: Partial<IngestWorkerOptions> & Pick<IngestWorkerOptions, "store" | "topic" | "groupId">): Promise<IngestWorker> {
  const w = await startIngestWorker({
    kafka: kafka.connection("ingest-test"),
    dlqTopic: opts.dlqTopic ?? (await kafka.randomTopic("dlq", 1)),
    flushRows: 500,
    flushMs: 200,
    ...TEST_WORKER_TIMINGS,
    logger: quiet,
    ...opts,
  });
  workers.push(w);
  return w;
}

async function produce(topic: string, events: readonly AuditEvent[]): Promise<void> {
  const sink = new KafkaSink({ connection: kafka.connection("ingest-test-producer"), topic });
  await sink.publish(events);
  await sink.close();
}

/** Until the group has committed up to the end of every non-empty partition. */
async function waitCommitted(groupId: string, topic: string, timeoutMs = 45_000): Promise<void> {
  const admin = await kafka.admin();
  const ends = new Map([...(await admin.endOffsets(topic))].filter(([, e]) => e > 0n));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await admin.committedOffsets(groupId, topic);
    if ([...ends].every(([p, e]) => (committed.get(p) ?? -1n) >= e)) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} committed ${JSON.stringify([...committed].map(([p, o]) => [p, String(o)]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const idsQuery = defineQuery({
  name: "test.ingest.ids",
  params: z.object({}),
  row: z.object({ event_id: z.string(), copies: z.coerce.number() }),
  sql: (t) => `SELECT event_id, count() AS copies FROM ${t.events} GROUP BY event_id`,
});
const deadLettersQuery = defineQuery({
  name: "test.ingest.dead_letters",
  params: z.object({}),
  row: z.object({ partition: z.number(), offset: z.coerce.string(), reason: z.string(), payload: z.string(), payload_encoding: z.string() }),
  sql: (t) => `SELECT partition, offset, reason, payload, payload_encoding FROM ${t.dead_letters} FINAL ORDER BY partition, offset`,
});

/**
 * The oracle: every expected event_id is stored, nothing else is, and (with
 * `physical`) no event has more than one physical row. Shown to fail on a
 * planted duplicate and on a missing row in "the exactly-once oracle" below.
 */
async function expectExactlyOnce(s: Store, expected: readonly AuditEvent[], physical: boolean): Promise<void> {
  const rows = await idsQuery(s, {});
  const stored = new Map(rows.map((r) => [r.event_id, r.copies]));
  const missing = expected.filter((e) => !stored.has(e.event_id)).length;
  const unexpected = rows.filter((r) => !expected.some((e) => e.event_id === r.event_id)).length;
  expect({ missing, unexpected }).toEqual({ missing: 0, unexpected: 0 });
  if (physical) expect(rows.filter((r) => r.copies > 1)).toEqual([]);
  // What dashboards and the CLI count.
  expect((await countEventsQuery(s, {}))[0]?.events).toBe(expected.length);
}

describe.skipIf(!kafka.available)(`ingest worker: Kafka → store ${kafka.skipReason}`, () => {
  it("stores 3,000 events from 3 partitions once each and commits to the end", async () => {
    const topic = await kafka.randomTopic("ingest", 3);
    const groupId = kafka.randomGroupId("ingest");
    const events = makeEvents(3_000).map((e, i) => ({ ...e, host: `host-${i % 17}` }));
    await produce(topic, events);
    const s = await store();
    const w = await worker({ store: s, topic, groupId });
    await waitCommitted(groupId, topic);
    await expectExactlyOnce(s, events, true);
    const metrics = await w.metrics.registry.getMetricsAsJSON();
    const inserted = metrics.find((m) => m.name === "prodtrail_ingest_inserted_total");
    expect(inserted?.values[0]?.value).toBe(3_000);
    await w.stop();
  });

  it("the exactly-once oracle fails on a planted duplicate and on a missing row", async () => {
    const s = await store();
    const events = makeEvents(5);
    const { insertEvents } = await import("../../store/events");
    await insertEvents(s, events);
    await expect(expectExactlyOnce(s, events.slice(1), true)).rejects.toThrow();
    await expect(expectExactlyOnce(s, [...events, ...makeEvents(1)], true)).rejects.toThrow();
    // A second physical copy of one event, inserted without a token.
    await insertEvents(s, events.slice(0, 1), new Date().toISOString());
    await expect(expectExactlyOnce(s, events, true)).rejects.toThrow();
  });

  it("after a full redelivery (a new group reads everything again) queries still count each event once", async () => {
    const topic = await kafka.randomTopic("ingest-redeliver", 2);
    const events = makeEvents(1_200);
    await produce(topic, events);
    const s = await store();
    const first = kafka.randomGroupId("ingest-a");
    const w1 = await worker({ store: s, topic, groupId: first, flushRows: 300 });
    await waitCommitted(first, topic);
    await w1.stop();
    // Same messages again, cut into different inserts (token differs): ReplacingMergeTree + FINAL/uniqExact.
    const second = kafka.randomGroupId("ingest-b");
    const w2 = await worker({ store: s, topic, groupId: second, flushRows: 170 });
    await waitCommitted(second, topic);
    await w2.stop();
    await expectExactlyOnce(s, events, false);
  });

  it("two workers in one group share the partitions and store each event once", async () => {
    const topic = await kafka.randomTopic("ingest-pair", 4);
    const groupId = kafka.randomGroupId("ingest-pair");
    const s = await store();
    const dlqTopic = await kafka.randomTopic("dlq", 1);
    const [a, b] = await Promise.all([worker({ store: s, topic, groupId, dlqTopic }), worker({ store: s, topic, groupId, dlqTopic })]);
    const events = makeEvents(4_000).map((e, i) => ({ ...e, host: `h-${i % 31}` }));
    for (let i = 0; i < events.length; i += 500) await produce(topic, events.slice(i, i + 500));
    await waitCommitted(groupId, topic);
    await expectExactlyOnce(s, events, false);
    const insertedBy = async (w: IngestWorker) =>
      (await w.metrics.registry.getMetricsAsJSON()).find((m) => m.name === "prodtrail_ingest_inserted_total")?.values[0]?.value ?? 0;
    expect((await insertedBy(a)) + (await insertedBy(b))).toBeGreaterThanOrEqual(4_000);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a worker leaving mid-stream hands its partitions over without losing an event", async () => {
    const topic = await kafka.randomTopic("ingest-leave", 4);
    const groupId = kafka.randomGroupId("ingest-leave");
    const s = await store();
    const dlqTopic = await kafka.randomTopic("dlq", 1);
    const a = await worker({ store: s, topic, groupId, dlqTopic });
    const b = await worker({ store: s, topic, groupId, dlqTopic });
    const events = makeEvents(3_000).map((e, i) => ({ ...e, host: `h-${i % 23}` }));
    for (let i = 0; i < 1_500; i += 300) await produce(topic, events.slice(i, i + 300));
    await b.stop(); // rebalance: all partitions move to a
    for (let i = 1_500; i < 3_000; i += 300) await produce(topic, events.slice(i, i + 300));
    await waitCommitted(groupId, topic);
    await expectExactlyOnce(s, events, false);
    await a.stop();
  });

  it("dead-letters poison messages (DLQ topic and dead_letters) while the partition keeps flowing", async () => {
    const topic = await kafka.randomTopic("ingest-poison", 1);
    const dlqTopic = await kafka.randomTopic("ingest-poison-dlq", 1);
    const groupId = kafka.randomGroupId("ingest-poison");
    const good = makeEvents(30);
    const { event_id: _drop, ...noId } = good[0] ?? makeEvents(1)[0]!;
    const poison: OutgoingMessage[] = [
      { key: "web-01", value: "{not json", headers: { collector_id: "c1" } },
      { key: "web-01", value: canonicalJson({ ...noId, host: "web-01" }) },
      { key: "web-01", value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
      { key: "web-01", value: JSON.stringify({ ...good[1], raw: "x".repeat(5_000), event_id: "big" }) },
      { key: "web-01", value: "" },
    ];
    const reasons = ["bad_json", "schema_violation", "bad_json", "oversized", "empty"];
    // good[0..9], poison, good[10..29]: valid events after the poison must still arrive.
    const producer = createReliableProducer(kafka.connection("poison"));
    const asMsg = (e: AuditEvent): OutgoingMessage => ({ key: e.host, value: canonicalJson(e) });
    await producer.send(topic, [...good.slice(0, 10).map(asMsg), ...poison, ...good.slice(10).map(asMsg)]);
    await producer.close();

    const s = await store();
    const w = await worker({ store: s, topic, groupId, dlqTopic, maxMessageBytes: 4_096 });
    await waitCommitted(groupId, topic);
    await expectExactlyOnce(s, good, true);

    const dlq = await readTopic(kafka.connection(), dlqTopic);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.reason])).toEqual(reasons);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.originalOffset])).toEqual(["10", "11", "12", "13", "14"]);
    expect(dlq.every((m) => m.headers[DEAD_LETTER_HEADERS.originalTopic] === topic)).toBe(true);
    expect(dlq.every((m) => m.headers[DEAD_LETTER_HEADERS.originalPartition] === "0")).toBe(true);
    expect(dlq[0]?.headers.collector_id).toBe("c1");
    // Original bytes kept exactly.
    expect(dlq.map((m) => m.value?.toString("hex"))).toEqual(poison.map((p) => Buffer.from(p.value).toString("hex")));

    const rows = await deadLettersQuery(s, {});
    expect(rows.map((r) => [r.offset, r.reason])).toEqual(reasons.map((r, i) => [String(10 + i), r]));
    expect(rows[2]).toMatchObject({ payload_encoding: "base64", payload: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString("base64") });
    // produced = inserted + dead-lettered
    const total = (await kafka.admin().then((a) => a.endOffsets(topic))).get(0);
    expect(Number(total)).toBe(good.length + rows.length);
    await w.stop();
  });

  it("pauses without committing while the store refuses inserts, then resumes and loses nothing", async () => {
    const topic = await kafka.randomTopic("ingest-outage", 2);
    const groupId = kafka.randomGroupId("ingest-outage");
    const events = makeEvents(800);
    await produce(topic, events);
    // A real engine error: the database does not exist until we migrate it.
    const s = await store({ migrate: false });
    const w = await worker({ store: s, topic, groupId });
    await new Promise((r) => setTimeout(r, 2_500));
    const admin = await kafka.admin();
    expect(await admin.committedOffsets(groupId, topic)).toEqual(new Map());
    const before = await w.metrics.registry.getMetricsAsJSON();
    expect(before.find((m) => m.name === "prodtrail_ingest_store_up")?.values[0]?.value).toBe(0);
    expect(Number(before.find((m) => m.name === "prodtrail_ingest_store_failures_total")?.values[0]?.value)).toBeGreaterThan(0);

    await migrate(s);
    await waitCommitted(groupId, topic);
    await expectExactlyOnce(s, events, true);
    expect(w.isRunning()).toBe(true);
    await w.stop();
  });
});
