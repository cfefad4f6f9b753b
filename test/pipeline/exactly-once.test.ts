/**
 * The whole scale-mode path at volume: 100k events appended to a collector
 * spool, shipped by createShipper → KafkaSink to a 4-partition topic, taken
 * by 2 ingest workers of one consumer group (started before production, so
 * they consume while it runs and rebalance as the second joins) into the
 * real embedded engine. Exactly once by event_id and by count (oracle.ts),
 * and the oracle itself is shown to fail on a planted duplicate and a
 * missing row.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ingestConfigSchema } from "../../ingest/worker/config";
import type { IngestWorker } from "../../ingest/worker/worker";
import { insertEvents } from "../../store/events";
import { makeEvents } from "../factories/events";
import { useKafka } from "../kafka/use-kafka";
import { openTestStore, type TestStore } from "../store";
import { exactlyOnceProblems } from "./oracle";
import { shipThroughSpool, startWorkers, waitCommitted } from "./pipeline";

const kafka = useKafka();
const EVENTS = 100_000;

const stores: TestStore[] = [];
const workers: IngestWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(stores.map((s) => s.drop().catch(() => undefined)));
});

async function store(): Promise<TestStore> {
  const s = await openTestStore();
  stores.push(s);
  return s;
}

describe.skipIf(!kafka.available)(`collector spool → Kafka → 2 ingest workers → store ${kafka.skipReason}`, () => {
  // 24–39 s measured on 2 shared cores (load average 10–20 from other work).
  it(`${EVENTS.toLocaleString("en")} events arrive exactly once by event_id and by count`, { timeout: 300_000 }, async () => {
    const topic = await kafka.randomTopic("pipeline", 4);
    const dlqTopic = await kafka.randomTopic("pipeline-dlq", 1);
    const groupId = kafka.randomGroupId("pipeline");
    const s = await store();
    // The production flush defaults: this is the path `prodtrail ingest` runs.
    const defaults = ingestConfigSchema.parse({});
    workers.push(
      ...(await startWorkers(2, kafka.connection("pipeline"), {
        store: s,
        topic,
        groupId,
        dlqTopic,
        flushRows: defaults.flush_rows,
        flushMs: defaults.flush_ms,
      })),
    );
    // 97 hosts: the key (host) spreads the stream over all 4 partitions.
    const events = makeEvents(EVENTS).map((e, i) => ({ ...e, host: `web-${i % 97}` }));
    const shipped = await shipThroughSpool({ connection: kafka.connection("pipeline-collector"), topic, events });
    expect(shipped.records).toBe(EVENTS);

    await waitCommitted(kafka.connection("pipeline-check"), groupId, topic, 240_000);
    const admin = await kafka.admin();
    const ends = await admin.endOffsets(topic);
    // Every partition carried part of the stream (else "2 workers" shared nothing).
    expect([...ends.values()].filter((end) => end > 0n)).toHaveLength(4);
    expect([...ends.values()].reduce((a, b) => a + b, 0n)).toBe(BigInt(EVENTS));

    const inserted = await Promise.all(
      workers.map(async (w) => (await w.metrics.registry.getMetricsAsJSON()).find((m) => m.name === "prodtrail_ingest_inserted_total")?.values[0]?.value ?? 0),
    );
    expect(inserted.every((n) => n > 0), `rows inserted per worker: ${inserted.join(", ")}`).toBe(true);

    expect(await exactlyOnceProblems(s, new Set(events.map((e) => e.event_id)), { optimize: true })).toEqual([]);
  });

  it("the oracle reports a planted duplicate row and a missing row", async () => {
    const s = await store();
    const events = makeEvents(50);
    const ids = new Set(events.map((e) => e.event_id));
    await insertEvents(s, events);
    expect(await exactlyOnceProblems(s, ids, { optimize: false })).toEqual([]);

    // The same event again in a batch of its own: another dedup token, so the
    // engine keeps it; before a merge a raw read sees two rows.
    const [first] = events;
    if (!first) throw new Error("no events");
    await insertEvents(s, [first], new Date(Date.now() + 1_000).toISOString());
    const doubled = await exactlyOnceProblems(s, ids, { optimize: false });
    expect(doubled).toEqual([expect.stringMatching(new RegExp(`^count\\(\\) = 51, produced 50; doubled: ${first.event_id}×2`))]);

    // Same id, different content (another sort key): no merge collapses it.
    const [second] = events.slice(1);
    if (!second) throw new Error("no events");
    await insertEvents(s, [{ ...second, occurred_at: new Date(Date.parse(second.occurred_at) - 5_000).toISOString() }]);
    const survivesMerge = await exactlyOnceProblems(s, ids, { optimize: true });
    expect(survivesMerge).toEqual([
      "count() FINAL = 51, produced 50",
      expect.stringMatching(new RegExp(`^count\\(\\) after OPTIMIZE FINAL = 51, produced 50; doubled: ${second.event_id}×2`)),
    ]);

    // One id gone: the set comparison and both counts say so.
    await s.client.command({
      query: `DELETE FROM ${s.tables.events} WHERE event_id IN {ids:Array(String)}`,
      query_params: { ids: [first.event_id, second.event_id] },
    });
    const missing = await exactlyOnceProblems(s, ids, { optimize: false });
    expect(missing).toEqual([
      `missing 2 event_id(s), e.g. ${first.event_id}, ${second.event_id}`,
      "uniqExact(event_id) = 48, produced 50",
      "count() FINAL = 48, produced 50",
      expect.stringMatching(/^count\(\) = 48, produced 50/),
    ]);
    // And an id nobody produced.
    const stranger = makeEvents(1);
    await insertEvents(s, stranger);
    const left = new Set([...ids].filter((id) => id !== first.event_id && id !== second.event_id));
    expect(await exactlyOnceProblems(s, left, { optimize: false })).toEqual([
      `unexpected 1 event_id(s), e.g. ${stranger[0]?.event_id}`,
      "uniqExact(event_id) = 49, produced 48",
      "count() FINAL = 49, produced 48",
      expect.stringMatching(/^count\(\) = 49, produced 48/),
    ]);
  });
});
