import { afterAll, describe, expect, it } from "vitest";
import { KafkaSink } from "../collect/sinks/kafka-sink";
import { configSchema } from "../config/schema";
import { createLogger } from "../lib/log";
import { makeEvents } from "../test/factories/events";
import { useKafka } from "../test/kafka/use-kafka";
import { kafkaLagReader } from "./kafka-lag";

/** /api/health's Kafka lag against the real broker: what a group has not committed yet, and an error (not a throw) when Kafka is away. */
const kafka = useKafka();
const log = createLogger("kafka-lag-test", "silent");
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe.skipIf(!kafka.available)(`kafka lag for /api/health ${kafka.skipReason}`, () => {
  it("counts the messages the ingest group has not committed, over every partition", async () => {
    const topic = await kafka.randomTopic("health-lag", 3);
    const sink = new KafkaSink({ connection: kafka.connection("health-lag"), collectorId: "lag-test", topic });
    closers.push(() => sink.close());
    await sink.publish(makeEvents(7));
    const group = kafka.randomGroupId("ingest");
    const config = configSchema.parse({ kafka: { brokers: kafka.brokers } });
    const reader = kafkaLagReader(config, log, { topic, group, ttlMs: 0 });
    closers.push(reader.close);
    expect(await reader.read()).toEqual({ group, topic, messages: 7 });
    await sink.publish(makeEvents(2));
    expect(await reader.read()).toEqual({ group, topic, messages: 9 });
  });

  it("reports why the lag is unknown when no broker answers", async () => {
    const config = configSchema.parse({ kafka: { brokers: ["127.0.0.1:1"] } });
    const reader = kafkaLagReader(config, log, { ttlMs: 0, timeoutMs: 1000 });
    closers.push(reader.close);
    const lag = await reader.read();
    expect(lag).toMatchObject({ error: expect.stringContaining("kafka lag unknown") });
  });
});
