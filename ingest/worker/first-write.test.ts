import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditEvent } from "../../schemas";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { createLogger } from "../../lib/log";
import { fromEventRow } from "../../store/event-rows";
import { defineQuery } from "../../store/query";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { waitCommitted as waitGroupCommitted } from "../../test/pipeline/pipeline";
import { openTestStore, type TestStore } from "../../test/store";
import { DEAD_LETTER_HEADERS } from "../topics";
import { TEST_WORKER_TIMINGS } from "./testdata/test-timings";
import { startIngestWorker, type IngestWorker, type IngestWorkerOptions } from "./worker";

/**
 * Issue #9 on the Kafka path. Class 1: a copy with different content under
 * a stored id ends as a dead letter `conflict`, the original untouched
 * (read after OPTIMIZE … FINAL), also when the copies are handled by two
 * workers at once. Class 5: nothing valid is retried forever (a batch over
 * 100 months), and rows the store refuses for good leave the partition as
 * dead letters instead of blocking it.
 */
const kafka = useKafka();
const quiet = createLogger("first-write-test", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
const stores: TestStore[] = [];
const workers: IngestWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(stores.map((s) => s.drop().catch(() => undefined)));
});

async function setup(partitions: number, workerCount = 1, extra: Partial<IngestWorkerOptions> = {}) {
  const topic = await kafka.randomTopic("first-write", partitions);
  const dlqTopic = await kafka.randomTopic("first-write-dlq", 1);
  const groupId = kafka.randomGroupId("first-write");
  const store = await openTestStore();
  stores.push(store);
  const started = await Promise.all(
    Array.from({ length: workerCount }, () =>
      startIngestWorker({
        kafka: kafka.connection("first-write-ingest"),
        store,
        topic,
        groupId,
        dlqTopic,
        flushRows: 500,
        flushMs: 100,
        ...TEST_WORKER_TIMINGS,
        logger: quiet,
        ...extra,
      }),
    ),
  );
  workers.push(...started);
  const produce = async (events: readonly AuditEvent[]) => {
    const sink = new KafkaSink({ connection: kafka.connection("first-write-producer"), topic });
    await sink.publish(events);
    await sink.close();
  };
  return { topic, dlqTopic, groupId, store, produce };
}

const waitCommitted = (groupId: string, topic: string) => waitGroupCommitted(kafka.connection("first-write-lag"), groupId, topic, 60_000);

async function rowsOf(store: TestStore, id: string): Promise<AuditEvent[]> {
  await store.client.command({ query: `OPTIMIZE TABLE ${store.tables.events} FINAL` });
  const result = await store.client.query({ query: `SELECT * FROM ${store.tables.events} WHERE event_id = {id:String}`, query_params: { id }, format: "JSONEachRow" });
  return (await result.json()).map((row) => fromEventRow(row));
}

async function expectOnly(store: TestStore, original: AuditEvent): Promise<void> {
  const rows = await rowsOf(store, original.event_id);
  expect(rows).toHaveLength(1);
  const { received_at: _received, ...rest } = rows[0] ?? original;
  expect(rest).toEqual(original);
}

const deadLetters = defineQuery({
  name: "test.first_write.dead_letters",
  params: z.object({}),
  row: z.object({ reason: z.string(), detail: z.string(), payload: z.string() }),
  sql: (t) => `SELECT reason, detail, payload FROM ${t.dead_letters} FINAL ORDER BY partition, offset`,
});
const countQuery = defineQuery({
  name: "test.first_write.count",
  params: z.object({}),
  row: z.object({ events: z.coerce.number() }),
  sql: (t) => `SELECT uniqExact(event_id) AS events FROM ${t.events}`,
});
const conflictFindings = defineQuery({
  name: "test.first_write.findings",
  params: z.object({ id: z.string() }),
  row: z.object({ finding_id: z.string() }),
  sql: (t) => `SELECT finding_id FROM ${t.findings} FINAL WHERE detector = 'integrity' AND has(event_ids, {id:String}) AND position(finding_id, ':conflict:') > 0`,
});

