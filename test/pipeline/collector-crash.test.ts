/**
 * A collector SIGKILLed while shipping, restarted, then everything through
 * the ingest worker into the store: nothing lost, and no duplicate visible
 * to readers — although Kafka does hold duplicates. Killing after Kafka
 * acknowledged a batch but before the spool recorded it makes the restarted
 * collector send that batch again, every time (the "published" case);
 * killing as a publish starts (the "sending" case) may or may not have
 * reached Kafka. kafka-outage.test.ts covers the broker side of outages and
 * stops at the topic; this follows the resend through to the queries.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openSpool } from "../../collect/spool/spool";
import type { IngestWorker } from "../../ingest/worker/worker";
import { canonicalJson } from "../../schemas";
import { countEventsQuery } from "../../store/events";
import { makeEvents } from "../factories/events";
import { useKafka } from "../kafka/use-kafka";
import { openTestStore } from "../store";
import { spawnFixture } from "./child";
import { exactlyOnceProblems } from "./oracle";
import { startWorkers, waitCommitted } from "./pipeline";

const kafka = useKafka();
const COLLECTOR = fileURLToPath(new URL("./testdata/collector.ts", import.meta.url));
const EVENTS = 5_000; // 10 publishes of 500

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});

async function topicSize(topic: string): Promise<bigint> {
  const ends = await (await kafka.admin()).endOffsets(topic);
  return [...ends.values()].reduce((a, b) => a + b, 0n);
}

describe.skipIf(!kafka.available)(`collector SIGKILLed mid-send → worker → store ${kafka.skipReason}`, () => {
  it.each([
    ["sending", 3],
    ["published", 4],
  ] as const)("killed at '%s' (publish #%i): after restart nothing is lost and queries count each event once", { timeout: 120_000 }, async (stage, n) => {
    const topic = await kafka.randomTopic(`collector-${stage}`, 3);
    const root = mkdtempSync(join(tmpdir(), "prodtrail-collector-crash-"));
    cleanups.push(async () => rmSync(root, { recursive: true, force: true }));
    const spoolDir = join(root, "spool");
    const events = makeEvents(EVENTS).map((e, i) => ({ ...e, host: `db-${i % 19}` }));
    // The collector's sources already wrote everything to its spool.
    const spool = await openSpool({ dir: spoolDir }, { log: kafka.connection().logger });
    for (let i = 0; i < EVENTS; i += 250) await spool.append(events.slice(i, i + 250).map((e) => Buffer.from(canonicalJson(e))));
    await spool.close();

    const env = { KAFKA_BROKERS: kafka.brokers.join(","), TOPIC: topic, SPOOL_DIR: spoolDir };
    const first = spawnFixture(COLLECTOR, { ...env, CRASH_AT: stage, CRASH_ON: String(n) });
    await first.line(`STAGE ${stage}`);
    first.proc.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    // The crash came before the work was done (else this proves nothing).
    expect(await topicSize(topic)).toBeLessThan(BigInt(EVENTS));
    if (stage === "published") expect(await topicSize(topic)).toBe(BigInt(n * 500));

    const second = spawnFixture(COLLECTOR, env);
    await second.line("DRAINED");
    second.proc.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const inKafka = await topicSize(topic);
    expect(inKafka).toBeGreaterThanOrEqual(BigInt(EVENTS));
    // The acknowledged-but-unrecorded batch went to Kafka twice.
    if (stage === "published") expect(inKafka).toBe(BigInt(EVENTS + 500));

    const store = await openTestStore();
    cleanups.push(() => store.drop());
    const groupId = kafka.randomGroupId(`collector-${stage}`);
    const workers: IngestWorker[] = await startWorkers(1, kafka.connection("collector-crash"), {
      store,
      topic,
      groupId,
      dlqTopic: await kafka.randomTopic("collector-dlq", 1),
      flushRows: 1_000,
      flushMs: 200,
    });
    cleanups.push(async () => void (await Promise.all(workers.map((w) => w.stop()))));
    await waitCommitted(kafka.connection("collector-crash-check"), groupId, topic, 60_000);

    // What the dashboard and the CLI count, before any merge has run …
    expect((await countEventsQuery(store, {}))[0]?.events).toBe(EVENTS);
    // … and the full oracle (ids, uniqExact, FINAL, raw rows after merge).
    expect(await exactlyOnceProblems(store, new Set(events.map((e) => e.event_id)), { optimize: true })).toEqual([]);
  });
});
