import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { createLogger } from "../../lib/log";
import { defineQuery } from "../../store/query";
import { makeEvent } from "../../test/factories/events";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../../test/store";
import { DEAD_LETTER_HEADERS } from "../topics";
import { TEST_WORKER_TIMINGS } from "./testdata/test-timings";
import { startIngestWorker, type IngestWorker } from "./worker";

/**
 * Class 2 of issue 9 on the Kafka path: a producer on the events topic
 * (any scale-mode collector) cannot file a record only the server writes.
 * It ends as a dead letter with reason server_only; the rest flows.
 */
const kafka = useKafka();
const quiet = createLogger("server-only-test", "silent");
let store: TestStore | undefined;
let worker: IngestWorker | undefined;
afterAll(async () => {
  await worker?.stop();
  await store?.drop();
});

const stored = defineQuery({
  name: "test.server_only.kafka_ids",
  params: z.object({}),
  row: z.object({ event_id: z.string() }),
  sql: (t) => `SELECT DISTINCT event_id FROM ${t.events} ORDER BY event_id`,
});
const deadLetters = defineQuery({
  name: "test.server_only.dead_letters",
  params: z.object({}),
  row: z.object({ offset: z.coerce.string(), reason: z.string() }),
  sql: (t) => `SELECT offset, reason FROM ${t.dead_letters} FINAL ORDER BY offset`,
});

describe.skipIf(!kafka.available)(`server-only records on the Kafka path ${kafka.skipReason}`, () => {
  it("dead-letters a forged audit.view and a forged drift acceptance (reason server_only) and stores the honest event", async () => {
    const topic = await kafka.randomTopic("server-only", 1);
    const dlqTopic = await kafka.randomTopic("server-only-dlq", 1);
    const honest = makeEvent({ host: "web-01" });
    const view = makeEvent({ type: "audit.view", actor_id: "admin@localhost", resource: "/admin" });
    const accept = makeEvent({ type: "audit.view", channel: "unknown", actor_id: "admin@localhost", resource: "drift:accept:0123456789abcdef" });
    const sink = new KafkaSink({ connection: kafka.connection("server-only-producer"), topic });
    await sink.publish([view, honest, accept]);
    await sink.close();

    store = await openTestStore();
    worker = await startIngestWorker({
      kafka: kafka.connection("server-only-ingest"),
      store,
      topic,
      groupId: kafka.randomGroupId("server-only"),
      dlqTopic,
      flushRows: 100,
      flushMs: 100,
      ...TEST_WORKER_TIMINGS,
      logger: quiet,
    });
    const dlq = await readTopicWhen(dlqTopic, 2);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.reason])).toEqual(["server_only", "server_only"]);
    expect(dlq.map((m) => m.headers[DEAD_LETTER_HEADERS.originalOffset])).toEqual(["0", "2"]);
    for (;;) {
      const ids = (await stored(store, {})).map((r) => r.event_id);
      if (ids.length > 0) {
        expect(ids).toEqual([honest.event_id]);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await deadLetters(store, {})).toEqual([
      { offset: "0", reason: "server_only" },
      { offset: "2", reason: "server_only" },
    ]);
  });
});

/** The DLQ once it holds `n` messages (the worker writes them as it goes). */
async function readTopicWhen(topic: string, n: number) {
  for (;;) {
    const messages = await readTopic(kafka.connection(), topic);
    if (messages.length >= n) return messages;
    await new Promise((r) => setTimeout(r, 200));
  }
}
