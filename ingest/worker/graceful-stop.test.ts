import { afterAll, describe, expect, it } from "vitest";
import { countEventsQuery } from "../../store/events";
import { makeEvents } from "../../test/factories/events";
import { useKafka } from "../../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../../test/store";
import { createLogger } from "../../lib/log";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { TEST_WORKER_TIMINGS } from "./testdata/test-timings";
import { startIngestWorker } from "./worker";

const kafka = useKafka();
const stores: TestStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.drop().catch(() => undefined)));
});

describe.skipIf(!kafka.available)(`ingest worker graceful stop ${kafka.skipReason}`, () => {
  // The worker pipelines (a batch is committed after its handler returned, once
  // stored): stop() must commit what it stored before the consumer stops, or
  // every graceful restart would redeliver its last batches.
  it("stopped mid-stream, it has committed exactly what it stored, no more and no less", { timeout: 90_000 }, async () => {
    const topic = await kafka.randomTopic("ingest-stop", 1);
    const groupId = kafka.randomGroupId("ingest-stop");
    const events = makeEvents(3_000);
    const sink = new KafkaSink({ connection: kafka.connection("ingest-stop-producer"), topic });
    // One record batch per publish: a fetch returns whole record batches, so small ones make many fetches.
    for (let i = 0; i < events.length; i += 50) await sink.publish(events.slice(i, i + 50));
    await sink.close();
    const store = await openTestStore();
    stores.push(store);

    let inserts = 0;
    let stopRequested: () => void = () => undefined;
    const thirdInsert = new Promise<void>((resolve) => (stopRequested = resolve));
    const worker = await startIngestWorker({
      kafka: kafka.connection("ingest-stop"),
      store,
      topic,
      groupId,
      dlqTopic: await kafka.randomTopic("ingest-stop-dlq", 1),
      flushRows: 100,
      flushMs: 50,
      // A few record batches per fetch: many batches, so the stop lands between some of them.
      maxBytesPerPartition: 8 * 1024,
      ...TEST_WORKER_TIMINGS,
      logger: createLogger("ingest-stop-test", process.env.PRODTRAIL_LOG_LEVEL ?? "silent"),
      hooks: { inserted: () => void (++inserts === 3 && stopRequested()) },
    });
    await thirdInsert;
    await worker.stop();

    const stored = (await countEventsQuery(store, {}))[0]?.events ?? 0;
    const committed = (await (await kafka.admin()).committedOffsets(groupId, topic)).get(0) ?? 0n;
    // Stopped before the end, else the test proves nothing.
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(events.length);
    expect(Number(committed)).toBe(stored);
  });
});