const skewFindings = defineQuery({
  name: "test.first_write.skew_findings",
  params: z.object({ host: z.string() }),
  row: z.object({ finding_id: z.string() }),
  sql: (t) => `SELECT finding_id FROM ${t.findings} FINAL WHERE detector = 'integrity' AND host = {host:String} AND position(finding_id, ':clock-skew:') > 0`,
});

describe.skipIf(!kafka.available)(`first stored version wins on the Kafka path ${kafka.skipReason}`, () => {
  it("dead-letters a conflicting copy with reason conflict, absorbs an identical one, keeps the original", async () => {
    const { topic, dlqTopic, groupId, store, produce } = await setup(2);
    const original = makeEvent({ host: "web-01" });
    await produce([original, ...makeEvents(5)]);
    await waitCommitted(groupId, topic);
    const forged = { ...original, host: "db-01", actor_id: "mallory@example.com" };
    await produce([forged, original]);
    await waitCommitted(groupId, topic);
    await expectOnly(store, original);
    const dlq = await readTopic(kafka.connection(), dlqTopic);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.reason])).toEqual(["conflict"]);
    expect(JSON.parse(dlq[0]?.value?.toString("utf8") ?? "{}")).toMatchObject({ event_id: original.event_id, host: "db-01" });
    expect((await deadLetters(store, {})).map((d) => d.reason)).toEqual(["conflict"]);
    expect(await conflictFindings(store, { id: original.event_id })).toHaveLength(1);
  });

  it("two workers handling copies of one new id with different hosts store exactly one", async () => {
    const { topic, dlqTopic, groupId, store, produce } = await setup(4, 2);
    const originals = makeEvents(20).map((e, i) => ({ ...e, host: `h-${i}` }));
    // Each forged copy names another host: keyed by host, it would land on another partition, in another worker.
    const forged = originals.map((e, i) => ({ ...e, host: `forged-${i}`, command: "history -c" }));
    await produce([...originals, ...forged]);
    await waitCommitted(groupId, topic);
    for (const original of originals) await expectOnly(store, original);
    const dlq = await readTopic(kafka.connection(), dlqTopic);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.reason])).toEqual(forged.map(() => "conflict"));
  });

  it("stores events stamped far from their arrival and flags their source once (clock skew)", async () => {
    const { topic, groupId, store, produce } = await setup(2);
    const skewed = makeEvents(40, { host: "skewed-kafka", occurred_at: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    await produce(skewed.slice(0, 20));
    await waitCommitted(groupId, topic);
    await produce(skewed.slice(20));
    await waitCommitted(groupId, topic);
    expect((await countQuery(store, {}))[0]?.events).toBe(40);
    expect(await skewFindings(store, { host: "skewed-kafka" })).toHaveLength(1);
  });

  it("stores a valid batch spanning 110 months (a git history indexed the first time) and commits", async () => {
    const { topic, groupId, store, produce } = await setup(1);
    const commits = Array.from({ length: 110 }, (_, i) =>
      makeEvent({ type: "codebase.commit", host: "git-indexer", occurred_at: new Date(Date.UTC(2015, i, 3)).toISOString() }),
    );
    await produce(commits);
    await waitCommitted(groupId, topic);
    expect((await countQuery(store, {}))[0]?.events).toBe(110);
  });

  it("dead-letters the one event the store refuses for good (store_refused) and stores the rest of its batch", async () => {
    const { topic, dlqTopic, groupId, store, produce } = await setup(1);
    // A deterministic refusal of the engine for one row: a constraint this test adds to its own table.
    await store.client.command({ query: `ALTER TABLE ${store.tables.events} ADD CONSTRAINT no_poison CHECK host != 'poison-host'` });
    const events = makeEvents(20, { host: "web-02" });
    const poison = makeEvent({ host: "poison-host" });
    await produce([...events.slice(0, 7), poison, ...events.slice(7)]);
    await waitCommitted(groupId, topic);
    expect((await countQuery(store, {}))[0]?.events).toBe(20);
    const dlq = await readTopic(kafka.connection(), dlqTopic);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.reason])).toEqual(["store_refused"]);
    expect(JSON.parse(dlq[0]?.value?.toString("utf8") ?? "{}")).toMatchObject({ event_id: poison.event_id });
  });
});
