import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { connectAdmin, type KafkaAdmin, type KafkaConnection } from "../../ingest/kafka";
import { createLogger } from "../../lib/log";
import type { KafkaTestContext } from "./context";
import "./context";

export interface KafkaForTests {
  /** false: skip with `describe.skipIf(!kafka.available)`; `skipReason` says how to run them. */
  readonly available: boolean;
  readonly skipReason: string;
  /** true when KAFKA_BROKERS points at a cluster the tests must not stop. */
  readonly external: boolean;
  readonly brokers: string[];
  /** Connection settings for code under test (quiet logs unless PRODTRAIL_LOG_LEVEL is set). */
  connection(clientId?: string): KafkaConnection;
  /** Creates `<prefix>-<random>` with `partitions` partitions; deleted after the file's tests. */
  randomTopic(prefix: string, partitions?: number): Promise<string>;
  randomGroupId(prefix: string): string;
  admin(): Promise<KafkaAdmin>;
}

const NOT_CONFIGURED =
  "no Kafka test context: add test/kafka/global-setup.ts to globalSetup in vitest.config.ts " +
  "(or run with -c test/kafka/vitest.kafka.config.ts)";

/**
 * Call once at the top of a test file:
 *   const kafka = useKafka();
 *   describe.skipIf(!kafka.available)("…", () => { … await kafka.randomTopic("sink") … });
 */
export function useKafka(): KafkaForTests {
  const ctx: KafkaTestContext | undefined = inject("kafka");
  const resolved: KafkaTestContext = ctx ?? { available: false, reason: NOT_CONFIGURED };
  if (!resolved.available) console.warn(`[kafka] skipped: ${resolved.reason}`);
  const brokers = resolved.available ? resolved.brokers : [];
  const logger = createLogger("kafka-test", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
  const connection = (clientId = "prodtrail-test"): KafkaConnection => ({ brokers, clientId, logger });
  const created: string[] = [];
  let adminP: Promise<KafkaAdmin> | undefined;
  const admin = () => (adminP ??= connectAdmin(connection("prodtrail-test-admin")));
  const suffix = () => randomBytes(4).toString("hex");

  afterAll(async () => {
    if (!adminP) return;
    const a = await adminP;
    if (created.length > 0) await a.deleteTopics(created).catch(() => undefined);
    await a.close();
  });

  return {
    available: resolved.available,
    skipReason: resolved.available ? "" : resolved.reason,
    external: resolved.available && resolved.external,
    brokers,
    connection,
    admin,
    randomGroupId: (prefix) => `${prefix}-${suffix()}`,
    async randomTopic(prefix, partitions = 3) {
      const topic = `${prefix}-${suffix()}`;
      await (await admin()).ensureTopic({ topic, partitions });
      created.push(topic);
      return topic;
    },
  };
}
