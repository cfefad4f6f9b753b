import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaConfigSchema } from "../../config/schema";
import { driftConfigSchema } from "../../config/drift";
import { startDriftJob } from "../../drift/start";
import { createLogger } from "../../lib/log";
import { useKafka } from "../../test/kafka/use-kafka";
import { readTopic } from "../../test/kafka/read-topic";
import { openTestStore, type TestStore } from "../../test/store";
import { startIntegrityJob } from "../integrity/job";
import { COORDINATED_JOBS } from "../topics";
import { roundRecordSchema } from "./single-runner";

/**
 * The wiring: the drift and integrity jobs as `prodtrail ingest` starts them
 * (kafka configured), three of each against the real broker and one store.
 * Oracle, with no timing in it: every round any of them ran is a round
 * recorded on the job's coordination topic, and each round number is
 * recorded once. A job that also ran on its own timer, or two leaders, would
 * run more rounds than were recorded, or record a number twice.
 */
const kafka = useKafka();
const log = createLogger("test", "silent");

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i += 1) await new Promise((r) => setTimeout(r, 100));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

async function recordedSince(topic: string, from: bigint, job: string): Promise<number[]> {
  const messages = await readTopic(kafka.connection("job-rounds-oracle"), topic);
  return messages
    .filter((m) => BigInt(m.offset) >= from && m.value !== null)
    .map((m) => roundRecordSchema.parse(JSON.parse(m.value?.toString("utf8") ?? "")))
    .filter((r) => r.job === job)
    .map((r) => r.round);
}

async function endOffset(topic: string): Promise<bigint> {
  const admin = await kafka.admin();
  if (!(await admin.listTopics()).includes(topic)) return 0n;
  return (await admin.endOffsets(topic)).get(0) ?? 0n;
}

describe.skipIf(!kafka.available)("drift and integrity rounds across three workers", () => {
  it.each(["drift", "integrity"] as const)("%s: every round run is recorded once", async (job) => {
    const config = kafkaConfigSchema.parse({ brokers: kafka.brokers });
    const topic = COORDINATED_JOBS[job].topic;
    const from = await endOffset(topic);
    let runs = 0;
    const onRound = () => void (runs += 1);
    const workers = [0, 1, 2].map(() =>
      job === "drift"
        ? startDriftJob({ store, config: { drift: driftConfigSchema.parse({ interval_seconds: 1 }), kafka: config }, log, onRound })
        : startIntegrityJob({ store, log, intervalMs: 1_000, kafka: config, onRound }),
    );
    try {
      await until(() => runs >= 4, `4 ${job} rounds`);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const rounds = await recordedSince(topic, from, job);
    expect(new Set(rounds).size).toBe(rounds.length);
    expect(rounds.length).toBe(runs);
    expect(rounds).toEqual([...rounds].sort((a, b) => a - b));
  }, 120_000);
});
