/**
 * A broker outage while a collector keeps producing: events go to the disk
 * spool, the shipper's publishes to KafkaSink fail (retriable) while the
 * broker is down, and after it is back everything reaches the topic. Runs
 * on a broker of its own (the shared one must stay up for other files).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, parseEventOrThrow, type AuditEvent } from "../../schemas";
import { makeEvents } from "../../test/factories/events";
import { startBroker, type LocalBroker } from "../../test/kafka/broker";
import { checkJavaAndMaven } from "../../test/kafka/classpath";
import { readTopic } from "../../test/kafka/read-topic";
import { useKafka } from "../../test/kafka/use-kafka";
import { connectAdmin } from "../../ingest/kafka";
import { openSpool } from "../spool/spool";
import { createShipper } from "../spool/shipper";
import { KafkaSink } from "./kafka-sink";

const kafka = useKafka();
const canStartOwn = !kafka.external && checkJavaAndMaven().ok;
const skip = canStartOwn ? "" : `(skipped: ${kafka.external ? "KAFKA_BROKERS is set; this test stops its own broker" : kafka.skipReason})`;

describe.skipIf(!canStartOwn)(`collector → spool → KafkaSink across a broker outage ${skip}`, () => {
  let broker: LocalBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it.each([
    ["stopped", () => broker.halt()],
    ["SIGKILLed", async () => broker.kill()],
  ])("loses nothing when the broker is %s for a while mid-production", { timeout: 120_000 }, async (_how, down) => {
    const conn = { ...kafka.connection("outage"), brokers: broker.brokers, connectionTimeoutMs: 500 };
    const topic = `outage-${Math.random().toString(16).slice(2, 10)}`;
    const admin = await connectAdmin(conn);
    await admin.ensureTopic({ topic, partitions: 3 });
    await admin.close();

    const dir = mkdtempSync(join(tmpdir(), "prodtrail-outage-spool-"));
    const spool = await openSpool({ dir, fsync: "never", segmentBytes: 256 * 1024, maxBytes: 64 * 1024 * 1024 });
    const sink = new KafkaSink({ connection: conn, topic, sendTimeoutMs: 1_500 });
    const shipper = createShipper<AuditEvent>({
      spool,
      publish: (events) => sink.publish(events),
      decode: (payload) => parseEventOrThrow(JSON.parse(payload.toString("utf8"))),
      maxBatchRecords: 200,
      backoff: { initialMs: 100, maxMs: 500 },
      log: kafka.connection().logger,
    });
    const loop = shipper.start();
    const events = makeEvents(3_000).map((e, i) => ({ ...e, host: `host-${i % 11}` }));
    const append = (slice: AuditEvent[]) => spool.append(slice.map((e) => Buffer.from(canonicalJson(e))));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      for (let i = 0; i < 1_000; i += 100) await append(events.slice(i, i + 100));
      await down();
      // The collector keeps reading its sources during the outage.
      for (let i = 1_000; i < 2_000; i += 100) {
        await append(events.slice(i, i + 100));
        await pause(300);
      }
      await broker.restart();
      for (let i = 2_000; i < 3_000; i += 100) await append(events.slice(i, i + 100));

      const deadline = Date.now() + 60_000;
      while (spool.stats().ackedSeq < spool.stats().nextSeq) {
        if (Date.now() > deadline) throw new Error(`spool acked ${spool.stats().ackedSeq} of ${spool.stats().nextSeq}`);
        await pause(100);
      }
      // The outage was felt (else this test proves nothing).
      expect(shipper.stats().failures).toBeGreaterThan(0);
    } finally {
      await shipper.stop(5_000);
      await loop.catch(() => undefined);
      await sink.close();
      await spool.close();
      rmSync(dir, { recursive: true, force: true });
    }

    const messages = await readTopic(conn, topic);
    const ids = messages.map((m) => parseEventOrThrow(JSON.parse(m.value?.toString() ?? "null")).event_id);
    const expected = new Set(events.map((e) => e.event_id));
    expect([...expected].filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !expected.has(id))).toEqual([]);
    // Resends after a timed-out publish may duplicate a batch in Kafka; ingest deduplicates by event_id.
    expect(new Set(ids).size).toBe(events.length);
  });
});
