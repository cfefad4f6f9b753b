import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { canonicalJson, parseEvent, type AuditEvent } from "../../schemas";
import { makeEvent } from "../../test/factories/events";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { KafkaSink, KafkaSinkError } from "./kafka-sink";

const kafka = useKafka();
const sinks: KafkaSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});
function sink(opts: Partial<ConstructorParameters<typeof KafkaSink>[0]> & { topic: string }): KafkaSink {
  const s = new KafkaSink({ connection: kafka.connection("kafka-sink-test"), collectorId: "col-test", ...opts });
  sinks.push(s);
  return s;
}

const HOSTS = ["web-01", "web-02", "db-01", "k8s-node-7"];
/** `n` events spread over HOSTS, with a per-host sequence number in `seq`. */
function fleet(n: number): AuditEvent[] {
  const seq = new Map<string, number>();
  return Array.from({ length: n }, (_, i) => {
    const host = HOSTS[i % HOSTS.length] ?? "none";
    const s = seq.get(host) ?? 0;
    seq.set(host, s + 1);
    return makeEvent({ host, seq: s, collector_id: i % 2 === 0 ? `col-${host}` : undefined });
  });
}

describe.skipIf(!kafka.available)(`KafkaSink against a real broker ${kafka.skipReason}`, () => {
  it("publishes every event once as canonical JSON keyed by event_id, with headers; every copy of an event on one partition", async () => {
    const topic = await kafka.randomTopic("sink", 3);
    const events = fleet(400);
    const s = sink({ topic });
    // Two publishes: order must hold across calls too.
    await s.publish(events.slice(0, 150));
    await s.publish(events.slice(150));

    const messages = await readTopic(kafka.connection(), topic);
    expect(messages).toHaveLength(events.length);
    const byId = new Map(events.map((e) => [e.event_id, e]));
    const seen = new Set<string>();
    for (const m of messages) {
      const parsed = parseEvent(JSON.parse(m.value?.toString() ?? "null"));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const original = byId.get(parsed.event.event_id);
      expect(original).toBeDefined();
      expect(m.value?.toString()).toBe(canonicalJson(original));
      expect(m.key?.toString()).toBe(parsed.event.event_id);
      expect(m.headers).toEqual({
        schema_version: "1",
        collector_id: parsed.event.collector_id ?? "col-test",
      });
      expect(seen.has(parsed.event.event_id)).toBe(false);
      seen.add(parsed.event.event_id);
    }
    const partitionOf = new Map(messages.map((m) => [m.key?.toString() ?? "", m.partition]));
    // Resent copies, and a copy under a stored id naming another host, go where the first copy went:
    // one worker decides which copy is first (store/first-write.ts).
    const resent = events.slice(0, 40).map((e, i) => (i % 2 === 0 ? e : { ...e, host: "elsewhere" }));
    await s.publish(resent);
    const before = new Set(messages.map((m) => `${m.partition}:${m.offset}`));
    const again = (await readTopic(kafka.connection(), topic)).filter((m) => !before.has(`${m.partition}:${m.offset}`));
    expect(again).toHaveLength(resent.length);
    for (const m of again) expect(m.partition).toBe(partitionOf.get(m.key?.toString() ?? ""));
    expect(new Set(messages.map((m) => m.partition)).size).toBe(3);
  });

  it("splits a publish larger than one produce request and still acknowledges all of it", async () => {
    const topic = await kafka.randomTopic("sink-big", 1);
    // ~2.5 MB uncompressed: three requests under the 900 KiB cap.
    const events = fleet(500).map((e) => ({ ...e, raw: randomBytes(3_600).toString("base64").slice(0, 4_800) }));
    await sink({ topic }).publish(events);
    const messages = await readTopic(kafka.connection(), topic);
    expect(messages.map((m) => m.value?.toString())).toEqual(events.map((e) => canonicalJson(e)));
  });

  it("rejects with a permanent error naming MESSAGE_TOO_LARGE when the broker refuses the size", async () => {
    const topic = `sink-small-${randomBytes(4).toString("hex")}`;
    const admin = await kafka.admin();
    await admin.ensureTopic({ topic, partitions: 1, configs: { "max.message.bytes": "2000" } });
    const big = makeEvent({ raw: randomBytes(6_000).toString("base64").slice(0, 8_000) });
    const err = await sink({ topic, sendTimeoutMs: 10_000 }).publish([big]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaSinkError);
    expect(err).toMatchObject({ retriable: false, code: "MESSAGE_TOO_LARGE", events: 1, topic });
    await admin.deleteTopics([topic]);
  });

  it("rejects with a retriable error when nothing acknowledges within the send timeout", async () => {
    const s = new KafkaSink({
      connection: { ...kafka.connection("kafka-sink-down"), brokers: ["127.0.0.1:1"], connectionTimeoutMs: 200 },
      topic: "never-created",
      sendTimeoutMs: 1_500,
    });
    sinks.push(s);
    const started = Date.now();
    const err = await s.publish(fleet(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaSinkError);
    expect(err).toMatchObject({ retriable: true, events: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("resolves an empty publish without touching Kafka", async () => {
    const s = sink({ topic: "unused", connection: { ...kafka.connection(), brokers: ["127.0.0.1:1"] } });
    await expect(s.publish([])).resolves.toBeUndefined();
  });
});
