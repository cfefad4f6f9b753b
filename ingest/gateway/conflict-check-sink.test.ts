import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { startServe, type RunningServe } from "../../server/serve";
import { writeEventsOnce } from "../../store/first-write";
import { makeEvent } from "../../test/factories/events";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../../test/store";
import { ConflictCheckingSink } from "./conflict-check-sink";
import { postBatch, testConfig as config, testLog as log } from "./testing";

/**
 * Scale mode's gateway (publishing to a real Kafka topic) refuses, with 409
 * before publishing, a copy that conflicts with an event already stored.
 */
const kafka = useKafka();
let store: TestStore | undefined;
let serve: RunningServe | undefined;
afterAll(async () => {
  await serve?.close();
  await store?.drop();
});

describe.skipIf(!kafka.available)(`scale-mode gateway conflict check ${kafka.skipReason}`, () => {
  it("answers 409 for a conflicting copy and publishes nothing of that batch; new and identical events go to Kafka", async () => {
    const topic = await kafka.randomTopic("gateway-conflict", 1);
    store = await openTestStore();
    const sink = new ConflictCheckingSink(new KafkaSink({ connection: kafka.connection("gateway-conflict"), topic }), store, log);
    serve = await startServe({ config, log, store, dashboard: false, sink });
    const original = makeEvent({ host: "db-01" });
    // Stored earlier, as an ingest worker stores what the topic carried.
    await writeEventsOnce(store, [original]);
    const fresh = makeEvent();
    const refused = await postBatch(serve.url, JSON.stringify({ events: [fresh, { ...original, actor_id: "mallory@example.com" }] }));
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(original.event_id);
    expect((await postBatch(serve.url, JSON.stringify({ events: [fresh, original] }))).status).toBe(200);
    const published = await readTopic(kafka.connection(), topic);
    expect(published.map((m) => m.key?.toString())).toEqual([fresh.event_id, original.event_id]);
  });

  it("answers a final refusal, not 503, for an event the broker refuses for its size (issue #9 class 5)", async () => {
    if (!serve) throw new Error("the first test starts the gateway");
    // 5,000 files × 600 random hex characters: a valid commit event of ~3 MB that compresses to ~1.5 MB,
    // over the broker's 1 MiB message limit.
    const files = Array.from({ length: 5_000 }, () => ({ path: randomBytes(300).toString("hex"), blob: randomBytes(20).toString("hex") }));
    const huge = makeEvent({ type: "codebase.commit", files });
    const res = await postBatch(serve.url, JSON.stringify({ events: [huge] }));
    expect(res.status).toBe(422);
    expect(res.headers.get("retry-after")).toBeNull();
  });
});
