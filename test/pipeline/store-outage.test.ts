/**
 * The store goes away in the middle of a stream, for real: the engine's
 * `events` table is detached (every insert fails with UNKNOWN_TABLE, the rows
 * already on disk stay) while the collector keeps producing, then attached
 * again. The worker must hold its offsets where the last acknowledged insert
 * left them for the whole outage, stay in its group, and afterwards store
 * everything exactly once. worker.test.ts covers a store that is missing
 * from the start (database not yet migrated); this covers losing it
 * mid-stream, with committed work behind and new work arriving.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { IngestWorker } from "../../ingest/worker/worker";
import { runCommand } from "../../store/query";
import { makeEvents } from "../factories/events";
import { useKafka } from "../kafka/use-kafka";
import { openTestStore, type TestStore } from "../store";
import { exactlyOnceProblems } from "./oracle";
import { groupLag, shipThroughSpool, startWorkers, waitCommitted } from "./pipeline";

const kafka = useKafka();
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function metric(w: IngestWorker, name: string): Promise<number> {
  const found = (await w.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Number(found?.values[0]?.value ?? 0);
}

describe.skipIf(!kafka.available)(`ingest worker while the store is down mid-stream ${kafka.skipReason}`, () => {
  it("holds its offsets without committing, then resumes and stores everything exactly once", { timeout: 120_000 }, async () => {
    const topic = await kafka.randomTopic("store-outage", 2);
    const groupId = kafka.randomGroupId("store-outage");
    const conn = kafka.connection("store-outage");
    const store: TestStore = await openTestStore();
    cleanups.push(() => store.drop());
    const [worker] = await startWorkers(1, conn, { store, topic, groupId, dlqTopic: await kafka.randomTopic("store-outage-dlq", 1), flushRows: 500, flushMs: 100 });
    if (!worker) throw new Error("no worker");
    cleanups.push(() => worker.stop());
    const events = makeEvents(4_000).map((e, i) => ({ ...e, host: `app-${i % 7}` }));
    const [before, during] = [events.slice(0, 2_000), events.slice(2_000)];

    await shipThroughSpool({ connection: conn, topic, events: before });
    await waitCommitted(conn, groupId, topic, 60_000);

    await runCommand(store, `DETACH TABLE ${store.tables.events}`, "test.detach_events");
    try {
      await shipThroughSpool({ connection: conn, topic, events: during });
      const deadline = Date.now() + 30_000;
      while ((await metric(worker, "prodtrail_ingest_store_failures_total")) < 3) {
        if (Date.now() > deadline) throw new Error("the worker never tried to insert into the detached table");
        await sleep(100);
      }
      // Retries keep failing for a while; not one offset of the new events is committed.
      for (let i = 0; i < 5; i++) {
        expect(await groupLag(conn, groupId, topic)).toBe(BigInt(during.length));
        await sleep(500);
      }
      expect(await metric(worker, "prodtrail_ingest_store_up")).toBe(0);
      expect(worker.isRunning()).toBe(true);
    } finally {
      await runCommand(store, `ATTACH TABLE ${store.tables.events}`, "test.attach_events");
    }

    await waitCommitted(conn, groupId, topic, 60_000);
    expect(await metric(worker, "prodtrail_ingest_store_up")).toBe(1);
    expect(await exactlyOnceProblems(store, new Set(events.map((e) => e.event_id)), { optimize: true })).toEqual([]);
  });
});
